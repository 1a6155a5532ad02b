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

    def test_how_to_use_it_reads_well_on_the_portal_too(self):
        """The voucher type's usage is shown in the reminder and on the
        portal page: it does not say "reply to this e-mail"."""
        for xmlid in ("voucher_type_training_demo", "voucher_type_support_demo"):
            description = str(self.env.ref(f"customer_value.{xmlid}").description)
            self.assertNotIn("this e-mail", description)

    def test_reminder_subject_reads_well(self):
        """The subject is "Your <type> voucher ...": the demo type's name does
        not say "voucher" again."""
        voucher = self.env["customer.voucher"].search(
            [
                (
                    "type_id",
                    "=",
                    self.env.ref("customer_value.voucher_type_training_demo").id,
                )
            ],
            limit=1,
        )
        template = self.env.ref("customer_value.mail_template_voucher_reminder")
        subject = template._render_field("subject", voucher.ids)[voucher.id]
        self.assertIn("Your Database training voucher is waiting", subject)
        self.assertNotIn("voucher voucher", subject.lower())
