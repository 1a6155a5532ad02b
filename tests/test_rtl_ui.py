# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Persian screens read right-to-left (rtlcss installed by scripts/_env.sh)."""

from odoo import Command
from odoo.tests import HttpCase, tagged
from odoo.tools.misc import find_in_path


@tagged("post_install", "-at_install")
class TestRightToLeft(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fa_IR")
        cls.env["ir.module.module"]._load_module_terms(["customer_value"], ["fa_IR"])
        cls.env.ref("base.user_admin").lang = "fa_IR"
        competitor = cls.env["crossgrade.competitor"].create(
            {
                "name": "RTL Rival",
                "product_ids": [Command.create({"name": "RTL Suite"})],
            }
        )
        cls.product = cls.env["product.product"].create(
            {"name": "RTL Endpoint", "list_price": 100.0, "taxes_id": False}
        )
        pricelist = cls.env["product.pricelist"].create(
            {
                "name": "RTL Migration",
                "item_ids": [
                    Command.create(
                        {
                            "applied_on": "0_product_variant",
                            "product_id": cls.product.id,
                            "compute_price": "percentage",
                            "percent_price": 20.0,
                            "crossgrade_competitor_ids": [Command.link(competitor.id)],
                        }
                    )
                ],
            }
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "RTL Co", "is_company": True, "lang": "fa_IR"}
        )
        cls.env["crossgrade.origin"].create(
            {
                "partner_id": cls.customer.id,
                "competitor_product_id": competitor.product_ids.id,
                "seats": 5,
            }
        ).sudo().state = "verified"
        cls.order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "pricelist_id": pricelist.id,
                "order_line": [Command.create({"product_id": cls.product.id})],
            }
        )
        voucher_type = cls.env["customer.voucher.type"].create(
            {"name": "RTL Training", "value": 300.0}
        )
        cls.voucher = cls.env["customer.voucher"].create(
            {"type_id": voucher_type.id, "partner_id": cls.customer.id}
        )

    def test_rtlcss_is_installed(self):
        self.assertTrue(find_in_path("rtlcss"), "run the tests through scripts/test")

    def test_customer_form(self):
        self.start_tour(
            f"/odoo/res.partner/{self.customer.id}",
            "customer_value_rtl_customer",
            login="admin",
        )

    def test_quotation(self):
        self.start_tour(
            f"/odoo/action-sale.action_quotations_with_onboarding/{self.order.id}",
            "customer_value_rtl_quotation",
            login="admin",
        )

    def test_portal_voucher_page(self):
        self.start_tour(
            self.voucher.get_portal_url(), "customer_value_rtl_portal_voucher"
        )
