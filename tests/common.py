# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import Command
from odoo.tests import TransactionCase, new_test_user


class CrossgradeCommon(TransactionCase):
    """A migration pricelist and customers, without relying on demo data.

    Prices: list price 100; crossgrade rule 25% off for users of a competitor
    (verified origins only); regular rule 5% off for everybody else.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.salesman = new_test_user(
            cls.env,
            login="cg_salesman",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company.id,
        )
        cls.manager = new_test_user(
            cls.env,
            login="cg_manager",
            groups="sales_team.group_sale_manager",
            company_id=cls.company.id,
        )
        Partner = cls.env["res.partner"]
        cls.customer = Partner.create({"name": "Migrating Corp", "is_company": True})
        cls.contact = Partner.create(
            {"name": "Mia Grating", "parent_id": cls.customer.id}
        )
        cls.other_customer = Partner.create({"name": "Loyal Ltd", "is_company": True})

        cls.competitor = cls.env["crossgrade.competitor"].create(
            {
                "name": "Rival AV",
                "product_ids": [
                    Command.create({"name": "Endpoint"}),
                    Command.create({"name": "Mail Shield"}),
                ],
            }
        )
        cls.rival_endpoint, cls.rival_mail = cls.competitor.product_ids.sorted("name")
        cls.other_competitor = cls.env["crossgrade.competitor"].create(
            {"name": "Other DB", "product_ids": [Command.create({"name": "Server"})]}
        )
        cls.other_server = cls.other_competitor.product_ids

        Product = cls.env["product.product"]
        cls.product = Product.create(
            {"name": "Our Endpoint", "list_price": 100.0, "taxes_id": False}
        )
        cls.product_mail = Product.create(
            {"name": "Our Mail Filter", "list_price": 200.0, "taxes_id": False}
        )
        cls.pricelist = cls.env["product.pricelist"].create(
            {
                "name": "Migration",
                "item_ids": [
                    Command.create(
                        {
                            "applied_on": "0_product_variant",
                            "product_id": cls.product.id,
                            "compute_price": "percentage",
                            "percent_price": 25.0,
                            "crossgrade_competitor_ids": [
                                Command.link(cls.competitor.id)
                            ],
                        }
                    ),
                    Command.create(
                        {
                            "applied_on": "0_product_variant",
                            "product_id": cls.product_mail.id,
                            "compute_price": "percentage",
                            "percent_price": 20.0,
                            "crossgrade_competitor_product_ids": [
                                Command.link(cls.rival_mail.id)
                            ],
                            "crossgrade_verified_only": False,
                        }
                    ),
                    Command.create(
                        {
                            "applied_on": "3_global",
                            "compute_price": "percentage",
                            "percent_price": 5.0,
                        }
                    ),
                ],
            }
        )
        cls.rule_competitor, cls.rule_product, cls.rule_regular = (
            cls.pricelist.item_ids.sorted("id")
        )

    @classmethod
    def _origin(cls, competitor_product=None, state="verified", **vals):
        origin = cls.env["crossgrade.origin"].create(
            {
                "partner_id": cls.customer.id,
                "competitor_product_id": (competitor_product or cls.rival_endpoint).id,
                "seats": 100,
                **vals,
            }
        )
        if state != "declared":
            origin.sudo().write({"state": state})
        return origin

    def _quote(self, partner=None, lines=None, user=None):
        """A quotation priced by Odoo's own pricing; lines: [(product, qty)]."""
        env = self.env(user=user) if user else self.env
        return env["sale.order"].create(
            {
                "partner_id": (partner or self.customer).id,
                "pricelist_id": self.pricelist.id,
                "order_line": [
                    Command.create({"product_id": product.id, "product_uom_qty": qty})
                    for product, qty in (lines or [(self.product, 10)])
                ],
            }
        )

    def assertRaisesMessage(self, exception, text):
        """assertRaises (which rolls back to a savepoint) and check the message."""
        return _RaisesMessage(self, exception, text)

    def assertUnitPrice(self, line, expected):
        """Net unit price, whether the discount shows on the line or not."""
        self.assertAlmostEqual(line.price_subtotal / line.product_uom_qty, expected, 2)


class _RaisesMessage:
    def __init__(self, case, exception, text):
        self.case, self.text = case, text
        self.context = case.assertRaises(exception)

    def __enter__(self):
        self.caught = self.context.__enter__()
        return self.caught

    def __exit__(self, *exc_info):
        result = self.context.__exit__(*exc_info)
        self.case.assertIn(self.text, str(self.caught.exception))
        return result
