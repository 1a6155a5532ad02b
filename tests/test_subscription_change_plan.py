# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .subscription_common import SubscriptionCommon


@tagged("post_install", "-at_install")
class TestSubscriptionChangePlan(SubscriptionCommon):
    def _invoiced_subscription(self, lines=None):
        """Started on 1 March 2026 and invoiced: paid until 1 April."""
        with freeze_time("2026-03-01"):
            sub = self._subscription(lines or [(self.basic, 1)])
            sub.generate_invoice()
        self.assertEqual(sub.recurring_next_date, date(2026, 4, 1))
        return sub

    def test_upgrade_applies_now(self):
        sub = self._subscription([(self.basic, 2)])
        change = sub.change_plan(self.pro.id, note="Needs API")
        self.assertMovement(
            change,
            "upgrade",
            20.0,
            60.0,
            state="done",
            from_product_id=self.basic,
            to_product_id=self.pro,
            note="Needs API",
        )
        self.assertEqual(sub.sale_subscription_line_ids.product_id, self.pro)
        self.assertEqual(sub.sale_subscription_line_ids.product_uom_qty, 2)
        self.assertEqual(sub.mrr, 60.0)
        self.assertEqual(self._done(sub)[-1], change)

    def test_wizard_labels(self):
        labels = self.env["sale.subscription.change.plan.wizard"].fields_get(
            ["mrr_before", "mrr_after", "mrr_delta"], ["string"]
        )
        self.assertEqual(
            [
                labels[name]["string"]
                for name in ("mrr_before", "mrr_after", "mrr_delta")
            ],
            ["MRR Before", "MRR After", "MRR Change"],
        )

    def test_upgrade_with_quantity(self):
        sub = self._subscription([(self.basic, 2)])
        change = sub.change_plan(self.pro.id, quantity=5)
        self.assertMovement(change, "upgrade", 20.0, 150.0)

    def test_proration_on_next_invoice(self):
        sub = self._invoiced_subscription()
        with freeze_time("2026-03-16"):
            change = sub.change_plan(self.pro.id)
            # (30 - 10) for 16 of the 31 days of March still paid.
            self.assertAlmostEqual(change.prorated_amount, 10.32)
            self.assertEqual(change.proration_mode, "next_invoice")
            self.assertFalse(change.proration_invoice_id)
        with freeze_time("2026-04-01"):
            invoice = sub.create_invoice()
        self.assertEqual(change.proration_invoice_id, invoice)
        self.assertEqual(
            sorted(invoice.invoice_line_ids.mapped("price_subtotal")), [10.32, 30.0]
        )
        prorated = invoice.invoice_line_ids.filtered(
            lambda line: "Prorated" in line.name
        )
        self.assertIn("Basic", prorated.name)
        self.assertIn("Pro", prorated.name)
        # Invoiced once.
        with freeze_time("2026-05-01"):
            later = sub.create_invoice()
        self.assertEqual(later.invoice_line_ids.mapped("price_subtotal"), [30.0])

    def test_proration_on_one_off_invoice(self):
        sub = self._invoiced_subscription()
        with freeze_time("2026-03-16"):
            change = sub.change_plan(self.enterprise.id, proration_mode="invoice_now")
        invoice = change.proration_invoice_id
        self.assertEqual(invoice.move_type, "out_invoice")
        self.assertEqual(invoice.state, "draft")
        self.assertEqual(invoice.partner_id, self.customer)
        self.assertEqual(invoice.subscription_id, sub)
        # (100 - 10) * 16 / 31
        self.assertAlmostEqual(invoice.amount_untaxed, 46.45)
        with freeze_time("2026-04-01"):
            next_invoice = sub.create_invoice()
        self.assertEqual(
            next_invoice.invoice_line_ids.mapped("price_subtotal"), [100.0]
        )

    def test_no_proration_before_first_invoice(self):
        sub = self._subscription([(self.basic, 1)])
        self.assertEqual(sub.change_plan(self.pro.id).prorated_amount, 0.0)

    def test_downgrade_scheduled_at_renewal(self):
        sub = self._invoiced_subscription([(self.pro, 1)])
        with freeze_time("2026-03-16"):
            change = sub.change_plan(self.basic.id, reason_id=self.reason.id)
            self.assertEqual(change.state, "scheduled")
            self.assertEqual(change.date, date(2026, 4, 1))
            self.assertEqual(change.change_type, "downgrade")
            self.assertAlmostEqual(change.mrr_after, 10.0)
            self.assertEqual(sub.scheduled_change_count, 1)
            # Nothing changes before the date.
            self.env["sale.subscription.change"]._cron_apply_scheduled_changes()
            self.assertEqual(change.state, "scheduled")
            self.assertEqual(sub.sale_subscription_line_ids.product_id, self.pro)
        with freeze_time("2026-04-01"):
            self.env["sale.subscription.change"]._cron_apply_scheduled_changes()
        self.assertEqual(change.state, "done")
        self.assertMovement(change, "downgrade", 30.0, 10.0, reason_id=self.reason)
        self.assertEqual(change.date, date(2026, 4, 1))
        self.assertEqual(sub.sale_subscription_line_ids.product_id, self.basic)
        self.assertEqual(sub.mrr, 10.0)
        self.assertEqual(len(self._done(sub)), 2)  # new + this downgrade, no duplicate

    def test_late_cron_applies_once(self):
        sub = self._invoiced_subscription([(self.pro, 1)])
        with freeze_time("2026-03-16"):
            change = sub.change_plan(self.basic.id, reason_id=self.reason.id)
        with freeze_time("2026-04-09"):
            Change = self.env["sale.subscription.change"]
            Change._cron_apply_scheduled_changes()
            Change._cron_apply_scheduled_changes()
        self.assertEqual(change.state, "done")
        self.assertEqual(change.date, date(2026, 4, 1))
        self.assertEqual(len(self._done(sub)), 2)

    def test_upgrade_scheduled_on_request_and_cancelled(self):
        sub = self._subscription([(self.basic, 1)])
        with freeze_time("2026-03-16"):
            change = sub.change_plan(self.pro.id, effective_date="2026-05-01")
            self.assertEqual(change.state, "scheduled")
            self.assertTrue(change.action_cancel())
            self.assertEqual(change.state, "cancelled")
            with self.assertRaises(UserError), self.env.cr.savepoint():
                change.action_cancel()
        with freeze_time("2026-05-01"):
            self.env["sale.subscription.change"]._cron_apply_scheduled_changes()
        self.assertEqual(change.state, "cancelled")
        self.assertEqual(sub.sale_subscription_line_ids.product_id, self.basic)

    def test_downgrade_now_on_request(self):
        sub = self._invoiced_subscription([(self.pro, 1)])
        with freeze_time("2026-03-16"):
            change = sub.change_plan(
                self.basic.id, reason_id=self.reason.id, effective_date="2026-03-16"
            )
        self.assertMovement(change, "downgrade", 30.0, 10.0, state="done")
        # Credit for the unused days of the paid period.
        self.assertAlmostEqual(change.prorated_amount, -10.32)

    def test_bad_input_writes_nothing(self):
        sub = self._subscription([(self.pro, 1)])
        count = len(sub.change_ids)
        cases = [
            ((self.backup.id,), {}, 'is not a plan of the family "Suite"'),
            ((self.support.id,), {}, "is not a plan of the family"),
            ((self.pro.id,), {}, "already on plan"),
            ((self.enterprise.id,), {"quantity": -2}, "positive number"),
            ((self.enterprise.id,), {"quantity": "many"}, "positive number"),
            ((self.basic.id,), {}, "A reason is required"),
            ((self.basic.id,), {"effective_date": "2026-01-01"}, "in the past"),
            ((999999,), {}, "does not exist"),
            ((self.enterprise.id,), {"reason_id": 999999}, "does not exist"),
            ((self.enterprise.id,), {"proration_mode": "later"}, "proration mode"),
            ((False,), {}, "Choose the plan"),
        ]
        with freeze_time("2026-03-16"):
            for args, kwargs, message in cases:
                with self.subTest(message=message):
                    with self.assertRaises(UserError) as error:
                        with self.env.cr.savepoint():
                            sub.change_plan(*args, **kwargs)
                    self.assertIn(message, str(error.exception))
        self.assertEqual(sub.sale_subscription_line_ids.product_id, self.pro)
        self.assertEqual(len(sub.change_ids), count)

    def test_closed_or_planless_subscription(self):
        sub = self._subscription([(self.pro, 1)])
        sub.close_subscription(self.close_reason.id)
        with self.assertRaises(UserError) as error, self.env.cr.savepoint():
            sub.change_plan(self.enterprise.id)
        self.assertIn("is closed", str(error.exception))
        addon = self._subscription([(self.support, 1)], partner=self.other_customer)
        with self.assertRaises(UserError) as error, self.env.cr.savepoint():
            addon.change_plan(self.pro.id)
        self.assertIn("has no plan", str(error.exception))

    def test_wizard_shows_figures_and_applies(self):
        sub = self._invoiced_subscription([(self.basic, 2)])
        with freeze_time("2026-03-16"):
            action = sub.action_change_plan()
            self.assertEqual(
                action["res_model"], "sale.subscription.change.plan.wizard"
            )
            wizard_form = Form(
                self.env[action["res_model"]].with_context(**action["context"])
            )
            wizard_form.product_id = self.pro
            self.assertEqual(wizard_form.change_type, "upgrade")
            self.assertEqual(wizard_form.mrr_before, 20.0)
            self.assertEqual(wizard_form.mrr_after, 60.0)
            self.assertEqual(wizard_form.mrr_delta, 40.0)
            self.assertAlmostEqual(wizard_form.prorated_amount, 20.65)
            self.assertEqual(wizard_form.effective_date, date(2026, 3, 16))
            self.assertTrue(wizard_form.applies_now)
            self.assertFalse(wizard_form.reason_required)
            wizard_form.proration_mode = "invoice_now"
            wizard_form.save().action_apply()
        change = self._done(sub)[-1]
        self.assertMovement(change, "upgrade", 20.0, 60.0)
        self.assertAlmostEqual(change.proration_invoice_id.amount_untaxed, 20.65)

    def test_wizard_explains_the_prorated_amount(self):
        with freeze_time("2026-03-01"):
            sub = self._subscription([(self.basic, 2)])
            sub.recurring_next_date = date(2026, 4, 1)
        with freeze_time("2026-03-16"):
            wizard_form = Form(
                self.env["sale.subscription.change.plan.wizard"].with_context(
                    default_subscription_id=sub.id
                )
            )
            # no reason asked for an upgrade
            self.assertTrue(wizard_form._get_modifier("reason_id", "invisible"))
            wizard_form.product_id = self.pro
            # the period was never invoiced: nothing to prorate, and why
            self.assertEqual(wizard_form.prorated_amount, 0.0)
            self.assertIn("has not been invoiced", wizard_form.proration_note)
            self.assertIn("04/01/2026", wizard_form.proration_note)
            sub.create_invoice()
            wizard_form.quantity = 3  # the form recomputes
            wizard_form.quantity = 2
            self.assertAlmostEqual(wizard_form.prorated_amount, 20.65)
            self.assertIn(
                "16 days from 03/16/2026 to 04/01/2026", wizard_form.proration_note
            )
            # a downgrade asks for its reason
            wizard_form.product_id = self.enterprise
            wizard_form.product_id = self.basic
            wizard_form.quantity = 1
            self.assertTrue(wizard_form.reason_required)
            self.assertFalse(wizard_form._get_modifier("reason_id", "invisible"))

    def test_wizard_before_a_plan_and_with_a_past_date(self):
        sub = self._invoiced_subscription([(self.enterprise, 1)])
        with freeze_time("2026-03-16"):
            wizard_form = Form(
                self.env["sale.subscription.change.plan.wizard"].with_context(
                    default_subscription_id=sub.id
                )
            )
            # nothing is asked before a plan is chosen
            self.assertFalse(wizard_form.effective_date)
            self.assertFalse(wizard_form._get_modifier("effective_date", "required"))
            arch = wizard_form._view["tree"]
            self.assertTrue(
                all(
                    "not product_id" in button.get("invisible", "")
                    for button in arch.iter("button")
                    if button.get("name") == "action_apply"
                )
            )
            wizard_form.product_id = self.pro
            self.assertTrue(wizard_form._get_modifier("effective_date", "required"))
            # a past date: said so, the figures of the plan stay
            wizard_form.effective_date = date(2026, 3, 1)
            self.assertIn("in the past", wizard_form.warning)
            self.assertEqual(wizard_form.change_type, "downgrade")
            self.assertEqual(wizard_form.mrr_after, 30.0)
            self.assertEqual(wizard_form.mrr_delta, -70.0)
            self.assertTrue(wizard_form.reason_required)

    def test_wizard_downgrade_defaults_to_renewal(self):
        sub = self._invoiced_subscription([(self.enterprise, 1)])
        with freeze_time("2026-03-16"):
            wizard_form = Form(
                self.env["sale.subscription.change.plan.wizard"].with_context(
                    default_subscription_id=sub.id
                )
            )
            wizard_form.product_id = self.pro
            self.assertEqual(wizard_form.change_type, "downgrade")
            self.assertEqual(wizard_form.effective_date, date(2026, 4, 1))
            self.assertFalse(wizard_form.applies_now)
            self.assertTrue(wizard_form.reason_required)
            self.assertEqual(wizard_form.mrr_delta, -70.0)
            wizard_form.reason_id = self.reason
            wizard_form.save().action_apply()
        scheduled = sub.change_ids.filtered(lambda c: c.state == "scheduled")
        self.assertEqual(scheduled.to_product_id, self.pro)
        self.assertEqual(scheduled.date, date(2026, 4, 1))
