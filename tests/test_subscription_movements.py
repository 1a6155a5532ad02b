# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .subscription_common import SubscriptionCommon


@tagged("post_install", "-at_install")
class TestSubscriptionMovements(SubscriptionCommon):
    def test_new_and_churn(self):
        sub = self._subscription([(self.pro, 2)])
        self.assertMovement(
            self._done(sub),
            "new",
            0.0,
            60.0,
            partner_id=self.customer,
            to_product_id=self.pro,
            user_id=self.env.user,
        )
        sub.close_subscription(self.close_reason.id)
        churn = self._done(sub)[-1]
        self.assertMovement(
            churn,
            "churn",
            60.0,
            0.0,
            close_reason_id=self.close_reason,
            from_product_id=self.pro,
        )

    def test_movement_partner_is_commercial(self):
        sub = self._subscription([(self.basic, 1)], partner=self.contact)
        self.assertEqual(self._done(sub).partner_id, self.customer)

    def test_closing_one_of_two_is_contraction(self):
        # Churn is counted per customer: the customer keeps a subscription.
        first = self._subscription([(self.pro, 1)])
        second = self._subscription([(self.pro, 1)], partner=self.contact)
        self.assertMovement(self._done(second), "expansion", 0.0, 30.0)
        first.close_subscription(self.close_reason.id)
        self.assertMovement(self._done(first)[-1], "contraction", 30.0, 0.0)
        second.close_subscription(self.close_reason.id)
        self.assertMovement(self._done(second)[-1], "churn", 30.0, 0.0)

    def test_second_subscription_of_another_family_is_cross_sell(self):
        self._subscription([(self.pro, 1)])
        backup = self._subscription([(self.backup, 1)])
        self.assertMovement(self._done(backup), "cross_sell", 0.0, 50.0)

    def test_reactivation(self):
        sub = self._subscription([(self.basic, 1)])
        sub.close_subscription(self.close_reason.id)
        sub.action_start_subscription()
        self.assertMovement(self._done(sub)[-1], "reactivation", 0.0, 10.0)
        # A churned customer coming back with a new subscription reactivates too.
        sub.close_subscription(self.close_reason.id)
        again = self._subscription([(self.pro, 1)])
        self.assertMovement(self._done(again), "reactivation", 0.0, 30.0)

    def test_line_edits_in_the_form(self):
        sub = self._subscription([(self.basic, 1)])
        with Form(sub) as form:
            with form.sale_subscription_line_ids.edit(0) as line:
                line.product_id = self.pro
        self.assertMovement(
            self._done(sub)[-1],
            "upgrade",
            10.0,
            30.0,
            from_product_id=self.basic,
            to_product_id=self.pro,
        )
        with Form(sub) as form:
            with form.sale_subscription_line_ids.edit(0) as line:
                line.product_uom_qty = 3
        self.assertMovement(self._done(sub)[-1], "expansion", 30.0, 90.0)
        with Form(sub) as form:
            with form.sale_subscription_line_ids.new() as line:
                line.product_id = self.support
        self.assertMovement(
            self._done(sub)[-1], "cross_sell", 90.0, 110.0, to_product_id=self.support
        )
        with Form(sub) as form:
            # the reason is asked once the edit lowers the price
            self.assertTrue(form._get_modifier("change_reason_id", "invisible"))
            with form.sale_subscription_line_ids.edit(0) as line:
                line.product_uom_qty = 1
            self.assertTrue(form.change_reason_needed)
            form.change_reason_id = self.reason
            form.change_note = "Team shrank"
        self.assertMovement(
            self._done(sub)[-1],
            "contraction",
            110.0,
            50.0,
            reason_id=self.reason,
            note="Team shrank",
        )
        # The reason is for one change only.
        self.assertFalse(sub.change_reason_id)
        self.assertFalse(sub.change_note)
        with Form(sub) as form:
            with form.sale_subscription_line_ids.edit(0) as line:
                line.product_id = self.basic
                # more seats on the lower plan: the price rises, it is still a
                # downgrade, which needs its reason
                line.product_uom_qty = 10
            self.assertTrue(form.change_reason_needed)
            with form.sale_subscription_line_ids.edit(0) as line:
                line.product_uom_qty = 1
            form.change_reason_id = self.reason
        self.assertMovement(self._done(sub)[-1], "downgrade", 50.0, 30.0)

    def test_line_edits_by_code(self):
        sub = self._subscription([(self.basic, 1)])
        line = sub.sale_subscription_line_ids
        line.product_id = self.enterprise
        self.assertMovement(self._done(sub)[-1], "upgrade", 10.0, 100.0)
        self.env["sale.subscription.line"].create(
            {"sale_subscription_id": sub.id, "product_id": self.support.id}
        )
        self.assertMovement(self._done(sub)[-1], "cross_sell", 100.0, 120.0)
        support = sub.sale_subscription_line_ids.filtered(
            lambda line: line.product_id == self.support
        )
        support.with_context(subscription_change_reason_id=self.reason.id).unlink()
        self.assertMovement(
            self._done(sub)[-1],
            "contraction",
            120.0,
            100.0,
            from_product_id=self.support,
            reason_id=self.reason,
        )
        # A price change on the same plan is an expansion.
        line.price_unit = 150.0
        self.assertMovement(self._done(sub)[-1], "expansion", 100.0, 150.0)
        # Nothing that changes the revenue: no movement.
        count = len(sub.change_ids)
        sub.description = "Notes"
        line.name = "Enterprise plan"
        self.assertEqual(len(sub.change_ids), count)

    def test_lower_revenue_requires_a_reason(self):
        sub = self._subscription([(self.pro, 3)])
        count = len(sub.change_ids)
        with self.assertRaises(ValidationError) as error, self.env.cr.savepoint():
            sub.sale_subscription_line_ids.product_uom_qty = 1
        self.assertIn("A reason is required", str(error.exception))
        self.assertIn("contraction", str(error.exception))
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            sub.sale_subscription_line_ids.product_id = self.basic
        with self.assertRaises(ValidationError) as error, self.env.cr.savepoint():
            sub.close_subscription()
        self.assertIn("churn", str(error.exception))
        # Nothing written.
        self.assertEqual(sub.sale_subscription_line_ids.product_uom_qty, 3)
        self.assertEqual(sub.sale_subscription_line_ids.product_id, self.pro)
        self.assertEqual(sub.stage_id, self.stage_in_progress)
        self.assertEqual(len(sub.change_ids), count)

    def test_done_movements_are_history(self):
        sub = self._subscription([(self.pro, 1)])
        change = self._done(sub)
        with self.assertRaises(UserError), self.env.cr.savepoint():
            change.with_user(self.manager).mrr_after = 5
        with self.assertRaises(UserError), self.env.cr.savepoint():
            change.with_user(self.manager).unlink()
        change.with_user(self.manager).note = "Signed at the fair"
        self.assertEqual(change.note, "Signed at the fair")
        with self.assertRaises(UserError), self.env.cr.savepoint():
            sub.unlink()

    def test_subscription_created_running(self):
        sub = self.env["sale.subscription"].create(
            {
                "partner_id": self.other_customer.id,
                "template_id": self.monthly.id,
                "pricelist_id": self.pricelist.id,
                "stage_id": self.stage_in_progress.id,
                "sale_subscription_line_ids": [
                    Command.create({"product_id": self.pro.id, "product_uom_qty": 1})
                ],
            }
        )
        self.assertMovement(self._done(sub), "new", 0.0, 30.0)

    def test_sale_order_confirmation_starts_a_subscription(self):
        self.pro.product_tmpl_id.subscription_template_id = self.monthly
        order = self.env["sale.order"].create(
            {
                "partner_id": self.other_customer.id,
                "order_line": [Command.create({"product_id": self.pro.id})],
            }
        )
        order.action_confirm()
        sub = order.subscription_ids
        self.assertEqual(len(sub), 1)
        self.assertMovement(self._done(sub), "new", 0.0, 30.0)

    def test_recording_costs_constant_queries(self):
        small = self._subscription([(self.basic, 1)])
        big = self._subscription(
            [(self.basic, 1)] + [(self.support, 1)] * 20, partner=self.other_customer
        )
        self.env.flush_all()
        self.env.invalidate_all()

        def upgrade(sub):
            sub.sale_subscription_line_ids.filtered(
                lambda line: line.product_id == self.basic
            ).product_id = self.pro
            self.env.flush_all()

        # The same number of queries for 1 line or 21: recording a movement
        # does not loop over the subscription's lines in SQL.
        for sub in (small, big):
            self.env.invalidate_all()
            with self.assertQueryCount(31):
                upgrade(sub)
        self.assertEqual(self._done(small)[-1].change_type, "upgrade")
        self.assertEqual(self._done(big)[-1].change_type, "upgrade")

    def test_fixed_term_end_closed_by_subscription_oca_cron(self):
        template = self.env["sale.subscription.template"].create(
            {
                "name": "Three months",
                "recurring_rule_boundary": "limited",
                "recurring_rule_count": 3,
            }
        )
        with freeze_time("2026-01-01"):
            sub = self._subscription(
                [(self.pro, 1)], template=template, date_start="2026-01-01"
            )
        self.assertEqual(str(sub.date), "2026-04-01")
        with freeze_time("2026-04-02"):
            self.env["sale.subscription"].cron_subscription_management()
        self.assertEqual(sub.stage_id, self.stage_closed)
        self.assertMovement(
            self._done(sub)[-1],
            "churn",
            30.0,
            0.0,
            close_reason_id=self.env.ref("subscription_oca.close_reason_ended"),
        )
