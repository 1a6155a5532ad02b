# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Installing into a database that sold subscriptions for years: the opening
movements make the MRR report equal to what the running subscriptions pay."""

import importlib.util
from itertools import pairwise
from pathlib import Path

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import tagged
from odoo.tools import convert_file

from .subscription_common import SubscriptionCommon

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


@tagged("post_install", "-at_install")
class TestSubscriptionOpening(SubscriptionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = fields.Date.context_today(cls.env["res.partner"])
        cls.today = today
        cls.company2 = cls.env["res.company"].create({"name": "Second Company"})

        def running(lines, partner, months_ago, **vals):
            sub = cls._subscription(
                lines,
                partner=partner,
                date_start=today - relativedelta(months=months_ago),
                **vals,
            )
            sub.generate_invoice()  # already invoiced
            return sub

        cls.first = running([(cls.pro, 1)], cls.customer, 8)
        cls.backup_sub = running([(cls.backup, 1)], cls.contact, 5)
        cls.third = running([(cls.enterprise, 1)], cls.other_customer, 2)
        cls.closed = running([(cls.basic, 1)], cls.other_customer, 10)
        cls.closed.close_subscription(cls.close_reason.id)
        cls.trial = cls._subscription(
            [(cls.pro, 1)], trial_end_date=today + relativedelta(days=10)
        )
        pricelist2 = cls.env["product.pricelist"].create(
            {
                "name": "Second",
                "currency_id": cls.currency.id,
                "company_id": cls.company2.id,
            }
        )
        cls.abroad = running(
            [(cls.basic, 3)],
            cls.customer,
            1,
            company_id=cls.company2.id,
            pricelist_id=pricelist2.id,
        )
        cls.old = (
            cls.first | cls.backup_sub | cls.third | cls.closed | cls.trial | cls.abroad
        )
        # As before the install: the subscriptions, their lines and invoices,
        # but no MRR history.
        cls.env.flush_all()
        cls.env.cr.execute(
            "DELETE FROM sale_subscription_change WHERE subscription_id IN %s",
            [tuple(cls.old.ids)],
        )
        cls.env.cr.execute(
            "UPDATE sale_subscription SET mrr = NULL WHERE id IN %s",
            [tuple(cls.old.ids)],
        )
        cls.env.invalidate_all()

    def _closing_mrr(self):
        """Closing MRR of the report's last month, per company."""
        self.env.flush_all()  # the report is an SQL view: read it afresh
        Report = self.env["sale.subscription.mrr.report"]
        Report.invalidate_model()
        last = max(Report.search([]).mapped("date"))
        return {
            row.company_id: row.closing_mrr
            for row in Report.search([("date", "=", last)])
        }

    def _running_mrr(self):
        return {
            company: mrr
            for company, mrr in self.env["sale.subscription"]._read_group(
                [("revenue_active", "=", True)], ["company_id"], ["mrr:sum"]
            )
        }

    def assertReportReconciles(self):
        closing, running = self._closing_mrr(), self._running_mrr()
        self.assertEqual(set(closing), set(running) | set(closing))
        for company, mrr in running.items():
            self.assertAlmostEqual(closing.get(company, 0.0), mrr, places=2)
        for company in set(closing) - set(running):
            self.assertAlmostEqual(closing[company], 0.0, places=2)

    def test_opening_movements(self):
        Sub = self.env["sale.subscription"]
        # Before: the report does not know the old subscriptions.
        self.assertAlmostEqual(self.first.recurring_mrr, 30.0)
        self.assertEqual(self.first.mrr, 0.0)
        movements = Sub._cv_open_history()
        self.assertEqual(
            movements.subscription_id,
            self.first | self.backup_sub | self.third | self.abroad,
        )
        self.assertTrue(all(movements.mapped("opening")))
        for sub, change_type, mrr in (
            (self.first, "new", 30.0),
            (self.backup_sub, "cross_sell", 50.0),  # same customer, other family
            (self.third, "new", 100.0),
            (self.abroad, "new", 30.0),  # its company: a customer of its own
        ):
            self.assertMovement(
                self._done(sub), change_type, 0.0, mrr, date=sub.date_start
            )
            self.assertEqual(sub.mrr, mrr)
        self.assertFalse(self.closed.change_ids)
        self.assertFalse(self.trial.change_ids)
        self.assertReportReconciles()
        self.assertEqual(self._closing_mrr()[self.company2], 30.0)
        # Running it again (an upgrade) changes nothing.
        self.assertFalse(Sub._cv_open_history())

    def test_churn_and_downgrade_of_an_old_subscription(self):
        self.env["sale.subscription"]._cv_open_history()
        before = self._closing_mrr()[self.company]
        self.first.with_user(self.salesman).close_subscription(self.close_reason.id)
        self.assertMovement(self._done(self.first)[-1], "contraction", 30.0, 0.0)
        self.assertAlmostEqual(self._closing_mrr()[self.company], before - 30.0)
        change = self.third.change_plan(
            self.pro.id, reason_id=self.reason.id, effective_date=self.today
        )
        self.assertMovement(change, "downgrade", 100.0, 30.0)
        self.assertAlmostEqual(self._closing_mrr()[self.company], before - 100.0)
        self.assertReportReconciles()

    def test_history_that_does_not_add_up_is_adjusted(self):
        Sub = self.env["sale.subscription"]
        Sub._cv_open_history()
        # An older version recorded a wrong figure.
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE sale_subscription_change SET mrr_after = 20, mrr_delta = 20 "
            "WHERE subscription_id = %s",
            [self.first.id],
        )
        self.env.invalidate_all()
        self.env.add_to_compute(Sub._fields["mrr"], self.first)
        self.assertEqual(self.first.mrr, 20.0)
        adjustment = Sub._cv_open_history()
        # a correction of the record, not a customer's expansion
        self.assertMovement(
            adjustment,
            "adjustment",
            20.0,
            30.0,
            opening=True,
            date=self.today,
        )
        self.assertEqual(self.first.mrr, 30.0)
        self.assertReportReconciles()

    def _drift(self, sub, booked):
        """History written by an older version: the movements of ``sub`` add
        up to ``booked``, not to its price."""
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE sale_subscription_change SET mrr_after = %s, mrr_delta = %s "
            "WHERE subscription_id = %s",
            [booked, booked, sub.id],
        )
        self.env.invalidate_all()
        self.env.add_to_compute(self.env["sale.subscription"]._fields["mrr"], sub)
        self.assertEqual(sub.mrr, booked)

    def _bridge(self, month):
        self.env.flush_all()
        Report = self.env["sale.subscription.mrr.report"]
        Report.invalidate_model()
        return Report.search([("company_id", "=", self.company.id)]).filtered(
            lambda row: row.date == month
        )

    def test_upgrade_books_nothing(self):
        """The opening routine is in a noupdate data file: an upgrade (-u)
        loads it without running it, whatever the history says."""
        Sub = self.env["sale.subscription"]
        Change = self.env["sale.subscription.change"]
        Sub._cv_open_history()
        self._drift(self.first, 20.0)
        count = Change.search_count([])
        convert_file(
            self.env,
            "customer_value",
            "data/sale_subscription_opening_data.xml",
            {},
            mode="update",
        )
        self.assertEqual(Change.search_count([]), count)
        self.assertEqual(self.first.mrr, 20.0)
        # at install it runs (the difference: an adjustment)
        convert_file(
            self.env,
            "customer_value",
            "data/sale_subscription_opening_data.xml",
            {},
            mode="init",
        )
        self.assertEqual(Change.search_count([]), count + 1)
        self.assertEqual(self._done(self.first)[-1].change_type, "adjustment")

    def test_adjustments_are_no_customer_movement(self):
        """The MRR bridge shows adjustments apart (opening + net new MRR +
        adjustments = closing); flows, retention, goals and health leave them
        out."""
        Sub = self.env["sale.subscription"]
        Sub._cv_open_history()
        month = self.today.replace(day=1)
        before = self._bridge(month)
        opening, net = before.opening_mrr, before.net_mrr
        goal = self.env["customer.value.goal"].new(
            {"company_id": self.company.id, "metric": "gross_retention"}
        )
        goal_bridge = goal._mrr_bridge(month, self.today)
        # booked 50 since 8 months for a subscription of 30 a month: the
        # adjustment is a fall of 40 % today
        self._drift(self.first, 50.0)
        adjustment = Sub._cv_open_history()
        self.assertMovement(adjustment, "adjustment", 50.0, 30.0, opening=True)
        row = self._bridge(month)
        self.assertAlmostEqual(row.adjustment_mrr, -20.0)
        self.assertAlmostEqual(row.net_mrr, net)
        self.assertAlmostEqual(row.contraction_mrr, before.contraction_mrr)
        self.assertAlmostEqual(row.expansion_mrr, before.expansion_mrr)
        self.assertAlmostEqual(row.gross_retention or 0, before.gross_retention or 0)
        self.assertAlmostEqual(
            row.opening_mrr + row.net_mrr + row.adjustment_mrr, row.closing_mrr
        )
        self.assertAlmostEqual(row.opening_mrr, opening + 20.0)
        self.assertReportReconciles()
        # every month reconciles, each with the one before
        rows = (
            self.env["sale.subscription.mrr.report"]
            .search([("company_id", "=", self.company.id)])
            .sorted("date")
        )
        for previous, current in pairwise(rows):
            self.assertAlmostEqual(current.opening_mrr, previous.closing_mrr)
        for row in rows:
            self.assertAlmostEqual(
                row.opening_mrr + row.net_mrr + row.adjustment_mrr, row.closing_mrr
            )
        # goals: no more gained nor lost (the opening moved with the history)
        bridge = goal._mrr_bridge(month, self.today)
        for key in ("gained", "lost", "churn", "upgrade", "downgrade"):
            self.assertAlmostEqual(bridge[key], goal_bridge[key], msg=key)
        self.assertAlmostEqual(bridge["opening"], goal_bridge["opening"] + 20.0)
        # health: no "MRR down" for the customer
        self.customer.action_compute_health()
        rule = self.env.ref("customer_value.health_rule_mrr_contraction")
        self.assertTrue(rule.active)
        self.assertFalse(
            self.customer.health_reason_ids.filtered(
                lambda reason: reason.rule_id == rule
            )
        )
        # the customer's last change is not the adjustment
        self.assertNotEqual(self.customer.last_subscription_change_id, adjustment)

    def test_upgrade_to_18_0_1_6_0(self):
        """18.0.1.6.0: the opening adjustments of earlier upgrades become
        adjustments (only those); the history ends reconciled."""
        Sub = self.env["sale.subscription"]
        Change = self.env["sale.subscription.change"]
        Sub._cv_open_history()
        reason = self.env.ref("customer_value.change_reason_opening_balance")
        # as an earlier upgrade booked it: a drift of first as an expansion
        self._drift(self.first, 20.0)
        old = Change.create(
            {
                "subscription_id": self.first.id,
                "change_type": "expansion",
                "state": "done",
                "opening": True,
                "date": self.today - relativedelta(months=3),
                "mrr_before": 20.0,
                "mrr_after": 30.0,
                "from_product_id": self.first.plan_product_id.id,
                "to_product_id": self.first.plan_product_id.id,
                "reason_id": reason.id,
            }
        )
        # a customer's real expansion, with the same reason: kept
        real = Change.create(
            {
                "subscription_id": self.third.id,
                "change_type": "expansion",
                "state": "done",
                "date": self.today,
                "mrr_before": 100.0,
                "mrr_after": 110.0,
                "from_product_id": self.third.plan_product_id.id,
                "to_product_id": self.third.plan_product_id.id,
                "reason_id": reason.id,
            }
        )
        openings = Change.search([("opening", "=", True)]) - old
        self.env.flush_all()
        path = MIGRATIONS / "18.0.1.6.0" / "post-migration.py"
        spec = importlib.util.spec_from_file_location("post_migration", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.migrate(self.env.cr, "18.0.1.5.0")
        self.env.invalidate_all()
        self.assertEqual(old.change_type, "adjustment")
        self.assertEqual(real.change_type, "expansion")
        self.assertNotIn("adjustment", openings.mapped("change_type"))
        # the real expansion did not change the price of third: the last run
        # of the routine books it back, as an adjustment
        last = self._done(self.third)[-1]
        self.assertMovement(last, "adjustment", 110.0, 100.0, opening=True)
        self.assertReportReconciles()
        # a new install runs nothing
        self.assertIsNone(module.migrate(self.env.cr, None))

    def test_install_fills_the_new_columns_in_sql(self):
        """At install the subscriptions' new stored fields are filled by one
        statement (see ``_auto_init``), with what their computes give."""
        Sub = self.env["sale.subscription"]
        subs = self.old - self.trial  # no subscription is in trial at install
        names = [
            "commercial_partner_id",
            "plan_product_id",
            "trial_conversion",
            "revenue_active",
            "recurring_mrr",
        ]
        expected = {sub: [sub[name] for name in names] for sub in subs}
        self.assertTrue(any(row[3] for row in expected.values()))
        self.assertTrue(any(not row[3] for row in expected.values()))
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE sale_subscription SET commercial_partner_id = NULL, "
            "plan_product_id = NULL, trial_conversion = NULL, "
            "revenue_active = NULL, recurring_mrr = NULL, mrr = NULL WHERE id IN %s",
            [tuple(subs.ids)],
        )
        Sub._cv_fill_new_columns([*names, "mrr"])
        self.env.invalidate_all()
        for sub, values in expected.items():
            self.assertEqual([sub[name] for name in names], values, sub.display_name)
            self.assertEqual(sub.mrr, 0.0)
