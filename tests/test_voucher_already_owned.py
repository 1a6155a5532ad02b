# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import Command
from odoo.tests import Form, new_test_user, tagged

from .voucher_common import VoucherCommon


@tagged("post_install", "-at_install")
class TestAlreadyOwned(VoucherCommon):
    def test_nothing_to_say(self):
        order = self._order([(self.course, 1)], confirm=False)
        self.assertFalse(order.already_owned_warning)

    def test_unused_voucher_covering_the_product(self):
        voucher = self._voucher()
        order = self._order([(self.course, 1), (self.other, 1)], confirm=False)
        warning = order.already_owned_warning
        self.assertIn("Administration Course", warning)
        self.assertIn("1 unused Training voucher(s)", warning)
        self.assertIn(voucher.code, warning)
        self.assertNotIn("Cable", warning)
        # Used, it no longer covers anything; nor does another customer's.
        voucher.action_redeem()
        self._voucher(partner_id=self.other_customer.id)
        order.invalidate_recordset(["already_owned_warning"])
        self.assertFalse(order.already_owned_warning)

    def test_active_subscription_of_the_product(self):
        template = self.env["sale.subscription.template"].create({"name": "Monthly"})
        pricelist = self.env["product.pricelist"].create({"name": "Plain"})
        sub = self.env["sale.subscription"].create(
            {
                "partner_id": self.customer.id,
                "template_id": template.id,
                "pricelist_id": pricelist.id,
                "sale_subscription_line_ids": [
                    Command.create(
                        {"product_id": self.licence.id, "product_uom_qty": 1}
                    )
                ],
            }
        )
        order = self._order([(self.licence, 1)], confirm=False)
        self.assertFalse(
            order.already_owned_warning, "a draft subscription is not owned"
        )
        sub.action_start_subscription()
        order.invalidate_recordset(["already_owned_warning"])
        self.assertIn(sub.display_name, order.already_owned_warning)
        self.assertIn("Database Licence", order.already_owned_warning)
        # A warning, not a block: the order confirms.
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.already_owned_warning)

    def test_shown_while_editing_the_quotation(self):
        self._voucher()
        order_form = Form(self.env["sale.order"].with_user(self.salesman))
        order_form.partner_id = self.contact
        self.assertFalse(order_form.already_owned_warning)
        with order_form.order_line.new() as line:
            line.product_id = self.course
        self.assertIn("unused Training voucher", order_form.already_owned_warning)

    def test_codes_only_of_the_vouchers_the_salesperson_may_read(self):
        colleague = new_test_user(
            self.env, login="owned_colleague", groups="sales_team.group_sale_salesman"
        )
        mine = self._voucher(user_id=self.salesman.id)
        theirs = self._voucher(user_id=colleague.id)
        order = self._order([(self.course, 1)], confirm=False)
        order.user_id = self.salesman
        warning = order.with_user(self.salesman).already_owned_warning
        self.assertIn("2 unused Training voucher(s)", warning)
        self.assertIn(mine.code, warning)
        self.assertNotIn(theirs.code, warning)
        self.assertIn("others of colleagues", warning)
        theirs_only = order.with_user(colleague)
        theirs_only.invalidate_recordset(["already_owned_warning"])
        mine.action_cancel()
        theirs_only.invalidate_recordset(["already_owned_warning"])
        order.invalidate_recordset(["already_owned_warning"])
        warning = order.with_user(self.salesman).already_owned_warning
        self.assertNotIn(theirs.code, warning)
        self.assertIn("ask the salesperson of the customer", warning)
