# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import Command
from odoo.tests import tagged

from .common import CrossgradeCommon

# Extra queries allowed for pricing a crossgrade quotation, whatever its size.
MAX_EXTRA_QUERIES = 3


@tagged("post_install", "-at_install")
class TestCrossgradePerformance(CrossgradeCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.products = cls.env["product.product"].create(
            [
                {"name": f"Seat product {i}", "list_price": 10.0 + i, "taxes_id": False}
                for i in range(50)
            ]
        )
        # Rules of the same kind apply newest first: the 25% rule wins.
        rules = [
            {
                "applied_on": "3_global",
                "compute_price": "percentage",
                "percent_price": 5.0,
            },
            {
                "applied_on": "3_global",
                "compute_price": "percentage",
                "percent_price": 25.0,
            },
        ]
        cls.plain_pricelist = cls.env["product.pricelist"].create(
            {"name": "Plain", "item_ids": [Command.create(vals) for vals in rules]}
        )
        rules[1]["crossgrade_competitor_ids"] = [Command.link(cls.competitor.id)]
        cls.migration_pricelist = cls.env["product.pricelist"].create(
            {
                "name": "Migration (all products)",
                "item_ids": [Command.create(vals) for vals in rules],
            }
        )
        cls.origin = cls._origin(seats=10000)

    def _price_quotation(self, pricelist, products):
        return self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "pricelist_id": pricelist.id,
                "order_line": [
                    Command.create({"product_id": product.id, "product_uom_qty": 2})
                    for product in products
                ],
            }
        )

    def _count(self, pricelist, products):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        order = self._price_quotation(pricelist, products)
        self.env.flush_all()
        return self.cr.sql_log_count - before, order

    def _check_size(self, size):
        products = self.products[:size]
        # Warm up the registry caches (rules, config parameters) once.
        self._count(self.plain_pricelist, products)
        self._count(self.migration_pricelist, products)
        plain, plain_order = self._count(self.plain_pricelist, products)
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(plain + MAX_EXTRA_QUERIES):
            order = self._price_quotation(self.migration_pricelist, products)
            self.env.flush_all()
        # Same prices, the crossgrade ones from the crossgrade rule.
        self.assertEqual(order.order_line.crossgrade_origin_id, self.origin)
        self.assertEqual(order.amount_untaxed, plain_order.amount_untaxed)
        self.assertFalse(plain_order.crossgrade_origin_id)

    def test_query_count_one_line(self):
        self._check_size(1)

    def test_query_count_fifty_lines(self):
        self._check_size(50)
