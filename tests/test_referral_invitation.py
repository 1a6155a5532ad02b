# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Referrals asked where customers already look: the company's invitation
on the invoice PDF, in the invoice e-mail and the order confirmation e-mail
(customers only, never without a referral program), the names given through
its link recorded by where they came from, and a check-in marked done that
asks for names."""

from urllib.parse import parse_qs, urlsplit

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, HttpCase, TransactionCase, new_test_user, tagged

from .test_customer_referral import coupon_program
from .xmlrpc_common import XmlrpcCase

INVITATION = "Know someone who needs a hand? Tell us who."


def invitation_setup(env):
    """The company's referral programs and invitation; returns the names
    program."""
    names_program = coupon_program(env, "Names Reward", 10)
    won_program = coupon_program(env, "Won Reward", 20)
    env.company.write(
        {
            "referral_names_program_id": names_program.id,
            "referral_won_program_id": won_program.id,
            "referral_names_count": 3,
            "referral_invitation_text": f"<p>{INVITATION}</p>",
        }
    )
    return names_program


@tagged("post_install", "-at_install")
class TestReferralInvitation(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the e-mails stay in the queue, to be read
        cls.env = cls.env(context=dict(cls.env.context, mail_notify_force_send=False))
        cls.salesman = new_test_user(
            cls.env,
            login="invitation_salesman",
            groups="sales_team.group_sale_salesman",
            email="invitation.sales@company.example",
        )
        cls.accountant = new_test_user(
            cls.env,
            login="invitation_accountant",
            groups="account.group_account_invoice",
            email="invitation.accounts@company.example",
        )
        cls.colleague = new_test_user(
            cls.env,
            login="invitation_colleague",
            groups="base.group_user",
            email="invitation.colleague@company.example",
            notification_type="email",
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Invited Co",
                "is_company": True,
                "email": "office@invited.example",
                "user_id": cls.salesman.id,
            }
        )
        cls.names_program = invitation_setup(cls.env)
        cls.product = cls.env["product.product"].create(
            {"name": "Invitation Service", "list_price": 100.0, "type": "service"}
        )

    def _invoice(self, move_type="out_invoice"):
        invoice = self.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": self.customer.id,
                "invoice_user_id": self.salesman.id,
                "invoice_date": "2026-12-01",
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Consulting", "price_unit": 500.0, "tax_ids": []}
                    )
                ],
            }
        )
        invoice.action_post()
        return invoice

    def _pdf_html(self, invoice, user=None):
        report = self.env["ir.actions.report"].with_user(user or self.salesman)
        html, _format = report._render_qweb_html(
            "account.account_invoices", invoice.ids
        )
        return html.decode()

    def _link(self, html):
        start = html.index('href="', html.index("o_cv_referral_invitation_link"))
        url = html[start + 6 : html.index('"', start + 6)].replace("&amp;", "&")
        return urlsplit(url)

    def test_invoice_pdf_carries_the_invitation(self):
        html = self._pdf_html(self._invoice())
        self.assertIn(INVITATION, html)
        reward = self.names_program.reward_ids.description
        self.assertIn(f"For every 3 people you recommend: {reward}", html)
        self.assertIn("When someone you recommended becomes a customer", html)
        link = self._link(html)
        self.assertEqual(link.path, "/my/referrals")
        self.assertEqual(
            parse_qs(link.query),
            {
                "utm_campaign": ["referral_invitation"],
                "utm_medium": ["invoice"],
                "utm_source": ["pdf"],
            },
        )

    def test_an_accountant_prints_it_too(self):
        """The programs are the sales team's: whoever prints shows them."""
        html = self._pdf_html(self._invoice(), user=self.accountant)
        self.assertIn(INVITATION, html)
        self.assertIn("For every 3 people you recommend", html)

    def test_no_program_no_invitation(self):
        invoice = self._invoice()
        self.env.company.write(
            {"referral_names_program_id": False, "referral_won_program_id": False}
        )
        html = self._pdf_html(invoice)
        self.assertNotIn("o_cv_referral_invitation", html)
        self.assertNotIn(INVITATION, html)

    def test_an_archived_program_is_no_program(self):
        invoice = self._invoice()
        (
            self.env.company.referral_names_program_id
            | self.env.company.referral_won_program_id
        ).action_archive()
        self.assertNotIn(INVITATION, self._pdf_html(invoice))

    def test_no_text_no_invitation(self):
        invoice = self._invoice()
        self.env.company.referral_invitation_text = "<p><br></p>"
        self.assertNotIn("o_cv_referral_invitation", self._pdf_html(invoice))

    def test_only_the_names_program(self):
        self.env.company.referral_won_program_id = False
        html = self._pdf_html(self._invoice())
        self.assertIn("For every 3 people you recommend", html)
        self.assertNotIn("When someone you recommended", html)

    def test_credit_notes_and_bills_do_not_carry_it(self):
        for move_type in ("out_refund", "in_invoice"):
            with self.subTest(move_type=move_type):
                html = self._pdf_html(self._invoice(move_type))
                self.assertNotIn("o_cv_referral_invitation", html)

    def test_the_invitation_is_translated(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        company = self.env.company
        company.with_context(
            lang="fr_FR"
        ).referral_invitation_text = "<p>Vous connaissez quelqu'un ?</p>"
        self.customer.lang = "fr_FR"
        html = self._pdf_html(self._invoice())
        self.assertIn("Vous connaissez quelqu", html)
        self.assertNotIn(INVITATION, html)

    def _bodies(self, record):
        """{partner: body} of the e-mails of the last message sent about
        ``record``."""
        Mail = self.env["mail.mail"].sudo()
        domain = [("model", "=", record._name), ("res_id", "=", record.id)]
        message = Mail.search(domain, order="id desc", limit=1).mail_message_id
        mails = Mail.search([("mail_message_id", "=", message.id)])
        return {
            partner: mail.body_html for mail in mails for partner in mail.recipient_ids
        }

    def test_invoice_email_to_the_customer_not_to_colleagues(self):
        invoice = self._invoice()
        invoice.message_subscribe(partner_ids=self.colleague.partner_id.ids)
        wizard = (
            self.env["account.move.send.wizard"]
            .with_user(self.accountant)
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"sending_methods": ["email"]})
        )
        wizard.action_send_and_print(allow_fallback_pdf=True)
        bodies = self._bodies(invoice)
        self.assertIn(self.customer, bodies)
        self.assertIn(INVITATION, bodies[self.customer])
        self.assertIn("utm_medium=invoice", bodies[self.customer])
        self.assertIn("utm_source=email", bodies[self.customer])
        # the colleague following the invoice gets a copy without it
        self.assertIn(self.colleague.partner_id, bodies)
        self.assertNotIn(INVITATION, bodies[self.colleague.partner_id])
        self.assertNotIn("o_cv_referral_invitation", bodies[self.colleague.partner_id])

    def test_a_credit_note_email_does_not_carry_it(self):
        refund = self._invoice("out_refund")
        self.env["account.move.send.wizard"].with_context(
            active_model="account.move", active_ids=refund.ids
        ).create({"sending_methods": ["email"]}).action_send_and_print(
            allow_fallback_pdf=True
        )
        self.assertNotIn(INVITATION, self._bodies(refund)[self.customer])

    def test_other_messages_do_not_carry_it(self):
        """Only the sending of an invoice adds it: a message posted on the
        invoice has none."""
        invoice = self._invoice()
        invoice.message_post(
            body="Your invoice is late",
            partner_ids=self.customer.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.assertNotIn(INVITATION, self._bodies(invoice)[self.customer])

    def _order(self):
        return (
            self.env["sale.order"]
            .with_user(self.salesman)
            .create(
                {
                    "partner_id": self.customer.id,
                    "order_line": [Command.create({"product_id": self.product.id})],
                }
            )
        )

    def test_order_confirmation_email_carries_it(self):
        order = self._order()
        order.with_context(send_email=True).action_confirm()
        body = self._bodies(order)[self.customer]
        self.assertIn(INVITATION, body)
        self.assertIn("utm_medium=order_mail", body)
        # the quotation e-mail is not asked to
        order = self._order()
        order.message_post_with_source(
            "sale.email_template_edi_sale",
            email_layout_xmlid="mail.mail_notification_layout_with_responsible_signature",
            subtype_xmlid="mail.mt_comment",
        )
        self.assertNotIn(INVITATION, self._bodies(order)[self.customer])

    def test_order_confirmation_without_program(self):
        self.env.company.write(
            {"referral_names_program_id": False, "referral_won_program_id": False}
        )
        order = self._order()
        order.with_context(send_email=True).action_confirm()
        body = self._bodies(order)[self.customer]
        self.assertNotIn("o_cv_referral_invitation", body)

    def test_unknown_medium(self):
        with self.assertRaises(ValueError):
            self.env.company._cv_referral_invitation("flyer", "pdf")

    def test_settings_as_the_administrator(self):
        admin = new_test_user(
            self.env,
            login="invitation_admin",
            groups="base.group_system,sales_team.group_sale_manager",
        )
        settings = Form(self.env["res.config.settings"].with_user(admin))
        settings.referral_invitation_text = "<p>Recommend us!</p>"
        settings.save().execute()
        self.assertEqual(
            self.env.company.referral_invitation_text, "<p>Recommend us!</p>"
        )
        # the sales manager does not change the settings
        manager = new_test_user(
            self.env,
            login="invitation_sales_manager",
            groups="sales_team.group_sale_manager",
        )
        with self.assertRaises(AccessError):
            self.env["res.config.settings"].with_user(manager).create(
                {"referral_invitation_text": "<p>Nope</p>"}
            ).execute()


@tagged("post_install", "-at_install")
class TestCheckInAsksForNames(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(
            cls.env,
            login="check_in_salesman",
            groups="sales_team.group_sale_salesman",
        )
        cls.employee = new_test_user(
            cls.env, login="check_in_employee", groups="base.group_user"
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Checked Co", "is_company": True, "user_id": cls.salesman.id}
        )

    def _activity(self, xmlid="customer_value.mail_activity_check_in", user=None):
        return self.customer.activity_schedule(
            xmlid, user_id=(user or self.salesman).id
        )

    def test_check_in_done_asks_for_names(self):
        activity = self._activity().with_user(self.salesman)
        self.assertTrue(activity.ask_for_names)
        # the web client gets it with the activity
        data = activity.activity_format()
        self.assertTrue(data["mail.activity"][0]["ask_for_names"])
        action = activity.action_done_ask_for_names(feedback="Happy with us")
        self.assertEqual(action["res_model"], "customer.referral.intake")
        self.assertEqual(action["target"], "new")
        self.assertEqual(
            action["context"], {"default_referrer_contact_id": self.customer.id}
        )
        self.assertFalse(activity.exists())
        check_in = self.env.ref("customer_value.mail_activity_check_in")
        done = self.customer.message_ids.filtered(
            lambda m: m.mail_activity_type_id == check_in
        )
        self.assertIn("Happy with us", done[:1].body)
        # the dialog opens for the customer, and records the names
        intake = (
            self.env[action["res_model"]]
            .with_user(self.salesman)
            .with_context(**action["context"])
            .create(
                {
                    "line_ids": [
                        Command.create(
                            {"name": "Nora Named", "email": "nora@n.example"}
                        )
                    ]
                }
            )
        )
        self.assertEqual(intake.referrer_contact_id, self.customer)
        intake.action_submit()
        referral = self.env["customer.referral"].search(
            [("referrer_id", "=", self.customer.id)]
        )
        self.assertEqual(referral.name, "Nora Named")
        self.assertEqual(referral.source, "staff")

    def test_the_activity_dialog_offers_it(self):
        view = self.env.ref("mail.mail_activity_view_form_popup")
        arch = (
            self.env["mail.activity"]
            .with_user(self.salesman)
            .get_view(view.id, "form")["arch"]
        )
        self.assertIn('name="action_done_ask_for_names"', arch)

    def test_other_activities_and_users_are_not_asked(self):
        call = self._activity("mail.mail_activity_data_call").with_user(self.salesman)
        self.assertFalse(call.ask_for_names)
        with self.assertRaises(UserError):
            call.action_done_ask_for_names()
        self.assertTrue(call.exists())
        # an employee who is not a salesperson records no names
        check_in = self._activity(user=self.employee).with_user(self.employee)
        self.assertFalse(check_in.ask_for_names)
        with self.assertRaises(AccessError):
            check_in.action_done_ask_for_names()
        self.assertTrue(check_in.exists())

    def test_bad_input(self):
        activity = self._activity().with_user(self.salesman)
        for feedback in (["x"], 5, {"a": 1}):
            with self.subTest(feedback=feedback), self.assertRaises(UserError):
                activity.action_done_ask_for_names(feedback=feedback)
        with self.assertRaises(UserError):
            (activity | self._activity(user=self.salesman)).with_user(
                self.salesman
            ).action_done_ask_for_names()
        with self.assertRaises(UserError):
            activity.browse().action_done_ask_for_names()
        self.assertTrue(activity.exists())


@tagged("post_install", "-at_install")
class TestReferralInvitationLink(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        invitation_setup(cls.env)
        cls.salesman = new_test_user(
            cls.env,
            login="link_salesman",
            groups="sales_team.group_sale_salesman_all_leads",
        )
        cls.referrer = cls.env["res.partner"].create(
            {"name": "Linked Co", "is_company": True, "email": "office@linked.example"}
        )
        person = cls.env["res.partner"].create(
            {
                "name": "Lina Linked",
                "parent_id": cls.referrer.id,
                "email": "lina@linked.example",
            }
        )
        cls.portal = cls.env["res.users"].create(
            {
                "name": "Lina Linked",
                "login": "portal_lina",
                "password": "portal_lina",
                "partner_id": person.id,
                "groups_id": [Command.set([cls.env.ref("base.group_portal").id])],
            }
        )

    def _give(self, url, name):
        page = self.url_open(url).text
        csrf = page.split('name="csrf_token" value="')[1].split('"')[0]
        source = page.split('name="referral_source" value="')[1].split('"')[0]
        response = self.url_open(
            "/my/referrals",
            data={
                "csrf_token": csrf,
                "referral_source": source,
                "name_0": name,
                "email_0": f"{name.split()[0].lower()}@x.example",
                "consent_0": "on",
            },
        )
        self.assertEqual(response.status_code, 200)
        return self.env["customer.referral"].search(
            [("referrer_id", "=", self.referrer.id), ("name", "=", name)]
        )

    def test_names_given_through_the_link_record_where_they_came_from(self):
        self.authenticate("portal_lina", "portal_lina")
        company = self.env.company
        invoice_url = company._cv_referral_invitation("invoice", "pdf")["url"]
        order_url = company._cv_referral_invitation("order_mail", "email")["url"]
        # straight to the page: the portal
        self.assertEqual(self._give("/my/referrals", "Pia Portal").source, "portal")
        path = urlsplit(invoice_url)
        referral = self._give(f"{path.path}?{path.query}", "Ivo Invoice")
        self.assertEqual(referral.source, "invoice")
        path = urlsplit(order_url)
        self.assertEqual(
            self._give(f"{path.path}?{path.query}", "Ola Order").source, "order_mail"
        )
        # back later without the link: the medium kept by Odoo's UTM cookie
        self.assertEqual(self._give("/my/referrals", "Kim Kept").source, "order_mail")
        # a made-up medium is the portal
        self.assertEqual(
            self._give("/my/referrals?utm_medium=staff", "Sam Staff").source,
            "portal",
        )
        # the daily cap counts the names given through the links too
        self.env.company.referral_portal_daily_cap = 5
        path = urlsplit(invoice_url)
        self.assertFalse(self._give(f"{path.path}?{path.query}", "Max Over"))
        self.assertEqual(
            self.env["customer.referral"].search_count(
                [("referrer_id", "=", self.referrer.id)]
            ),
            5,
        )
        # nobody types where names came from: the analysis by source holds
        Referral = self.env["customer.referral"].with_user(self.salesman)
        with self.assertRaisesRegex(UserError, "cannot be set or changed"):
            Referral.create(
                {
                    "name": "Forged Link",
                    "email": "forged@link.example",
                    "referrer_id": self.referrer.id,
                    "source": "invoice",
                }
            )
        staff = Referral.create(
            {
                "name": "Told Staff",
                "email": "told@staff.example",
                "referrer_id": self.referrer.id,
                "source": "staff",
            }
        )
        self.assertEqual(staff.source, "staff")
        with self.assertRaisesRegex(UserError, "cannot be set or changed"):
            referral.with_user(self.salesman).write({"source": "order_mail"})
        self.assertEqual(referral.source, "invoice")


@tagged("post_install", "-at_install")
class TestCheckInAsksForNamesUi(HttpCase):
    def test_done_and_ask_for_names_from_the_chatter(self):
        salesman = new_test_user(
            self.env,
            login="check_in_tour_salesman",
            groups="sales_team.group_sale_salesman",
        )
        customer = self.env["res.partner"].create(
            {"name": "Tour Checked Co", "is_company": True, "user_id": salesman.id}
        )
        activity = customer.activity_schedule(
            "customer_value.mail_activity_check_in", user_id=salesman.id
        )
        self.start_tour(
            f"/odoo/contacts/{customer.id}",
            "customer_value_check_in_names_tour",
            login=salesman.login,
        )
        self.assertFalse(activity.exists())
        referral = self.env["customer.referral"].search(
            [("referrer_id", "=", customer.id)]
        )
        self.assertEqual(referral.name, "Nina Neighbour")
        check_in = self.env.ref("customer_value.mail_activity_check_in")
        done = customer.message_ids.filtered(
            lambda m: m.mail_activity_type_id == check_in
        )
        self.assertIn("knows a neighbour", done.body)


@tagged("post_install", "-at_install")
class TestReferralInvitationXmlrpc(XmlrpcCase):
    def test_readme_example(self):
        lines = self._run_readme_example("### Referral invitation over XML-RPC")
        self.assertEqual(lines, ["customer.referral.intake True", "0", "api 1"])
        self.env.invalidate_all()
        self.assertEqual(
            str(self.env.company.referral_invitation_text),
            "<p>Know someone who needs us? Tell us.</p>",
        )
