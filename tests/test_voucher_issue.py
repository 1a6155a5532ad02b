# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .voucher_common import VoucherCommon


@tagged("post_install", "-at_install")
class TestVoucherIssue(VoucherCommon):
    @freeze_time("2026-03-01")
    def test_confirming_issues_the_granted_vouchers(self):
        order = self._order([(self.licence, 3), (self.other, 1)])
        vouchers = order.voucher_ids
        self.assertEqual(len(vouchers), 6)  # 2 per licence
        self.assertEqual(order.voucher_count, 6)
        self.assertEqual(set(vouchers.mapped("state")), {"available"})
        self.assertEqual(vouchers.partner_id, self.customer)  # commercial
        self.assertEqual(vouchers.beneficiary_id, self.contact)
        self.assertEqual(vouchers.user_id, self.salesman)
        self.assertEqual(vouchers.type_id, self.training)
        self.assertEqual(vouchers.sale_line_id.product_id, self.licence)
        self.assertEqual(set(vouchers.mapped("origin")), {"sale"})
        self.assertEqual(set(vouchers.mapped("issue_date")), {date(2026, 3, 1)})
        self.assertEqual(set(vouchers.mapped("expiry_date")), {date(2027, 3, 1)})
        self.assertEqual(set(vouchers.mapped("value")), {500.0})
        self.assertEqual(len(set(vouchers.mapped("code"))), 6)

    def test_codes_are_unguessable(self):
        vouchers = self._order([(self.licence, 5)]).voucher_ids
        for code in vouchers.mapped("code"):
            self.assertRegex(code, r"^([A-HJKMNP-Z2-9]{4}-){3}[A-HJKMNP-Z2-9]{4}$")

    def test_reconfirming_or_editing_never_issues_twice(self):
        order = self._order([(self.licence, 1)])
        self.assertEqual(len(order.voucher_ids), 2)
        order.order_line._issue_vouchers()  # e.g. a module confirming again
        order.write({"note": "edited"})
        order.order_line.write({"name": "Database Licence (edited)"})
        self.assertEqual(len(order.voucher_ids), 2)
        # More units: only the missing vouchers are issued.
        order.order_line.product_uom_qty = 2
        self.assertEqual(len(order.voucher_ids), 4)
        order.order_line.product_uom_qty = 2
        self.assertEqual(len(order.voucher_ids), 4)
        # An added line of a granting product issues its own vouchers.
        order.order_line = [Command.create({"product_id": self.licence.id})]
        self.assertEqual(len(order.voucher_ids), 6)

    def test_quotation_issues_nothing(self):
        order = self._order(confirm=False)
        self.assertFalse(order.voucher_ids)

    def test_cancelling_the_order_cancels_unused_vouchers(self):
        order = self._order([(self.licence, 1)])
        used, unused = order.voucher_ids
        used.action_redeem("Course in May")
        order._action_cancel()
        self.assertEqual(used.state, "redeemed")
        self.assertEqual(unused.state, "cancelled")
        self.assertIn("Cancelled with its sale order", unused.message_ids[0].body)
        # Confirmed again: the customer gets the cancelled voucher back only.
        order.action_draft()
        order.action_confirm()
        self.assertEqual(
            len(order.voucher_ids.filtered(lambda v: v.state != "cancelled")), 2
        )

    def test_archived_type_grants_nothing(self):
        self.training.active = False
        self.assertFalse(self._order().voucher_ids)

    def test_manual_voucher(self):
        voucher = self._voucher(issue_date="2026-01-10")
        self.assertEqual(voucher.origin, "manual")
        self.assertEqual(voucher.partner_id, self.customer)
        self.assertEqual(voucher.beneficiary_id, self.contact)
        self.assertEqual(voucher.expiry_date, date(2027, 1, 10))
        self.assertEqual(voucher.value, 500.0)
        explicit = self._voucher(
            issue_date="2026-01-10", expiry_date="2026-06-30", value=250.0
        )
        self.assertEqual(explicit.expiry_date, date(2026, 6, 30))
        self.assertEqual(explicit.value, 250.0)

    @freeze_time("2026-03-01")
    def test_expiry_capped_by_the_subscription(self):
        template = self.env["sale.subscription.template"].create(
            {
                "name": "Six months",
                "recurring_rule_boundary": "limited",
                "recurring_rule_count": 6,
                "recurring_rule_type": "months",
            }
        )
        self.licence.write(
            {"subscribable": True, "subscription_template_id": template.id}
        )
        order = self._order()
        sub = order.subscription_ids
        self.assertTrue(sub.date, "a fixed-term subscription has an end date")
        self.assertEqual(order.voucher_ids.subscription_id, sub)
        self.assertEqual(set(order.voucher_ids.mapped("expiry_date")), {sub.date})
        # Closing the subscription ends its unused vouchers today.
        voucher = order.voucher_ids[0]
        with freeze_time("2026-04-15"):
            sub.close_subscription(
                self.env.ref("subscription_oca.close_reason_other").id
            )
        self.assertEqual(voucher.expiry_date, date(2026, 4, 15))
        self.assertIn("was closed", voucher.message_ids[0].body)
