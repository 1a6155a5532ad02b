# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestVoucherDemo(TransactionCase):
    """The demo data has voucher types, vouchers in each state and reminders
    sent (the test database is installed with demo data)."""

    def test_demo_vouchers(self):
        types = self.env.ref(
            "customer_value.voucher_type_training_demo"
        ) | self.env.ref("customer_value.voucher_type_support_demo")
        vouchers = self.env["customer.voucher"].search([("type_id", "in", types.ids)])
        self.assertEqual(
            set(vouchers.mapped("state")),
            {"available", "redeemed", "expired", "cancelled"},
        )
        order = self.env.ref("customer_value.sale_order_database_demo")
        self.assertEqual(len(order.voucher_ids), 4)
        statuses = vouchers.reminder_ids.mapped("status")
        self.assertIn("sent", statuses)
        self.assertIn("opted_out", statuses)
        self.assertEqual(self.env.ref("base.res_partner_12").voucher_available_count, 4)
