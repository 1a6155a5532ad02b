# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Installing into a database that sold subscriptions for years: the opening
movements make the MRR report equal to what the running subscriptions pay."""

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import tagged

from .subscription_common import SubscriptionCommon


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
        self.assertMovement(
            adjustment,
            "expansion",
            20.0,
            30.0,
            opening=True,
            date=self.today,
        )
        self.assertEqual(self.first.mrr, 30.0)
        self.assertReportReconciles()
