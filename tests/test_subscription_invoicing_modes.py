# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Prorated plan changes and renewals in every invoicing mode of
subscription_oca, and the vouchers that renewals issue."""

from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .subscription_common import SubscriptionCommon


@tagged("post_install", "-at_install")
class TestSubscriptionInvoicingModes(SubscriptionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.email = "billing@subscriber.example"
        cls.contact.email = "sam@subscriber.example"

    def _template(self, mode):
        return self.env["sale.subscription.template"].create(
            {
                "name": f"Monthly {mode}",
                "recurring_rule_type": "months",
                "recurring_interval": 1,
                "invoicing_mode": mode,
            }
        )

    def _started(self, mode):
        """Started and billed on 1 March 2026 (paid until 1 April)."""
        with freeze_time("2026-03-01"):
            sub = self._subscription([(self.basic, 1)], template=self._template(mode))
            sub.generate_invoice()
        self.assertEqual(sub.recurring_next_date, date(2026, 4, 1))
        return sub

    def _upgrade_mid_period(self, sub, user=None):
        with freeze_time("2026-03-16"):
            change = sub.with_user(user or self.salesman).change_plan(self.pro.id)
        # (30 - 10) for 16 of the 31 days of March already billed
        self.assertAlmostEqual(change.prorated_amount, 10.32)
        return change

    def _renewal_lines(self, sub):
        """Billed amounts of the renewal of 1 April."""
        with freeze_time("2026-04-01"):
            sub.generate_invoice()
        invoices = sub.invoice_ids | sub.sale_order_ids.invoice_ids
        renewal = invoices.filtered(lambda move: move.invoice_date == date(2026, 4, 1))
        self.assertEqual(len(renewal), 1, invoices)
        return sorted(renewal.invoice_line_ids.mapped("price_subtotal"))

    def test_proration_in_invoice_modes(self):
        for mode in ("draft", "invoice", "invoice_send"):
            with self.subTest(mode=mode):
                sub = self._started(mode)
                change = self._upgrade_mid_period(sub)
                self.assertEqual(self._renewal_lines(sub), [10.32, 30.0])
                self.assertTrue(change.proration_invoice_id)

    def test_proration_and_renewal_in_sale_order_mode(self):
        sub = self._started("sale_and_invoice")
        self.assertFalse(sub.invoice_ids)  # billed through its order
        self.assertEqual(len(sub.sale_order_ids), 1)
        change = self._upgrade_mid_period(sub)
        self.assertEqual(self._renewal_lines(sub), [10.32, 30.0])
        renewal = change.proration_order_id
        self.assertIn(renewal, sub.sale_order_ids)
        self.assertEqual(renewal.date_order.date(), date(2026, 4, 1))
        self.assertEqual(renewal.state, "sale")
        # Confirming the renewal orders started no other subscription: the
        # MRR of the customer is the one subscription's.
        subs = self.env["sale.subscription"].search(
            [("commercial_partner_id", "=", self.customer.id)]
        )
        self.assertEqual(subs, sub)
        self.assertEqual(sub.mrr, 30.0)
        self.assertEqual(
            self.env["sale.subscription.change"]
            .search([("partner_id", "=", self.customer.id), ("state", "=", "done")])
            .mapped("change_type"),
            ["upgrade", "new"],
        )

    def test_proration_of_a_subscription_sold_by_an_order(self):
        self.basic.product_tmpl_id.subscription_template_id = self.monthly
        with freeze_time("2026-03-01"):
            order = self.env["sale.order"].create(
                {
                    "partner_id": self.customer.id,
                    "order_line": [Command.create({"product_id": self.basic.id})],
                }
            )
            order.action_confirm()
        sub = order.subscription_ids
        self.assertEqual(sub.recurring_next_date, date(2026, 4, 1))
        self.assertFalse(sub.invoice_ids)
        # the subscription is the order's creator's document
        self._upgrade_mid_period(sub, user=self.env.user)
