# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import Command
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestVoucherUi(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.course = cls.env["product.product"].create(
            {"name": "Tour Course", "list_price": 500.0, "type": "service"}
        )
        cls.voucher_type = cls.env["customer.voucher.type"].create(
            {
                "name": "Tour Training",
                "value": 500.0,
                "covered_product_tmpl_ids": [
                    Command.link(cls.course.product_tmpl_id.id)
                ],
            }
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Tour Voucher Co", "is_company": True}
        )
        cls.voucher = cls.env["customer.voucher"].create(
            {"type_id": cls.voucher_type.id, "partner_id": cls.customer.id}
        )

    def test_quotation_warns(self):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [Command.create({"product_id": self.course.id})],
            }
        )
        self.start_tour(
            f"/odoo/action-sale.action_quotations_with_onboarding/{order.id}",
            "customer_value_voucher_quotation_and_redeem",
            login="admin",
        )

    def test_redeem_from_the_form(self):
        self.start_tour(
            f"/odoo/action-customer_value.customer_voucher_action/{self.voucher.id}",
            "customer_value_voucher_redeem",
            login="admin",
        )
        self.assertEqual(self.voucher.state, "redeemed")
        self.assertEqual(self.voucher.redeem_note, "Tour administration course")
