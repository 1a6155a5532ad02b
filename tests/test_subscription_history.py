# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The MRR history stays true: no phantom movement, no lost one."""

from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .subscription_common import SubscriptionCommon


@tagged("post_install", "-at_install")
class TestSubscriptionHistory(SubscriptionCommon):
    def assertBooked(self, sub):
        """The subscription's MRR is what its movements add up to."""
        done = self._done(sub)
        self.assertAlmostEqual(sum(done.mapped("mrr_delta")), sub.mrr, places=2)

    # Template recurrence -------------------------------------------------
    def test_template_recurrence_change_is_a_movement(self):
        sub = self._subscription([(self.pro, 1)])
        self.assertEqual(sub.mrr, 30.0)
        self.monthly.with_user(self.manager).recurring_rule_type = "years"
        # 30 a year now: 2.50 a month
        self.assertMovement(
            self._done(sub)[-1],
            "contraction",
            30.0,
            2.5,
            reason_id=self.env.ref("customer_value.change_reason_billing_terms"),
        )
        self.assertAlmostEqual(sub.mrr, 2.5)
        self.assertBooked(sub)
        self.monthly.recurring_rule_type = "months"
        self.assertMovement(self._done(sub)[-1], "expansion", 2.5, 30.0)
        self.assertBooked(sub)

    # Currencies ------------------------------------------------------------
    def _other_currency(self):
        other = self.env["res.currency"].search(
            [("name", "=", "EUR"), ("active", "in", (True, False))], limit=1
        )
        if other == self.currency:
            other = self.env.ref("base.USD")
        other.active = True
        Rate = self.env["res.currency.rate"]
        Rate.search([("currency_id", "in", (other | self.currency).ids)]).unlink()
        for day, rate in (("2026-01-01", 2.0), ("2026-03-01", 4.0)):
            Rate.create(
                {
                    "currency_id": other.id,
                    "name": day,
                    "rate": rate,
                    "company_id": self.company.id,
                }
            )
        return other

    def test_exchange_rate_drift_is_not_a_movement(self):
        other = self._other_currency()
        pricelist = self.env["product.pricelist"].create(
            {"name": "Other currency", "currency_id": other.id}
        )
        with freeze_time("2026-01-15"):
            sub = self._subscription([(self.pro, 1)], pricelist_id=pricelist.id)
        # 30 company = 60 other at 2.0 on the day it started
        self.assertAlmostEqual(sub.recurring_mrr, 60.0)
        self.assertMovement(self._done(sub), "new", 0.0, 30.0)
        with freeze_time("2026-03-15"):
            # The rate doubled: an edit that does not change the price books
            # nothing and asks for no reason.
            sub.write({"template_id": self.monthly.id})
            with Form(sub) as form:
                form.description = "Edited at the new rate"
            self.assertEqual(len(self._done(sub)), 1)
            self.assertAlmostEqual(sub.mrr, 30.0)
            # A real change is converted at the rate of its day: +60 other = +15
            sub.sale_subscription_line_ids.product_uom_qty = 2
        self.assertMovement(self._done(sub)[-1], "expansion", 30.0, 45.0)
        self.assertAlmostEqual(sub.mrr, 45.0)
        with freeze_time("2026-04-01"):
            sub.close_subscription(self.close_reason.id)
        # Churn books off exactly what was booked.
        self.assertMovement(self._done(sub)[-1], "churn", 45.0, 0.0)
        self.assertEqual(sub.mrr, 0.0)
        self.assertBooked(sub)

    def test_movement_dated_in_the_past_takes_the_rate_of_its_day(self):
        other = self._other_currency()
        pricelist = self.env["product.pricelist"].create(
            {"name": "Other currency", "currency_id": other.id}
        )
        with freeze_time("2026-03-15"):
            sub = self._subscription(
                [(self.pro, 1)], pricelist_id=pricelist.id, start=False
            )
            sub.with_context(
                subscription_change_date="2026-02-01"
            ).action_start_subscription()
        # 120 other (priced at 4.0) started on 1 February, at 2.0: 60
        self.assertAlmostEqual(sub.recurring_mrr, 120.0)
        self.assertMovement(self._done(sub), "new", 0.0, 60.0, date=date(2026, 2, 1))

    # Retention discount --------------------------------------------------
    def test_retention_discount_survives_plan_changes(self):
        self.company.subscription_retention_discount = 20.0
        sub = self._subscription([(self.pro, 1)])
        wizard = (
            self.env["close.reason.wizard"]
            .with_user(self.salesman)
            .with_context(active_id=sub.id, active_model="sale.subscription")
            .create({"close_reason_id": self.close_reason.id})
        )
        wizard.action_accept_offer()
        self.assertEqual(sub.sale_subscription_line_ids.discount, 20.0)
        self.assertAlmostEqual(sub.mrr, 24.0)
        sub.with_user(self.salesman).change_plan(self.enterprise.id)
        line = sub.sale_subscription_line_ids
        self.assertEqual(line.product_id, self.enterprise)
        self.assertEqual(line.discount, 20.0)
        self.assertMovement(self._done(sub)[-1], "upgrade", 24.0, 80.0)
        with Form(sub) as form:
            with form.sale_subscription_line_ids.edit(0) as edit:
                edit.product_uom_qty = 2
        self.assertEqual(line.discount, 20.0)
        self.assertAlmostEqual(sub.mrr, 160.0)
        self.assertBooked(sub)

    # Scheduled changes -----------------------------------------------------
    def _invoiced(self, lines):
        with freeze_time("2026-03-01"):
            sub = self._subscription(lines)
            sub.generate_invoice()
        return sub

    def test_new_plan_change_replaces_the_scheduled_one(self):
        sub = self._invoiced([(self.pro, 1)])
        with freeze_time("2026-03-16"):
            downgrade = sub.change_plan(self.basic.id, reason_id=self.reason.id)
            self.assertEqual(downgrade.state, "scheduled")
            upgrade = sub.with_user(self.salesman).change_plan(self.enterprise.id)
        self.assertEqual(upgrade.state, "done")
        self.assertEqual(downgrade.state, "cancelled")
        self.assertIn(
            "replaced by the plan change to Enterprise",
            " ".join(sub.message_ids.mapped("body")),
        )
        with freeze_time("2026-04-01"):
            self.env["sale.subscription.change"]._cron_apply_scheduled_changes()
        self.assertEqual(sub.plan_product_id, self.enterprise)
        self.assertAlmostEqual(sub.mrr, 100.0)
        self.assertBooked(sub)

    def test_scheduled_change_of_another_plan_is_not_applied(self):
        # The plan was changed by hand in the form: the scheduled downgrade
        # planned from Pro does not apply to Enterprise.
        sub = self._invoiced([(self.pro, 1)])
        with freeze_time("2026-03-16"):
            downgrade = sub.change_plan(self.basic.id, reason_id=self.reason.id)
            sub.sale_subscription_line_ids.product_id = self.enterprise
        with freeze_time("2026-04-01"):
            self.env["sale.subscription.change"]._cron_apply_scheduled_changes()
        self.assertEqual(downgrade.state, "cancelled")
        self.assertEqual(sub.plan_product_id, self.enterprise)
        self.assertIn("not Pro any more", " ".join(sub.message_ids.mapped("body")))
        self.assertBooked(sub)

    # Done movements --------------------------------------------------------
    def test_done_movement_cannot_go_back_to_scheduled(self):
        sub = self._subscription([(self.pro, 1)])
        change = self._done(sub)
        for env in (self.env(user=self.manager), self.env):
            record = change.with_env(env)
            for vals in (
                {"state": "scheduled"},
                {"state": "cancelled"},
                {"reason_id": self.reason.id},
                {"mrr_after": 1.0},
            ):
                with self.assertRaises(UserError), self.env.cr.savepoint():
                    record.write(vals)
            with self.assertRaises(UserError), self.env.cr.savepoint():
                record.unlink()
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            change.with_user(self.salesman).write({"note": "mine"})
        self.assertEqual(change.state, "done")
        self.assertMovement(change, "new", 0.0, 30.0)

    # Trials ----------------------------------------------------------------
    def test_trial_cron_leaves_trials_closed_by_hand(self):
        with freeze_time("2026-03-01"):
            sub = self._subscription([(self.pro, 1)], trial_end_date="2026-03-15")
            sub.close_subscription(self.close_reason.id)
        with freeze_time("2026-03-16"):
            self.env["sale.subscription"]._cron_process_trials()
        self.assertEqual(sub.trial_state, "lapsed")
        self.assertEqual(sub.close_reason_id, self.close_reason)
        self.assertEqual(sub.stage_id, self.stage_closed)
        self.assertFalse(self._done(sub))

    # Crons: one failing record does not block the others --------------------
    def test_scheduled_change_to_an_archived_plan(self):
        broken_sub = self._invoiced([(self.pro, 1)])
        fine_sub = self._invoiced([(self.enterprise, 1)])
        with freeze_time("2026-03-16"):
            broken = broken_sub.change_plan(self.basic.id, reason_id=self.reason.id)
            fine = fine_sub.change_plan(self.pro.id, reason_id=self.reason.id)
        self.basic.active = False
        with freeze_time("2026-04-01"):
            self.env["sale.subscription.change"]._cron_apply_scheduled_changes()
        self.assertEqual(broken.state, "cancelled")
        self.assertIn("archived", " ".join(broken_sub.message_ids.mapped("body")))
        self.assertEqual(broken_sub.plan_product_id, self.pro)
        self.assertEqual(fine.state, "done")
        self.assertEqual(fine_sub.plan_product_id, self.pro)
        self.assertBooked(broken_sub)
        self.assertBooked(fine_sub)

    def test_trial_cron_goes_on_after_a_failing_trial(self):
        with freeze_time("2026-03-01"):
            failing = self._subscription([(self.pro, 1)], trial_end_date="2026-03-15")
            fine = self._subscription([(self.basic, 1)], trial_end_date="2026-03-15")
        Sub = type(failing)
        end_trial = Sub._cv_end_trial

        def broken(sub):
            if sub == failing:
                sub.sale_subscription_line_ids.product_uom_qty = 5  # rolled back
                # pylint: disable-next=translation-required
                raise UserError("Template no longer renders")
            return end_trial(sub)

        cron = self.env.ref("customer_value.ir_cron_subscription_trials")
        with (
            freeze_time("2026-03-16"),
            patch.object(Sub, "_cv_end_trial", broken),
            mute_logger("odoo.addons.customer_value.models.sale_subscription_trial"),
        ):
            cron.method_direct_trigger()
            # the failing one is not tried again the same day
            self.assertFalse(self.env["sale.subscription"]._cron_process_trials())
        self.assertTrue(cron.active)
        self.assertEqual(fine.trial_state, "converted")
        self.assertMovement(self._done(fine), "new", 0.0, 10.0)
        self.assertEqual(failing.trial_state, "trial")
        self.assertEqual(failing.sale_subscription_line_ids.product_uom_qty, 1)
        self.assertEqual(failing.job_error_date, date(2026, 3, 16))
        self.assertIn("Template no longer renders", failing.message_ids[0].body)
        with freeze_time("2026-03-17"):
            self.env["sale.subscription"]._cron_process_trials()
        self.assertEqual(failing.trial_state, "converted")
