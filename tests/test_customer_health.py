# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Customer health: each signal on known data, with its reason and the record
behind it; the status thresholds; the batch job; status changes."""

from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged

from .subscription_common import SubscriptionCommon


@tagged("post_install", "-at_install")
class TestCustomerHealth(SubscriptionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.feedback_throttle_days = 0
        cls.customer.write(
            {"email": "it@subscriber.example", "user_id": cls.salesman.id}
        )
        cls.contact.email = "sam@subscriber.example"
        cls.rules = {
            rule.code: rule
            for rule in cls.env["customer.health.rule"]
            .with_context(active_test=False)
            .search([])
        }
        # the answers of these tests are on fixed dates of 2026: within the
        # window of the unhappy feedback rule, whatever today is
        cls.rules["feedback"].window_days = 3650
        cls.nps = cls.env["customer.feedback.touchpoint"].create(
            {"name": "Support follow-up", "metric": "nps"}
        )
        # a recent contact, so that silence does not blur the other signals
        cls.env["res.partner"]._note_contact((cls.customer | cls.other_customer).ids)

    def _health(self, partner=None):
        partner = partner or self.customer
        partner.with_user(self.salesman).action_compute_health()
        return partner

    def _reasons(self, code, partner=None):
        partner = partner or self.customer
        return partner.health_reason_ids.filtered(
            lambda r: r.rule_id == self.rules[code]
        )

    def _answer(self, score, when, partner=None):
        with freeze_time(when):
            Feedback = self.env["customer.feedback"]
            feedback = Feedback.browse(
                Feedback.request_feedback(self.nps.id, (partner or self.contact).id)
            )
            feedback._send_requests()
            feedback.record_answer(score, source="staff")
        return feedback

    def _overdue_invoice(self):
        """A posted invoice of the customer, 3,400.00 due 20 days ago."""
        due = fields.Date.today() - timedelta(days=20)
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_date": due,
                "invoice_date_due": due,
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Consulting", "price_unit": 3400.0, "tax_ids": []}
                    )
                ],
            }
        )
        invoice.action_post()
        return invoice

    def test_a_customer_without_signals_is_healthy(self):
        self._subscription()
        self._health()
        self.assertEqual(
            (self.customer.health_state, self.customer.health_score), ("healthy", 100)
        )
        self.assertFalse(self.customer.health_reason_ids)
        self.assertEqual(self.customer.health_date, fields.Date.today())

    def test_detractor_and_falling_nps(self):
        self._answer(9, "2026-06-01 10:00:00")
        answer = self._answer(3, "2026-10-02 10:00:00")
        self._health()
        [reason] = self._reasons("feedback")
        self.assertEqual(
            reason.name, "Detractor: scored 3 on 10/02/2026 (Support follow-up)"
        )
        self.assertEqual(
            (reason.res_model, reason.res_id), ("customer.feedback", answer.id)
        )
        self.assertEqual(reason.points, 30)
        [trend] = self._reasons("feedback_trend")
        self.assertEqual(trend.name, "NPS fell from 9 to 3")
        # the open follow-up of the detractor is overdue by now
        [overdue] = self._reasons("followup_overdue")
        self.assertEqual(overdue.name, "A feedback follow-up is overdue")
        self.assertEqual(self.customer.health_score, 100 - 30 - 10 - 20)
        self.assertEqual(self.customer.health_state, "at_risk", "40 is not below 40")
        # the record behind the reason opens
        action = reason.with_user(self.salesman).action_open_record()
        self.assertEqual(
            (action["res_model"], action["res_id"]), ("customer.feedback", answer.id)
        )

    def test_an_answer_and_a_resolved_followup_change_health_at_once(self):
        self._subscription()
        self._health()
        self.assertEqual(self.customer.health_state, "healthy")
        answer = self._answer(2, fields.Datetime.now())
        self.env.invalidate_all()
        self.assertTrue(self._reasons("feedback"), "no need to wait for the night")
        self.assertEqual(self.customer.health_state, "at_risk")
        answer.with_user(self.salesman).action_resolve_followup("solved")
        self.env.invalidate_all()
        self.assertFalse(self._reasons("feedback"))
        self.assertEqual(self.customer.health_state, "healthy")

    def test_unhappy_feedback_ages_out_of_the_window_or_when_resolved(self):
        self.rules["feedback"].window_days = 30
        self._answer(3, "2026-03-02 10:00:00")
        with freeze_time("2026-03-31 10:00:00"):
            self._health()
            self.assertTrue(self._reasons("feedback"), "29 days old: it counts")
        with freeze_time("2026-04-02 10:00:00"):
            self._health()
            self.assertFalse(self._reasons("feedback"), "31 days old: it does not")
        # a newer unhappy answer counts until its follow-up is resolved
        answer = self._answer(1, "2026-04-02 09:00:00")
        with freeze_time("2026-04-02 10:00:00"):
            self._health()
            self.assertEqual(self._reasons("feedback").res_id, answer.id)
            answer.with_user(self.salesman).action_resolve_followup("solved")
            self._health()
            self.assertFalse(self._reasons("feedback"))

    def test_reasons_and_notes_in_the_salespersons_language(self):
        self.env["res.lang"]._activate_lang("pt_BR")
        self.env["ir.module.module"]._load_module_terms(["customer_value"], ["pt_BR"])
        self.salesman.lang = "pt_BR"
        self._subscription()
        self._health()
        self._answer(3, "2026-10-02 10:00:00")
        self._health()
        [reason] = self._reasons("feedback")
        self.assertEqual(
            reason.with_context(lang="pt_BR").name,
            "Detrator: nota 3 em 02/10/2026 (Support follow-up)",
        )
        self.assertIn("Saúde: Saudável → Em risco", self.customer.message_ids[0].body)

    def test_reasons_read_in_the_readers_language(self):
        """The salesperson writes English; a manager on a Persian screen reads
        the reasons in Persian, with Persian dates."""
        self.env["res.lang"]._activate_lang("fa_IR")
        self.env["ir.module.module"]._load_module_terms(["customer_value"], ["fa_IR"])
        # the reasons are written in the languages the internal users read
        new_test_user(
            self.env,
            login="health_fa_manager",
            groups="sales_team.group_sale_manager",
            lang="fa_IR",
        )
        self.customer.sudo().write(
            {"last_contact_date": date.today() - timedelta(days=47)}
        )
        end = fields.Date.today() + timedelta(days=5)
        self._subscription(trial_end_date=end)
        self._health()
        [silence] = self._reasons("no_contact")
        [trial] = self._reasons("trial_ending")
        self.assertEqual(
            silence.with_context(lang="en_US").name, "No contact for 47 days"
        )
        self.assertEqual(silence.with_context(lang="fa_IR").name, "47 روز بدون تماس")
        persian = trial.with_context(lang="fa_IR").name
        self.assertIn("دورهٔ آزمایشی در", persian)
        self.assertNotIn(end.isoformat(), persian)
        self.assertEqual(
            trial.with_context(lang="en_US").name,
            f"Trial ends on {end.strftime('%m/%d/%Y')}",
        )

    def test_mrr_contraction_and_scheduled_downgrade(self):
        with freeze_time(fields.Date.today() - timedelta(days=120)):
            sub = self._subscription([(self.pro, 1)])
        sub.change_plan(
            self.basic.id,
            reason_id=self.reason.id,
            effective_date=fields.Date.context_today(sub),
        )
        self._health()
        [reason] = self._reasons("mrr_contraction")
        self.assertEqual(
            reason.name, "MRR down 66.67 % in 90 days: Downgrade Pro → Basic"
        )
        self.assertEqual(reason.res_model, "sale.subscription.change")
        self.assertFalse(self._reasons("scheduled_downgrade"))
        # a downgrade for the next renewal is scheduled
        other = self._subscription([(self.enterprise, 1)], partner=self.other_customer)
        change = other.change_plan(
            self.pro.id,
            reason_id=self.reason.id,
            effective_date=fields.Date.today() + timedelta(days=30),
        )
        self.assertEqual(change.state, "scheduled")
        self._health(self.other_customer)
        [scheduled] = self._reasons("scheduled_downgrade", self.other_customer)
        self.assertEqual(
            scheduled.name,
            f"Downgrade scheduled on {change.date.strftime('%m/%d/%Y')}: "
            "Enterprise → Pro",
        )
        self.assertEqual(scheduled.res_id, change.id)

    def test_vouchers_unused(self):
        voucher_type = self.env["customer.voucher.type"].create(
            {"name": "Health training", "value": 500.0, "validity_days": 365}
        )
        Voucher = self.env["customer.voucher"]
        today = fields.Date.today()
        for issue in (today - timedelta(days=350), today):
            Voucher.create(
                {
                    "type_id": voucher_type.id,
                    "partner_id": self.customer.id,
                    "issue_date": issue,
                }
            )
        self._health()
        [reason] = self._reasons("vouchers_unused")
        self.assertEqual(
            reason.name,
            "2 vouchers worth $\xa01,000.00 unused, 1 expires within 30 days",
        )
        self.assertEqual(reason.points, 10)

    def test_a_reason_of_several_records_opens_them_all(self):
        voucher_type = self.env["customer.voucher.type"].create(
            {"name": "Health training", "value": 500.0, "validity_days": 365}
        )
        vouchers = self.env["customer.voucher"].create(
            [
                {
                    "type_id": voucher_type.id,
                    "partner_id": self.customer.id,
                    "user_id": self.salesman.id,
                }
                for _i in range(4)
            ]
        )
        self._health()
        [reason] = self._reasons("vouchers_unused")
        self.assertTrue(reason.name.startswith("4 vouchers worth"))
        action = reason.with_user(self.salesman).action_open_record()
        self.assertEqual(action["res_model"], "customer.voucher")
        self.assertEqual(action["views"][0][1], "list")
        self.assertEqual(
            self.env["customer.voucher"].search(action["domain"]), vouchers
        )
        # one left: its form
        vouchers[1:].sudo().write({"state": "cancelled"})
        self._health()
        [reason] = self._reasons("vouchers_unused")
        action = reason.with_user(self.salesman).action_open_record()
        self.assertEqual(
            (action["res_id"], action["views"]), (vouchers[0].id, [(False, "form")])
        )

    def test_the_record_of_a_reason_reads_in_the_readers_language(self):
        with freeze_time(fields.Date.today() - timedelta(days=120)):
            sub = self._subscription([(self.pro, 1)])
        change = sub.change_plan(
            self.basic.id,
            reason_id=self.reason.id,
            effective_date=fields.Date.today() + timedelta(days=30),
        )
        self._health()
        [reason] = self._reasons("scheduled_downgrade")
        self.env["res.lang"]._activate_lang("fa_IR")
        self.env["ir.module.module"]._load_module_terms(["customer_value"], ["fa_IR"])
        self.assertEqual(
            reason.with_context(lang="en_US").record_name,
            f"{sub.display_name} · Downgrade · {change.date.strftime('%m/%d/%Y')}",
        )
        persian = reason.with_context(lang="fa_IR").record_name
        self.assertIn(" · تنزل · ", persian)
        self.assertNotIn(change.date.isoformat(), persian)

    def test_never_contacted_shows_no_days_without_contact(self):
        arch = self.env["res.partner"].get_view(
            self.env.ref("customer_value.res_partner_view_list_health").id, "list"
        )["arch"]
        self.assertRegex(
            arch,
            r'<field name="days_since_contact"[^>]*invisible="not last_contact_date"',
        )

    def test_events_that_change_a_reason_recompute_the_health(self):
        """A contact after a silence, a voucher redeemed, a plan change: the
        health follows at once (the check-in asked is done)."""
        self.customer.sudo().write(
            {"last_contact_date": date.today() - timedelta(days=47)}
        )
        voucher_type = self.env["customer.voucher.type"].create(
            {"name": "Health training", "value": 500.0, "validity_days": 365}
        )
        voucher = self.env["customer.voucher"].create(
            {
                "type_id": voucher_type.id,
                "partner_id": self.customer.id,
                "user_id": self.salesman.id,
            }
        )
        sub = self._subscription([(self.pro, 1)])
        self._health()
        self.assertTrue(self._reasons("no_contact"))
        self.assertTrue(self._reasons("vouchers_unused"))
        self.env["res.partner"]._cron_contact_rhythm()
        check_in = self.env.ref("customer_value.mail_activity_check_in")
        self.assertEqual(
            len(
                self.customer.activity_ids.filtered(
                    lambda a: a.activity_type_id == check_in
                )
            ),
            1,
        )
        # the customer answers: back in touch, the check-in is done
        self.customer.with_user(self.salesman).message_post(
            body="Thanks, all good",
            author_id=self.contact.id,
            message_type="email",
            subtype_xmlid="mail.mt_comment",
        )
        # the job of every 15 minutes
        self.env["res.partner"]._cron_contact_catch_up()
        self.env.invalidate_all()
        self.assertEqual(self.customer.last_contact_date, date.today())
        self.assertFalse(
            self.customer.activity_ids.filtered(
                lambda a: a.activity_type_id == check_in
            )
        )
        self.assertFalse(self._reasons("no_contact"))
        self.assertEqual(self.customer.health_date, date.today())
        # closing the check-in is no contact of its own
        self.assertEqual(self.customer.last_contact_date, date.today())
        voucher.with_user(self.salesman).action_redeem("Course")
        self.assertFalse(self._reasons("vouchers_unused"))
        sub.with_user(self.salesman).change_plan(
            self.basic.id,
            reason_id=self.reason.id,
            effective_date=fields.Date.today() + timedelta(days=30),
        )
        self.assertTrue(self._reasons("scheduled_downgrade"))

    def test_no_contact(self):
        self.customer.sudo().write(
            {"last_contact_date": date.today() - timedelta(days=47)}
        )
        self._subscription()
        self._health()
        [reason] = self._reasons("no_contact")
        self.assertEqual(reason.name, "No contact for 47 days")
        self.assertEqual(
            (reason.res_model, reason.res_id), ("res.partner", self.customer.id)
        )

    def test_invoices_overdue(self):
        invoice = self._overdue_invoice()
        self._subscription()
        self._health()
        [reason] = self._reasons("invoices_overdue")
        self.assertEqual(reason.name, "1 invoice overdue, $\xa03,400.00")
        self.assertEqual(
            (reason.res_model, reason.res_id), ("account.move", invoice.id)
        )

    def test_trial_ending(self):
        end = fields.Date.today() + timedelta(days=5)
        sub = self._subscription(trial_end_date=end)
        self.assertEqual(sub.trial_state, "trial")
        self._health()
        [reason] = self._reasons("trial_ending")
        self.assertEqual(reason.name, f"Trial ends on {end.strftime('%m/%d/%Y')}")

    def test_rules_can_be_switched_off_and_weighed(self):
        self._answer(2, "2026-10-02 10:00:00")
        self.rules["followup_overdue"].active = False
        self.rules["feedback"].points = 50
        self._health()
        self.assertFalse(self._reasons("followup_overdue"))
        self.assertEqual(self.customer.health_score, 50)
        self.assertEqual(self.customer.health_state, "at_risk")
        self.company.health_at_risk_below = 50
        self._health()
        self.assertEqual(self.customer.health_state, "healthy")

    def test_status_change_is_noted_and_critical_makes_one_activity(self):
        self._subscription()
        self._health()
        self.assertEqual(self.customer.health_state, "healthy")
        self._answer(9, "2026-10-02 10:00:00")
        # the answer changes the status at once: 30 + 10 (falling)
        self._answer(1, "2026-10-09 10:00:00")
        self.assertEqual(self.customer.health_state, "at_risk")
        self.company.health_critical_below = 50
        self._health()  # + 20: the follow-up is overdue by now
        self.assertEqual(self.customer.health_state, "critical")
        notes = self.customer.message_ids.mapped("body")
        self.assertTrue([n for n in notes if "Health: Healthy → At risk" in n])
        self.assertTrue([n for n in notes if "Health: At risk → Critical" in n])
        activity_type = self.env.ref("customer_value.mail_activity_health_critical")
        activities = self.customer.activity_ids.filtered(
            lambda a: a.activity_type_id == activity_type
        )
        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.user_id, self.salesman)
        self._health()
        self.customer.sudo().health_state = "at_risk"
        self._health()
        self.assertEqual(
            len(
                self.customer.activity_ids.filtered(
                    lambda a: a.activity_type_id == activity_type
                )
            ),
            1,
            "not one per run while it is open",
        )
        snapshot = self.env["customer.health.snapshot"].search(
            [
                ("partner_id", "=", self.customer.id),
                ("month", "=", fields.Date.today().replace(day=1)),
            ]
        )
        self.assertEqual(len(snapshot), 1, "one per customer and month")
        self.assertEqual(
            (snapshot.state, snapshot.month),
            ("critical", fields.Date.today().replace(day=1)),
        )

    def test_batch_job_runs_a_constant_number_of_queries(self):
        """Each signal is one query for the whole batch: 10 or 100 customers
        (one reason each, below the ORM's 100-row insert batches) cost the same
        queries."""
        Partner = self.env["res.partner"]

        def customers_with_a_voucher(count):
            customers = Partner.create(
                [
                    {"name": f"Health {count} {i}", "is_company": True}
                    for i in range(count)
                ]
            )
            voucher_type = self.env["customer.voucher.type"].create(
                {"name": f"Health {count}", "value": 100.0, "validity_days": 365}
            )
            self.env["customer.voucher"].create(
                [
                    {"type_id": voucher_type.id, "partner_id": customer.id}
                    for customer in customers
                ]
            )
            Partner._note_contact(customers.ids)
            return customers

        customers_with_a_voucher(3)._compute_health()  # warms the caches
        counts = {}
        for size in (10, 100):
            customers = customers_with_a_voucher(size)
            self.env.flush_all()
            self.env.invalidate_all()
            queries = self.env.cr.sql_log_count
            customers._compute_health()
            self.env.flush_all()
            counts[size] = self.env.cr.sql_log_count - queries
            # 1 voucher unused each, none expiring soon: half the points
            self.assertEqual(set(customers.mapped("health_score")), {95})
            self.assertEqual(len(customers.health_reason_ids), size)
        self.assertEqual(counts[10], counts[100], counts)

    def test_cron_goes_on_where_it_stopped(self):
        self._subscription()
        self._subscription(partner=self.other_customer)
        Partner = self.env["res.partner"]
        # computed again: the job goes by the day of the snapshots
        self.env["customer.health.snapshot"].search([]).unlink()
        first = Partner._cron_compute_health(batch_size=1)
        self.assertEqual(len(first), 1)
        rest = Partner
        while batch := Partner._cron_compute_health(batch_size=50):
            rest |= batch
        self.assertNotIn(first, rest)
        self.assertIn(self.customer, first | rest)
        self.assertIn(self.other_customer, first | rest)
        self.assertFalse(Partner._cron_compute_health(batch_size=50))

    def test_health_is_per_company_of_a_shared_customer(self):
        """A customer shared between companies: the second company's user sees
        the health its own documents give, in its currency, and neither the
        first company's reasons nor the names of its documents."""
        self.assertFalse(self.customer.company_id, "shared between companies")
        eur = self.env.ref("base.EUR")
        eur.active = True
        company_2 = self.env["res.company"].create(
            {"name": "Health Co 2", "currency_id": eur.id}
        )
        user_2 = new_test_user(
            self.env,
            login="health_co2",
            groups="sales_team.group_sale_salesman_all_leads",
            company_id=company_2.id,
            company_ids=[Command.set(company_2.ids)],
        )
        # the first company: an overdue invoice and an unhappy answer
        invoice = self._overdue_invoice()
        self._answer(2, fields.Datetime.now() - timedelta(days=3))
        # the second company: two unused vouchers, in euros
        voucher_type = self.env["customer.voucher.type"].create(
            {
                "name": "Co 2 training",
                "value": 500.0,
                "company_id": company_2.id,
                "currency_id": eur.id,
            }
        )
        self.env["customer.voucher"].with_company(company_2).create(
            [
                {
                    "type_id": voucher_type.id,
                    "partner_id": self.customer.id,
                    "company_id": company_2.id,
                }
                for _i in range(2)
            ]
        )
        self._health()  # the salesperson of the first company
        self.customer.with_user(user_2).action_compute_health()
        first = self.customer.with_user(self.salesman)
        self.assertEqual(
            set(first.health_reason_ids.rule_id.mapped("code")),
            {"invoices_overdue", "feedback", "followup_overdue"},
        )
        self.assertIn("$", self._reasons("invoices_overdue").name)
        self.assertEqual(first.health_score, 100 - 20 - 30 - 20)
        second = self.customer.with_user(user_2)
        [reason] = second.health_reason_ids
        self.assertEqual(reason.rule_id.code, "vouchers_unused")
        self.assertEqual(reason.company_id, company_2)
        self.assertIn("€", reason.name)
        self.assertNotIn("$", reason.name)
        self.assertEqual((second.health_state, second.health_score), ("healthy", 95))
        # the first company's reasons stay hidden from the second's user,
        # whatever they look for
        Reason = self.env["customer.health.reason"].with_user(user_2)
        visible = Reason.search([("partner_id", "=", self.customer.id)])
        self.assertEqual(visible, reason)
        self.assertNotIn(invoice.name, visible.mapped("record_name"))
        self.assertEqual(
            self.env["customer.health.snapshot"]
            .with_user(user_2)
            .search([("partner_id", "=", self.customer.id)])
            .mapped("score"),
            [95],
        )

    def test_rights(self):
        self._subscription()
        self._answer(2, "2026-10-02 10:00:00")
        self._health()
        other_salesman = new_test_user(
            self.env, login="health_other", groups="sales_team.group_sale_salesman"
        )
        Reason = self.env["customer.health.reason"]
        self.assertTrue(
            Reason.with_user(self.salesman).search(
                [("partner_id", "=", self.customer.id)]
            )
        )
        self.assertFalse(
            Reason.with_user(other_salesman).search(
                [("partner_id", "=", self.customer.id)]
            )
        )
        portal = new_test_user(
            self.env, login="health_portal", groups="base.group_portal"
        )
        with self.assertRaises(AccessError):
            self.customer.with_user(portal).read(["health_state"])
        with self.assertRaises(AccessError):
            self.env["customer.health.rule"].with_user(self.salesman).search([]).write(
                {"points": 1}
            )


@tagged("post_install", "-at_install")
class TestCustomerHealthDemo(TransactionCase):
    """The demo database has customers in every status, with their reasons
    (the test database is installed with demo data)."""

    def test_demo_customers_in_every_status(self):
        customers = self.env["res.partner"].search([("health_state", "!=", False)])
        self.assertEqual(
            set(customers.mapped("health_state")), {"healthy", "at_risk", "critical"}
        )
        lumber = self.env.ref("base.res_partner_18")
        self.assertEqual(lumber.health_state, "critical")
        self.assertEqual(
            set(lumber.health_reason_ids.rule_id.mapped("code")),
            {"feedback", "feedback_trend", "followup_overdue", "scheduled_downgrade"},
        )
        self.assertTrue(
            lumber.activity_ids.filtered(
                lambda a: a.activity_type_id
                == self.env.ref("customer_value.mail_activity_health_critical")
            )
        )
