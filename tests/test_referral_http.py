# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Referrals as customers and integrations give them: the portal page
/my/referrals (its daily cap, what it shows), submit() over XML-RPC with a
bad line, the README's example, and the intake wizard in the browser."""

import xmlrpc.client

from odoo import Command
from odoo.tests import new_test_user, tagged

from .xmlrpc_common import XmlrpcCase


@tagged("post_install", "-at_install")
class TestReferralHttp(XmlrpcCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.referrer = Partner.create(
            {"name": "Portal Referrer", "is_company": True, "email": "pr@r.example"}
        )
        person = Partner.create(
            {
                "name": "Rita Referrer",
                "parent_id": cls.referrer.id,
                "email": "rita@r.example",
            }
        )
        cls.portal = cls.env["res.users"].create(
            {
                "name": "Rita Referrer",
                "login": "portal_rita",
                "password": "portal_rita",
                "partner_id": person.id,
                "groups_id": [Command.set([cls.env.ref("base.group_portal").id])],
            }
        )
        cls.env.company.referral_portal_daily_cap = 3

    def _post(self, rows):
        data = {"csrf_token": self._csrf()}
        for index, row in enumerate(rows):
            for key, value in row.items():
                data[f"{key}_{index}"] = value
        return self.url_open("/my/referrals", data=data)

    def _csrf(self):
        page = self.url_open("/my/referrals").text
        return page.split('name="csrf_token" value="')[1].split('"')[0]

    def _mine(self):
        return self.env["customer.referral"].search(
            [("referrer_id", "=", self.referrer.id)]
        )

    def test_portal_gives_names_and_sees_their_fate(self):
        self.authenticate("portal_rita", "portal_rita")
        home = self.url_open("/my/home")
        self.assertIn("/my/referrals", home.text)
        response = self._post(
            [
                {
                    "name": "Maria Silva",
                    "email": "maria@silva.example",
                    "consent": "on",
                },
                {"name": "No Consent", "email": "nc@x.example"},
                {"name": "Bad Mail", "email": "bad@", "consent": "on"},
                {"name": "Rita Again", "email": "rita@r.example", "consent": "on"},
            ]
        )
        self.assertEqual(response.status_code, 200)
        # the form is posted, then the page shown again (Post/Redirect/Get)
        self.assertEqual([r.status_code for r in response.history], [303])
        page = response.text
        self.assertIn("Maria Silva: received, thank you.", page)
        self.assertIn("No Consent: please confirm that this person agreed", page)
        self.assertIn("Bad Mail: bad@ is not a valid e-mail address.", page)
        # a refused name (here a self-referral) looks like any name received
        self.assertIn("Rita Again: received, thank you.", page)
        self.assertNotIn("not contact", page)
        mine = self._mine()
        self.assertEqual(sorted(mine.mapped("name")), ["Maria Silva", "Rita Again"])
        self.assertEqual(set(mine.mapped("source")), {"portal"})
        self.assertEqual(mine.referrer_contact_id, self.portal.partner_id)
        maria = mine.filtered(lambda r: r.name == "Maria Silva")
        self.assertTrue(maria.consent)
        # the list shows what became of each, not the deal
        maria.lead_id.expected_revenue = 98765
        maria.lead_id.action_set_won()
        page = self.url_open("/my/referrals").text
        self.assertIn("Became a customer", page)
        self.assertIn("Received", page)
        self.assertNotIn("Already known", page)
        self.assertNotIn("98", page.split("Your recommendations")[1])
        self.assertNotIn(maria.lead_id.name, page)

    def test_reloading_or_sending_twice_records_nothing_twice(self):
        self.authenticate("portal_rita", "portal_rita")
        rows = [
            {"name": "Twice Sent", "email": "twice@x.example", "consent": "on"},
            {"name": "No Consent", "email": "nc@x.example"},
        ]
        page = self._post(rows).text
        self.assertIn("Twice Sent: received, thank you.", page)
        self.assertEqual(len(self._mine()), 1)
        # reloading the page shows it again, sends nothing, and tells the
        # outcome only once
        page = self.url_open("/my/referrals").text
        self.assertNotIn("received, thank you", page)
        self.assertEqual(len(self._mine()), 1)
        # the same names posted again at once (a double click): recorded once
        page = self._post(rows).text
        self.assertIn("Twice Sent: received, thank you.", page)
        self.assertEqual(len(self._mine()), 1)
        # other names are recorded
        self._post([{"name": "Other", "email": "other@x.example", "consent": "on"}])
        self.assertEqual(len(self._mine()), 2)

    def test_refused_rows_stay_filled_in_with_their_error(self):
        self.authenticate("portal_rita", "portal_rita")
        page = self._post(
            [
                {"name": "Kept Fine", "email": "fine@x.example", "consent": "on"},
                {
                    "name": "Kept Bad",
                    "company_name": "Bad Ltd",
                    "email": "bad@",
                    "note": "Needs help",
                    "consent": "on",
                },
                {"name": "Kept Noconsent", "phone": "+30 210 999 0000"},
            ]
        ).text
        form = page.split("o_referral_form")[1].split("Your recommendations")[0]
        # the refused rows come first, as they were sent; the name received
        # is not in the form any more
        self.assertNotIn("Kept Fine", form)
        for value in ("Kept Bad", "Bad Ltd", "bad@", "Needs help", "Kept Noconsent"):
            self.assertIn(f'value="{value}"', form)
        self.assertIn('name="name_0" value="Kept Bad"', form)
        self.assertIn('name="consent_0" checked="checked"', form)
        self.assertIn('name="name_1" value="Kept Noconsent"', form)
        self.assertNotIn('name="consent_1" checked', form)
        # each with its error beside it
        rows = form.split("o_referral_row_error")
        self.assertEqual(len(rows), 3)
        self.assertIn("Kept Bad: bad@ is not a valid e-mail address.", rows[1])
        self.assertIn("Kept Noconsent: please confirm", rows[2])

    def test_portal_names_thank_the_portal_user_by_mail(self):
        self.authenticate("portal_rita", "portal_rita")
        self._post([{"name": "Mail Me", "email": "mailme@x.example", "consent": "on"}])
        [referral] = self._mine()
        mails = self.env["mail.mail"].search(
            [("model", "=", "customer.referral"), ("res_id", "=", referral.id)]
        )
        self.assertEqual(len(mails), 1)
        self.assertEqual(mails.recipient_ids, self.portal.partner_id)
        self.assertIn("Thank you for your recommendations", mails.subject)
        self.assertIn("Mail Me", mails.body_html)
        self.assertEqual(mails.state, "outgoing")

    def test_portal_leads_get_a_salesperson_and_a_first_call(self):
        responsible = new_test_user(
            self.env,
            login="referral_responsible",
            groups="sales_team.group_sale_salesman",
        )
        self.assertFalse(self.referrer.user_id)
        # no salesperson for the customer, no leader for the teams (or the
        # superuser, who is never given work)
        self.env["crm.team"].search([]).user_id = False
        self.env.company.referral_portal_daily_cap = 10
        self.authenticate("portal_rita", "portal_rita")
        # nobody set: a sales manager of the company, not the superuser
        self._post([{"name": "Anyone", "email": "anyone@x.example", "consent": "on"}])
        lead = self._mine().lead_id
        self.assertTrue(lead.user_id.has_group("sales_team.group_sale_manager"))
        self.assertFalse(lead.user_id._is_superuser())
        self.assertEqual(lead.activity_ids.user_id, lead.user_id)
        self.env.company.referral_responsible_id = responsible
        self._post([{"name": "Call Me", "email": "callme@x.example", "consent": "on"}])
        lead = self._mine().filtered(lambda r: r.name == "Call Me").lead_id
        self.assertEqual(lead.user_id, responsible)
        self.assertEqual(lead.activity_ids.user_id, responsible)
        self.assertEqual(
            lead.activity_ids.activity_type_id,
            self.env.ref("mail.mail_activity_data_call"),
        )
        # the team leader before the responsible, the superuser never
        team = self.env["crm.team"].search(
            [("company_id", "in", [self.env.company.id, False])]
        )
        team.user_id = self.env.ref("base.user_root")
        self._post([{"name": "Not Bot", "email": "notbot@x.example", "consent": "on"}])
        lead = self._mine().filtered(lambda r: r.name == "Not Bot").lead_id
        self.assertEqual(lead.user_id, responsible)
        self.assertEqual(lead.activity_ids.user_id, responsible)
        leader = new_test_user(
            self.env, login="referral_leader", groups="sales_team.group_sale_manager"
        )
        team.user_id = leader
        self._post([{"name": "Leader", "email": "leader@x.example", "consent": "on"}])
        lead = self._mine().filtered(lambda r: r.name == "Leader").lead_id
        self.assertEqual(lead.user_id, leader)
        self.assertEqual(lead.activity_ids.user_id, leader)
        # told by OdooBot, not from the portal customer's own address
        notice = self.env["mail.message"].search(
            [
                ("model", "=", "crm.lead"),
                ("res_id", "=", lead.id),
                ("message_type", "=", "user_notification"),
            ]
        )
        self.assertEqual(notice.author_id, self.env.ref("base.partner_root"))

    def test_portal_home_tile_has_the_referral_icon(self):
        self.authenticate("portal_rita", "portal_rita")
        home = self.url_open("/my/home").text
        self.assertIn("/customer_value/static/src/img/referral.svg", home)
        self.assertEqual(
            self.url_open("/customer_value/static/src/img/referral.svg").status_code,
            200,
        )

    def test_portal_tour_keeps_refused_rows_and_redirects(self):
        self.start_tour(
            "/my/referrals", "customer_value_referral_portal_tour", login="portal_rita"
        )
        self.assertEqual(self._mine().mapped("name"), ["Tour Maria"])

    def test_portal_reads_no_internal_field_over_xmlrpc(self):
        known = self.env["res.partner"].create(
            {"name": "Known Co", "email": "known@x.example", "customer_rank": 1}
        )
        [pursued, refused] = self.env["customer.referral"].create(
            [
                {
                    "name": "Pursued",
                    "email": "pu@x.example",
                    "referrer_id": self.referrer.id,
                },
                {
                    "name": "Refused",
                    "email": known.email,
                    "referrer_id": self.referrer.id,
                },
            ]
        )
        self.assertEqual(refused.rejection_reason, "existing_customer")
        ids = (pursued | refused).ids
        for name in ("revenue", "lead_id", "rejection_reason", "state", "user_id"):
            with self.assertRaises(xmlrpc.client.Fault, msg=name) as fault:
                self._call("portal_rita", "customer.referral", "read", ids, [name])
            self.assertIn("You do not have enough rights", fault.exception.faultString)
        # nor by searching on them
        with self.assertRaises(xmlrpc.client.Fault):
            self._call(
                "portal_rita",
                "customer.referral",
                "search",
                [("rejection_reason", "=", "existing_customer")],
            )
        self.assertEqual(
            self._call(
                "portal_rita", "customer.referral", "read", ids, ["portal_status"]
            ),
            [
                {"id": pursued.id, "portal_status": "received"},
                {"id": refused.id, "portal_status": "received"},
            ],
        )

    def test_daily_cap(self):
        self.authenticate("portal_rita", "portal_rita")
        rows = [
            {"name": f"Person {n}", "email": f"p{n}@cap.example", "consent": "on"}
            for n in range(4)
        ]
        page = self._post(rows[:2]).text
        self.assertEqual(len(self._mine()), 2)
        page = self._post(rows[2:]).text
        self.assertIn("Person 2: received", page)
        self.assertIn("Person 3: the limit of referrals for today is reached", page)
        self.assertEqual(len(self._mine()), 3)

    def test_portal_sees_only_its_company(self):
        other = self.env["res.partner"].create(
            {"name": "Other Co", "is_company": True, "email": "o@o.example"}
        )
        self.env["customer.referral"].create(
            {"name": "Not Yours", "email": "ny@x.example", "referrer_id": other.id}
        )
        self.authenticate("portal_rita", "portal_rita")
        self.assertNotIn("Not Yours", self.url_open("/my/referrals").text)

    def test_anonymous_is_sent_to_login(self):
        response = self.url_open("/my/referrals", allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))
        self.assertIn("/web/login", response.headers["Location"])

    def test_submit_over_xmlrpc_with_a_bad_line(self):
        self._rpc_user("rpc_referral", "sales_team.group_sale_salesman")
        results = self._call(
            "rpc_referral",
            "customer.referral",
            "submit",
            self.referrer.id,
            [
                {"name": "Good", "email": "good@rpc.example", "consent": True},
                {"name": "No Contact"},
            ],
        )
        self.assertEqual(results[0]["state"], "lead")
        self.assertEqual(
            results[1],
            {"error": "No Contact: give an e-mail address or a phone number."},
        )
        with self.assertRaises(xmlrpc.client.Fault) as fault:
            self._call(
                "portal_rita", "customer.referral", "submit", self.referrer.id, []
            )
        self.assertIn("Only salespeople", fault.exception.faultString)

    def test_readme_example(self):
        lines = self._run_readme_example("### Referrals over XML-RPC")
        self.assertEqual(
            lines,
            [
                "Maria Silva lead",
                "error: No Contact: give an e-mail address or a phone number.",
                "RPC Referrer Co self_referral",
                "lead RPC Referrer Co",
            ],
        )

    def test_intake_wizard_tour(self):
        salesman = new_test_user(
            self.env,
            login="tour_referral",
            groups="sales_team.group_sale_salesman",
        )
        customer = self.env["res.partner"].create(
            {
                "name": "Tour Referrer",
                "is_company": True,
                "email": "tour@referrer.example",
                "user_id": salesman.id,
            }
        )
        self.start_tour(
            f"/odoo/contacts/{customer.id}",
            "customer_value_referral_tour",
            login="tour_referral",
        )
        referrals = self.env["customer.referral"].search(
            [("referrer_id", "=", customer.id)]
        )
        self.assertEqual(sorted(referrals.mapped("name")), ["Lena Tour", "Omar Tour"])
        self.assertEqual(set(referrals.mapped("state")), {"lead"})
        self.assertEqual(referrals.lead_id.user_id, salesman)
