# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import Command
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestCrossgradeUi(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create(
            {"name": "Tour Migrating Co", "is_company": True}
        )
        cls.competitor = cls.env["crossgrade.competitor"].create(
            {
                "name": "Tour Rival",
                "product_ids": [Command.create({"name": "Tour Suite"})],
            }
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Tour Seat", "list_price": 30.0, "taxes_id": False}
        )
        cls.pricelist = cls.env["product.pricelist"].create(
            {
                "name": "Tour Migration",
                "item_ids": [
                    Command.create(
                        {
                            "applied_on": "0_product_variant",
                            "product_id": cls.product.id,
                            "compute_price": "percentage",
                            "percent_price": 20.0,
                            "crossgrade_competitor_ids": [
                                Command.link(cls.competitor.id)
                            ],
                        }
                    )
                ],
            }
        )

    def test_record_and_verify_origin(self):
        self.start_tour("/odoo", "customer_value_crossgrade_origin", login="admin")
        origin = self.env["crossgrade.origin"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(origin.seats, 7)
        self.assertEqual(origin.state, "verified")

    def test_quotation_shows_crossgrade(self):
        origin = self.env["crossgrade.origin"].create(
            {
                "partner_id": self.customer.id,
                "competitor_product_id": self.competitor.product_ids.id,
                "seats": 10,
            }
        )
        origin.action_verify()
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "pricelist_id": self.pricelist.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.product.id, "product_uom_qty": 10}
                    )
                ],
            }
        )
        self.assertEqual(order.crossgrade_discount_amount, 60.0)
        self.start_tour(
            f"/odoo/action-sale.action_quotations/{order.id}",
            "customer_value_crossgrade_quotation",
            login="admin",
        )
