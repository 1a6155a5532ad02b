# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Goals: baseline (the same length of time just before the start), current
value and progress, on known data in a company of its own (demo data stays
out)."""

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import CrossgradeCommon
from .subscription_common import SubscriptionCommon


@tagged("post_install", "-at_install")
class TestCustomerValueGoal(SubscriptionCommon):
    """The known quarter (SubscriptionCommon._known_quarter) in Goal Co."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.goal_company = cls._known_quarter("Goal Co")
        cls.manager.company_ids |= cls.goal_company

    def _goal(self, metric, start, end, target, user=None):
        Goal = self.env["customer.value.goal"]
        if user:
            Goal = Goal.with_user(user)
        return Goal.create(
            {
                "name": f"Goal on {metric}",
                "metric": metric,
                "date_start": start,
                "date_end": end,
                "target_value": target,
                "company_id": self.goal_company.id,
            }
        )

    def _values(self, goal):
        return (
            goal.has_baseline and round(goal.baseline_value, 2),
            goal.has_current and round(goal.current_value, 2),
            round(goal.progress, 2),
            goal.achieved,
        )

    def test_revenue_retention_and_mrr(self):
        """February and March against the 59 days before (January only)."""
        period = ("2026-02-01", "2026-03-31")
        gross = self._goal("gross_retention", *period, 50)
        # opening 130; lost: downgrade 70, churn 10 -> 50 / 130
        # January opened at 0: no baseline
        self.assertEqual(self._values(gross), (False, 38.46, 76.92, False))
        net = self._goal("net_retention", *period, 120)
        # gained: upgrade 70, expansion 100, cross-sell 20 -> 240 / 130
        self.assertEqual(self._values(net)[1:], (184.62, 100.0, True))
        churned = self._goal("churned_mrr", *period, 5)
        # lower is better: 10 churned against 0 the period before, target 5
        self.assertEqual(self._values(churned), (0.0, 10.0, 0.0, False))
        plan_changes = self._goal("plan_change_mrr", *period, 0)
        self.assertEqual(self._values(plan_changes)[:2], (0.0, 0.0))
        self.assertTrue(plan_changes.achieved)
        # the quarter against the 90 days before: nothing before January
        quarter = self._goal("gross_retention", "2026-01-01", "2026-03-31", 50)
        self.assertEqual(self._values(quarter)[:2], (False, False))

    def test_lower_is_better_progress(self):
        churned = self._goal("churned_mrr", "2026-03-01", "2026-03-31", 0)
        # March churned 10, February 0: the baseline met the target, March lost it
        self.assertEqual(self._values(churned), (0.0, 10.0, 0.0, False))
        feb = self._goal("churned_mrr", "2026-02-01", "2026-02-28", 0)
        self.assertEqual(self._values(feb), (0.0, 0.0, 100.0, True))

    def _answers(self, answers):
        self.goal_company.feedback_throttle_days = 0
        touchpoint = (
            self.env["customer.feedback.touchpoint"]
            .with_company(self.goal_company)
            .create(
                {
                    "name": "Goal NPS",
                    "metric": "nps",
                    "company_id": self.goal_company.id,
                }
            )
        )
        contact = self.env["res.partner"].create(
            {
                "name": "Nina",
                "parent_id": self.a.id,
                "email": "nina@a.example",
                "company_id": self.goal_company.id,
            }
        )
        Feedback = self.env["customer.feedback"].with_company(self.goal_company)
        for when, score in answers:
            with freeze_time(when):
                feedback = Feedback.browse(
                    Feedback.request_feedback(touchpoint.id, contact.id)
                )
                feedback._send_requests()
                if score is not None:
                    feedback.record_answer(score, source="staff")

    def test_nps_and_response_rate(self):
        self._answers(
            [
                ("2026-04-10 10:00:00", 9),
                ("2026-05-10 10:00:00", 3),
                ("2026-05-20 10:00:00", None),
                ("2026-07-10 10:00:00", 10),
                ("2026-08-10 10:00:00", 9),
                ("2026-09-10 10:00:00", 7),
            ]
        )
        nps = self._goal("nps", "2026-07-01", "2026-09-30", 50)
        # before: +100 and -100 -> 0; during: +100, +100, 0 -> 66.67
        self.assertEqual(self._values(nps), (0.0, 66.67, 100.0, True))
        response = self._goal("response_rate", "2026-07-01", "2026-09-30", 100)
        self.assertEqual(self._values(response), (66.67, 100.0, 100.0, True))
        # a goal not started yet has a baseline and no current value
        later = self._goal("nps", "2027-01-01", "2027-12-31", 50)
        self.assertEqual(self._values(later), (40.0, False, 0.0, False))
        # no answer is no value, not an NPS of 0
        empty = self._goal("nps", "2001-01-01", "2001-12-31", 50)
        self.assertEqual(self._values(empty), (False, False, 0.0, False))

    def test_editing_the_target_moves_progress_and_achieved(self):
        self._answers([("2026-07-10 10:00:00", 10), ("2026-08-10 10:00:00", 8)])
        goal = self._goal("nps", "2026-07-01", "2026-09-30", 50, user=self.manager)
        # no answer before: from 0 to 50 (promoter +100, passive 0)
        self.assertEqual(self._values(goal), (False, 50.0, 100.0, True))
        goal.with_user(self.manager).target_value = 100
        self.assertEqual(self._values(goal), (False, 50.0, 50.0, False))
        goal.invalidate_recordset()
        self.assertEqual(self._values(goal), (False, 50.0, 50.0, False), "stored")

    def test_worse_than_the_baseline_is_no_progress(self):
        """A target set below the baseline, met by a value that fell: no
        progress, not achieved, shown as worse (not 100 % in green)."""
        self._answers(
            [
                ("2026-06-10 10:00:00", 10),
                ("2026-07-10 10:00:00", 9),
                ("2026-08-10 10:00:00", 7),
            ]
        )
        goal = self._goal("nps", "2026-07-01", "2026-08-31", 30, user=self.manager)
        # May-June: +100; July-August: a promoter and a passive -> 50
        self.assertEqual(self._values(goal), (100.0, 50.0, 0.0, False))
        self.assertTrue(goal.worsened)
        arch = self.env["customer.value.goal"].get_view(
            self.env.ref("customer_value.customer_value_goal_view_list").id, "list"
        )["arch"]
        self.assertIn('decoration-danger="worsened"', arch)
        # without a baseline, a value that meets the target is achieved
        june = self._goal("nps", "2026-06-01", "2026-06-30", 30, user=self.manager)
        self.assertEqual(self._values(june), (False, 100.0, 100.0, True))
        self.assertFalse(june.worsened)

    def test_days_are_cut_in_the_company_time_zone(self):
        self.goal_company.partner_id.tz = "America/Sao_Paulo"  # UTC-3
        # 01:30 UTC on July 1st is still June 30th in Sao Paulo
        self._answers([("2026-07-01 01:30:00", 0), ("2026-07-10 10:00:00", 10)])
        july = self._goal("nps", "2026-07-01", "2026-07-31", 50, user=self.manager)
        self.assertEqual(self._values(july), (-100.0, 100.0, 100.0, True))
        with freeze_time("2026-07-01 02:00:00"):
            starting = self._goal(
                "nps", "2026-07-01", "2026-07-31", 50, user=self.manager
            )
            self.assertFalse(starting.has_current, "July has not begun in Sao Paulo")

    def test_vouchers_redemption_and_breakage(self):
        voucher_type = self.env["customer.voucher.type"].create(
            {"name": "Goal training", "category": "training", "value": 100.0}
        )
        Voucher = self.env["customer.voucher"].with_company(self.goal_company)
        vouchers = Voucher.create(
            [
                {
                    "type_id": voucher_type.id,
                    "partner_id": self.a.id,
                    "company_id": self.goal_company.id,
                    "issue_date": "2026-01-05",
                    "expiry_date": expiry,
                }
                for expiry in ("2026-03-10", "2026-03-20", "2026-03-25", "2026-03-30")
            ]
        )
        with freeze_time("2026-03-05"):
            vouchers[:3].action_redeem()
        with freeze_time("2026-04-01"):
            Voucher._cron_expire()
        redemption = self._goal("voucher_redemption", "2026-03-01", "2026-03-31", 80)
        self.assertEqual(self._values(redemption), (False, 75.0, 93.75, False))
        breakage = self._goal("voucher_breakage", "2026-03-01", "2026-03-31", 10)
        self.assertEqual(self._values(breakage), (False, 25.0, 0.0, False))
        none_ending = self._goal("voucher_redemption", "2026-05-01", "2026-05-31", 80)
        self.assertEqual(self._values(none_ending), (False, False, 0.0, False))

    def _snapshot(self, partner, month, state, contact_state):
        self.env["customer.health.snapshot"].create(
            {
                "partner_id": partner.id,
                "month": month,
                "state": state,
                "score": 100,
                "contact_state": contact_state,
            }
        )

    def test_healthy_and_contacted_shares(self):
        for partner, state, contact in (
            (self.a, "healthy", "in_rhythm"),
            (self.b, "critical", "due"),
            (self.c, "healthy", "due"),
        ):
            self._snapshot(partner, "2026-05-01", state, contact)
        for partner, state, contact in (
            (self.a, "healthy", "in_rhythm"),
            (self.b, "healthy", "in_rhythm"),
            (self.c, "at_risk", "due"),
        ):
            self._snapshot(partner, "2026-06-01", state, contact)
        # June against May, the month before the start
        healthy = self._goal("healthy_share", "2026-06-01", "2026-06-30", 100)
        self.assertEqual(self._values(healthy)[:2], (66.67, 66.67))
        contacted = self._goal("contacted_share", "2026-06-01", "2026-06-30", 100)
        self.assertEqual(self._values(contacted), (33.33, 66.67, 50.0, False))

    def test_health_job_writes_the_month_snapshot_with_plan_and_contact(self):
        self.a.with_user(self.manager).action_compute_health()
        snapshot = self.env["customer.health.snapshot"].search(
            [("partner_id", "=", self.a.id)]
        )
        self.assertEqual(snapshot.plan_family_id, self.family)
        self.assertEqual(snapshot.company_id, self.goal_company, "A's company")
        self.assertEqual(
            self.a.with_company(self.goal_company).health_plan_family_id, self.family
        )
        self.assertEqual(snapshot.contact_state, "due", "never contacted")
        self.env["res.partner"]._note_contact(self.a.ids, fields.Date.today())
        self.a.with_user(self.manager).action_compute_health()
        self.assertEqual(snapshot.contact_state, "in_rhythm")

    def test_refresh_and_nightly_job(self):
        goal = self._goal("churned_mrr", "2026-03-01", "2026-12-31", 0)
        self.assertEqual(goal.current_value, 10.0)
        with freeze_time("2026-11-20"):
            self.sub_b.close_subscription(self.close_reason.id)
        self.env.flush_all()
        self.assertEqual(goal.current_value, 10.0, "stored until refreshed")
        goal.with_user(self.manager).action_refresh()
        # B's Pro 30 and Support 20
        self.assertEqual(goal.current_value, 10.0 + 50.0)
        # the nightly job refreshes the goals not refreshed today, by batches
        goals = self._goal("nps", "2026-01-01", "2026-12-31", 40) | goal
        old = self._goal("nps", "2020-01-01", "2020-12-31", 40)
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE customer_value_goal SET value_date = %s WHERE id IN %s",
            ["2026-01-01", tuple((goals | old).ids)],
        )
        self.env.invalidate_all()
        Goal = self.env["customer.value.goal"]
        with freeze_time("2026-11-23 12:00:00"):
            done = Goal.search([("id", "in", (goals | old).ids)])._cron_refresh(
                batch_size=1
            )
            self.assertEqual(len(done), 1)
            Goal._cron_refresh(batch_size=100)
        self.assertTrue(
            all(g.value_date > fields.Datetime.to_datetime("2026-11-22") for g in goals)
        )
        self.assertEqual(
            old.value_date,
            fields.Datetime.to_datetime("2026-01-01"),
            "ended more than 90 days ago: no longer refreshed",
        )

    def test_form_and_rights(self):
        with Form(self.env["customer.value.goal"].with_user(self.manager)) as form:
            form.name = "Keep the February customers"
            form.metric = "gross_retention"
            form.date_start = fields.Date.to_date("2026-02-01")
            form.date_end = fields.Date.to_date("2026-03-31")
            form.target_value = 50
            form.company_id = self.goal_company
        goal = form.record
        self.assertEqual(round(goal.current_value, 2), 38.46)
        self.assertEqual(goal.unit, "percent")
        with self.assertRaisesRegex(ValidationError, "the end .* is before the start"):
            goal.write({"date_end": "2026-01-01"})
        # a salesperson sees no goal and cannot refresh one
        with self.assertRaises(AccessError):
            goal.with_user(self.salesman).read(["current_value"])
        with self.assertRaises(AccessError):
            goal.with_user(self.salesman).action_refresh()
        # another company's manager does not see it
        outsider = new_test_user(
            self.env,
            login="goal_outsider",
            groups="sales_team.group_sale_manager",
        )
        self.assertFalse(
            self.env["customer.value.goal"]
            .with_user(outsider)
            .search([("id", "=", goal.id)])
        )


@tagged("post_install", "-at_install")
class TestCustomerValueGoalCrossgrade(CrossgradeCommon):
    def test_crossgrade_wins_and_revenue(self):
        with freeze_time("2016-02-10"):
            self._origin(seats=5)
            self._quote(
                lines=[(self.product, 10), (self.product_mail, 1)]
            ).action_confirm()
            self._quote(partner=self.other_customer).action_confirm()  # no crossgrade
        Goal = self.env["customer.value.goal"]
        wins = Goal.create(
            {
                "name": "Wins",
                "metric": "crossgrade_wins",
                "date_start": "2016-02-01",
                "date_end": "2016-02-29",
                "target_value": 5,
            }
        )
        self.assertEqual(
            (wins.baseline_value, wins.current_value, wins.progress), (0.0, 1.0, 20.0)
        )
        revenue = Goal.create(
            {
                "name": "Won revenue",
                "metric": "crossgrade_revenue",
                "date_start": "2016-02-01",
                "date_end": "2016-02-29",
                "target_value": 1000,
            }
        )
        self.assertEqual(revenue.current_value, 375.0)
