# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Every month, online too: the customers' mailing list kept in sync, the
draft newsletter of the month, a newsletter opened as an online touch (not a
personal contact) and the health rule "ignores our newsletters"."""

import importlib.util
from datetime import date
from pathlib import Path

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .subscription_common import SubscriptionCommon

DOMAINS = {"subscriber.example", "buyer.example", "prospect.example"}


@tagged("post_install", "-at_install")
class TestCustomerNewsletter(SubscriptionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.marketing = new_test_user(
            cls.env,
            login="newsletter_marketing",
            groups="base.group_user,mass_mailing.group_mass_mailing_user",
        )
        cls.list = cls.env.ref("customer_value.mailing_list_customers")
        Partner = cls.env["res.partner"]
        cls.customer.write(
            {"email": "it@subscriber.example", "user_id": cls.salesman.id}
        )
        cls.contact.email = "Sam Scriber <sam@subscriber.example>"
        # a contact without e-mail and a delivery address: not on the list
        Partner.create({"name": "No Mail", "parent_id": cls.customer.id})
        Partner.create(
            {
                "name": "Dock",
                "parent_id": cls.customer.id,
                "type": "delivery",
                "email": "dock@subscriber.example",
            }
        )
        # a buyer (a confirmed sale 11 months ago) and a prospect
        cls.buyer = Partner.create(
            {"name": "Buyer Ltd", "is_company": True, "email": "buy@buyer.example"}
        )
        cls.prospect = Partner.create(
            {"name": "Prospect", "is_company": True, "email": "hi@prospect.example"}
        )
        cls.router = cls.env["product.product"].create(
            {"name": "Router", "list_price": 90.0, "type": "consu"}
        )
        cls.cable = cls.env["product.product"].create(
            {"name": "Cable", "list_price": 5.0, "type": "consu"}
        )
        cls.order = cls._order(cls.buyer, cls.router)
        cls.order.date_order = fields.Datetime.now() - relativedelta(months=11)

    @classmethod
    def _order(cls, partner, product):
        order = cls.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [Command.create({"product_id": product.id})],
            }
        )
        order.action_confirm()
        return order

    def _sync(self):
        self.env["mailing.list"]._cron_sync_customer_list()
        self.env.invalidate_all()

    def _members(self):
        """{e-mail: (opted out, added by the job)} of the customers' list (of
        this test's customers: the demo customers are on it too)."""
        return {
            sub.contact_id.email_normalized: (sub.opt_out, sub.cv_synced)
            for sub in self.list.subscription_ids
            if sub.contact_id.email_normalized.split("@")[1] in DOMAINS
        }

    def _contacts(self):
        return self.list.subscription_ids.contact_id.filtered(
            lambda c: c.email_normalized.split("@")[1] in DOMAINS
        )

    def _catch_up(self):
        self.env["res.partner"]._cron_contact_catch_up()
        self.env.invalidate_all()

    def _mailing(self, sent=None):
        return (
            self.env["mailing.mailing"]
            .sudo()
            .create(
                {
                    "subject": "News",
                    "body_html": "<p>News</p>",
                    "contact_list_ids": [Command.set(self.list.ids)],
                    "mailing_model_id": self.env["ir.model"]._get_id("mailing.list"),
                    "state": "done",
                    "sent_date": sent or fields.Datetime.now(),
                }
            )
        )

    def _trace(self, mailing, email):
        contact = self.list.subscription_ids.contact_id.filtered(
            lambda c: c.email_normalized == email
        )
        self.assertEqual(len(contact), 1, email)
        return (
            self.env["mailing.trace"]
            .sudo()
            .create(
                {
                    "mass_mailing_id": mailing.id,
                    "model": "mailing.contact",
                    "res_id": contact.id,
                    "email": email,
                    "trace_status": "sent",
                    "sent_datetime": mailing.sent_date,
                }
            )
        )

    # ------------------------------------------------------------------
    # The list
    # ------------------------------------------------------------------
    def test_sync_adds_current_customers_contacts_once(self):
        self._subscription()
        self._sync()
        expected = {
            "it@subscriber.example": (False, True),
            "sam@subscriber.example": (False, True),
            "buy@buyer.example": (False, True),
        }
        self.assertEqual(self._members(), expected)
        contacts = self._contacts()
        self.assertEqual(
            set(contacts.customer_partner_id.ids),
            {self.customer.id, self.contact.id, self.buyer.id},
        )
        self.assertEqual(
            contacts.filtered(lambda c: c.customer_partner_id == self.contact).name,
            "Sam Scriber",
        )
        # a second run (and a third) changes nothing
        self._sync()
        self._sync()
        self.assertEqual(self._members(), expected)
        self.assertEqual(self._contacts(), contacts)
        # the marketing user sees the list and its contacts (their rights)
        self.assertEqual(
            self.list.with_user(self.marketing).contact_count,
            len(self.list.subscription_ids),
        )
        # by batches: the same list, a few contacts per call
        self.list.subscription_ids.unlink()
        calls = 0
        Lists = self.env["mailing.list"]
        cron = self.env.ref("customer_value.ir_cron_mailing_list_customers")
        progress = self.env["ir.cron.progress"].create({"cron_id": cron.id})
        Lists = Lists.with_context(ir_cron_progress_id=progress.id)
        while True:
            calls += 1
            Lists._cron_sync_customer_list(batch_size=7)
            if not progress.remaining or calls > 100:
                break
        self.env.invalidate_all()
        self.assertGreater(calls, 1)
        self.assertEqual(self._members(), expected)

    def test_sync_never_adds_back_who_opted_out_or_is_blacklisted(self):
        sub = self._subscription()
        self.env["mail.blacklist"].sudo()._add("buy@buyer.example")
        self._sync()
        self.assertNotIn("buy@buyer.example", self._members())
        # Sam unsubscribes (the unsubscribe page writes the row's opt-out)
        subscription = self.list.subscription_ids.filtered(
            lambda s: s.contact_id.customer_partner_id == self.contact
        )
        subscription.sudo().opt_out = True
        # someone added by hand with the company's address once, opted out
        self.list.subscription_ids.filtered(
            lambda s: s.contact_id.customer_partner_id == self.customer
        ).sudo().unlink()
        self.env["mailing.contact"].with_user(self.marketing).create(
            {
                "name": "IT desk",
                "email": "IT@subscriber.example",
                "subscription_ids": [
                    Command.create({"list_id": self.list.id, "opt_out": True})
                ],
            }
        )
        contacts = self.env["mailing.contact"].search_count([])
        self._sync()
        self.assertEqual(
            self._members(),
            {
                "sam@subscriber.example": (True, True),
                "it@subscriber.example": (True, False),
            },
        )
        self.assertEqual(self.env["mailing.contact"].search_count([]), contacts)
        # no longer a customer: the opted-out rows stay, they remember it
        sub.with_user(self.salesman).close_subscription(self.close_reason.id)
        self.assertFalse(sub.revenue_active)
        self._sync()
        self.assertEqual(len(self._members()), 2)

    def test_sync_removes_former_customers_it_added_only(self):
        self._sync()
        self.assertEqual(self._members(), {"buy@buyer.example": (False, True)})
        # added by hand: a contact of the buyer and the prospect
        Contact = self.env["mailing.contact"].with_user(self.marketing)
        Contact.create(
            [
                {
                    "name": name,
                    "email": email,
                    "subscription_ids": [Command.create({"list_id": self.list.id})],
                }
                for name, email in [
                    ("Bo Buyer", "bo@buyer.example"),
                    ("Prospect", "hi@prospect.example"),
                ]
            ]
        )
        # the last sale is now 13 months old: no longer a current customer
        self.order.date_order = fields.Datetime.now() - relativedelta(months=13)
        self._sync()
        self.assertEqual(
            self._members(),
            {
                "bo@buyer.example": (False, False),
                "hi@prospect.example": (False, False),
            },
        )
        # a customer again: the same mailing contact comes back on the list
        contact = self.env["mailing.contact"].search(
            [("customer_partner_id", "=", self.buyer.id)]
        )
        self._order(self.buyer, self.cable)
        self._sync()
        self.assertEqual(self._members()["buy@buyer.example"], (False, True))
        self.assertEqual(
            self.env["mailing.contact"].search(
                [("customer_partner_id", "=", self.buyer.id)]
            ),
            contact,
        )

    # ------------------------------------------------------------------
    # The newsletter of the month
    # ------------------------------------------------------------------
    def test_draft_newsletter_on_the_first_once_a_month(self):
        self.company.feedback_throttle_days = 0
        nps = self.env["customer.feedback.touchpoint"].create(
            {"name": "Onboarding", "metric": "nps"}
        )
        with freeze_time("2031-10-20 10:00:00"):
            Feedback = self.env["customer.feedback"]
            feedback = Feedback.browse(
                Feedback.request_feedback(nps.id, self.contact.id)
            )
            feedback._send_requests()
            feedback.record_answer(10, "They set us up in a day", source="staff")
            self.assertEqual(
                (feedback.state, feedback.category), ("answered", "promoter")
            )
            self._order(self.buyer, self.router)
            self._order(self.prospect, self.router)
            self._order(self.prospect, self.cable)
        Mailing = self.env["mailing.mailing"]
        with freeze_time("2031-11-01 06:00:00"):
            draft = Mailing._cron_newsletter_draft()
            self.assertFalse(Mailing._cron_newsletter_draft(), "one a month")
        self.assertEqual(
            Mailing.with_context(active_test=False).search(
                [("cv_newsletter_month", "!=", False)]
            ),
            draft,
        )
        self.assertEqual(draft.state, "draft")
        self.assertEqual(draft.contact_list_ids, self.list)
        self.assertEqual(draft.cv_newsletter_month, date(2031, 11, 1))
        self.assertEqual(draft.subject, "Newsletter November 2031")
        self.assertEqual(draft.campaign_id.name, "Newsletter November 2031")
        self.assertEqual(draft.cv_story_partner_id, self.customer)
        body = str(draft.body_arch)
        self.assertIn('data-cv-block="story"', body)
        self.assertIn('data-cv-block="product"', body)
        self.assertIn("Subscriber Inc would recommend us (10/10).", body)
        self.assertIn("They set us up in a day", body)
        self.assertIn("ask the customer's consent", body)
        self.assertIn("<strong>Router</strong>", body)
        # the marketing user edits it; a salesperson has no Email Marketing
        draft.with_user(self.marketing).write(
            {"body_arch": "<p>Edited</p>", "body_html": "<p>Edited</p>"}
        )
        self.assertFalse(draft.with_user(self.salesman).has_access("read"))
        with self.assertRaises(AccessError):
            draft.with_user(self.salesman).read(["subject"])
        # even archived, the month's draft is not made again
        draft.with_user(self.marketing).action_archive()
        with freeze_time("2031-11-02 06:00:00"):
            self.assertFalse(Mailing._cron_newsletter_draft())
        # next month: the same customer is not told again, nothing sold
        with freeze_time("2031-12-01 06:00:00"):
            december = Mailing._cron_newsletter_draft()
        self.assertEqual(december.cv_newsletter_month, date(2031, 12, 1))
        self.assertFalse(december.cv_story_partner_id)
        self.assertIn("No customer win to tell this month", str(december.body_arch))
        self.assertIn("No product sold last month", str(december.body_arch))

    def test_story_of_an_upgrade(self):
        with freeze_time("2031-10-10 10:00:00"):
            sub = self._subscription()
            sub.with_user(self.salesman).change_plan(
                self.pro.id, effective_date=date(2031, 10, 10)
            )
        story = self.env["mailing.mailing"]._newsletter_story_of_month(
            date(2031, 11, 1)
        )
        self.assertEqual(story["partner"], self.customer)
        self.assertEqual(story["kind"], "upgrade")
        self.assertEqual(
            story["what"], f"Subscriber Inc moved up to {self.pro.display_name}."
        )

    def test_story_of_a_migration(self):
        competitor = self.env["crossgrade.competitor"].create({"name": "Rival"})
        origin = self.env["crossgrade.origin"].create(
            {
                "partner_id": self.customer.id,
                "competitor_product_id": self.env["crossgrade.competitor.product"]
                .create({"name": "Rival Suite", "competitor_id": competitor.id})
                .id,
            }
        )
        migration = self.env["crossgrade.migration"].create(
            {
                "partner_id": self.customer.id,
                "origin_id": origin.id,
                "date_planned": date(2031, 10, 5),
                "user_id": self.salesman.id,
            }
        )
        Mailing = self.env["mailing.mailing"]
        self.assertIsNone(Mailing._newsletter_story_of_month(date(2031, 11, 1)))
        migration.check_ids.write({"state": "ok"})
        migration.with_user(self.salesman).action_done()
        story = Mailing._newsletter_story_of_month(date(2031, 11, 1))
        self.assertEqual(
            (story["partner"], story["record"]), (self.customer, migration)
        )
        self.assertEqual(story["what"], "Subscriber Inc switched to us from Rival.")
        # switched on the 1st: next month's story
        self.assertIsNone(Mailing._newsletter_story_of_month(date(2031, 10, 5)))

    # ------------------------------------------------------------------
    # Online touch
    # ------------------------------------------------------------------
    def test_newsletter_opened_is_an_online_touch_not_a_contact(self):
        self._subscription()
        self._sync()
        mailing = self._mailing()
        opened = self._trace(mailing, "sam@subscriber.example")
        clicked = self._trace(mailing, "buy@buyer.example")
        # what the public tracking routes do: nothing more is written
        opened.set_opened()
        clicked.set_clicked()
        self.assertFalse(self.customer.last_newsletter_open_date)
        self._catch_up()
        customer = self.customer.with_user(self.salesman)
        today = fields.Date.today()
        self.assertEqual(customer.last_newsletter_open_date, today)
        self.assertEqual(
            self.buyer.with_user(self.salesman).last_newsletter_open_date, today
        )
        self.assertFalse(customer.last_contact_date)
        self.assertFalse(customer.next_contact_date)
        # the "not contacted" list still lists the customer
        action = self.env.ref("customer_value.res_partner_action_contact_due")
        self.assertEqual(action.context, "{'search_default_contact_due': 1}")
        customer.action_compute_health()
        not_contacted = customer.search(
            [
                ("health_state", "!=", False),
                "|",
                ("next_contact_date", "<=", today),
                ("last_contact_date", "=", False),
            ]
        )
        self.assertIn(self.customer, not_contacted)
        self.assertIn(
            "no_contact", self.customer.health_reason_ids.rule_id.mapped("code")
        )
        # the rhythm job gives the salesperson a check-in all the same
        self.env["res.partner"]._cron_contact_rhythm()
        check_in = self.env.ref("customer_value.mail_activity_check_in")
        self.assertTrue(
            self.customer.activity_ids.filtered(
                lambda a: a.activity_type_id == check_in
            )
        )

    def test_opening_writes_the_trace_only(self):
        """The tracking routes (public, one hit per open or click) write the
        trace and nothing of the addon: the job catches up."""
        self._subscription()
        self._sync()
        mailing = self._mailing()
        first, second = (
            self._trace(mailing, "sam@subscriber.example"),
            self._trace(mailing, "it@subscriber.example"),
        )
        first.set_opened()
        first.set_clicked()
        self.env.flush_all()
        with self.assertQueryCount(1):
            second.set_opened()
            self.env.flush_all()
        with self.assertQueryCount(1):
            second.set_clicked()
            self.env.flush_all()
        self.assertFalse(self.customer.last_newsletter_open_date)

    def test_health_rule_ignores_newsletters(self):
        rule = self.env.ref("customer_value.health_rule_ignores_newsletters")
        self.assertFalse(rule.active, "optional: opens are an imprecise measure")
        rule.active = True
        self._subscription()
        self._sync()
        now = fields.Datetime.now()
        traces = self.env["mailing.trace"]
        for days in (70, 40, 10):
            mailing = self._mailing(now - relativedelta(days=days))
            traces |= self._trace(mailing, "sam@subscriber.example")

        def reasons():
            self.customer.with_user(self.salesman).action_compute_health()
            return self.customer.health_reason_ids.filtered(lambda r: r.rule_id == rule)

        [reason] = reasons()
        self.assertEqual(reason.name, "3 newsletters in 120 days, none opened")
        self.assertEqual(
            (reason.res_model, reason.res_id), ("res.partner", self.customer.id)
        )
        self.assertEqual(reason.points, 5)
        # fewer than the threshold: no signal
        rule.threshold = 4
        self.assertFalse(reasons())
        rule.threshold = 3
        # one opened: no signal
        traces[0].set_opened()
        self.assertFalse(reasons())

    def test_upgrade_fills_the_last_newsletter_opened(self):
        """18.0.1.7.0: a database upgraded (Email Marketing installed with it,
        newsletters opened before) gets the dates the install would give."""
        self._subscription()
        self._sync()
        mailing = self._mailing(sent=fields.Datetime.now() - relativedelta(days=200))
        trace = self._trace(mailing, "sam@subscriber.example")
        trace.set_opened()
        trace.open_datetime = fields.Datetime.now() - relativedelta(days=199)
        self.env.flush_all()
        # the 15-minute job reads recent mailings only: not this one
        self._catch_up()
        self.assertFalse(self.customer.last_newsletter_open_date)
        path = (
            Path(__file__).resolve().parents[1]
            / "migrations"
            / "18.0.1.7.0"
            / "post-migration.py"
        )
        spec = importlib.util.spec_from_file_location("post_migration", path)
        script = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(script)
        script.migrate(self.env.cr, "18.0.1.6.0")
        self.env.invalidate_all()
        self.assertEqual(
            self.customer.last_newsletter_open_date,
            (fields.Datetime.now() - relativedelta(days=199)).date(),
        )

    def test_product_of_the_month_is_the_most_offered(self):
        """With next offers computed, the product of the month is the one most
        customers are offered (not dismissed), whatever sold last month."""
        Offer = self.env["customer.next.offer"].sudo()
        Offer.search([]).unlink()
        with freeze_time("2031-10-20 10:00:00"):
            self._order(self.buyer, self.router)
        for partner, product, state in (
            (self.customer, self.cable, "new"),
            (self.buyer, self.cable, "offered"),
            (self.prospect, self.router, "new"),
            (self.prospect, self.cable, "dismissed"),
        ):
            Offer.create(
                {
                    "partner_id": partner.id,
                    "company_id": self.env.company.id,
                    "product_tmpl_id": product.product_tmpl_id.id,
                    "state": state,
                }
            )
        with freeze_time("2031-11-01 06:00:00"):
            draft = self.env["mailing.mailing"]._cron_newsletter_draft()
        self.assertIn("<strong>Cable</strong>", str(draft.body_arch))
        self.assertNotIn("<strong>Router</strong>", str(draft.body_arch))
