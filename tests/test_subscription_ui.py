# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import Command
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestSubscriptionUi(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        family = cls.env["subscription.plan.family"].create({"name": "Tour Suite"})
        cls.basic, cls.pro = (
            cls.env["product.product"].create(
                {
                    "name": name,
                    "list_price": price,
                    "subscribable": True,
                    "plan_family_id": family.id,
                    "plan_tier": tier,
                    "taxes_id": False,
                }
            )
            for name, price, tier in (("Tour Basic", 10.0, 1), ("Tour Pro", 30.0, 2))
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Tour Subscriber", "is_company": True}
        )
        cls.template = cls.env["sale.subscription.template"].create(
            {"name": "Tour Monthly"}
        )
        cls.pricelist = cls.env["product.pricelist"].create({"name": "Tour Plain"})

    def _subscription(self, product, qty):
        sub = self.env["sale.subscription"].create(
            {
                "partner_id": self.customer.id,
                "template_id": self.template.id,
                "pricelist_id": self.pricelist.id,
                "sale_subscription_line_ids": [
                    Command.create({"product_id": product.id, "product_uom_qty": qty})
                ],
            }
        )
        sub.action_start_subscription()
        return sub

    def test_change_plan_wizard(self):
        sub = self._subscription(self.basic, 2.5)
        self.start_tour(
            f"/odoo/action-subscription_oca.sale_subscription_action/{sub.id}",
            "customer_value_subscription_change_plan",
            login="admin",
        )
        self.assertEqual(sub.plan_product_id, self.pro)
        self.assertEqual(sub.change_ids.sorted("id")[-1].change_type, "upgrade")

    def test_close_wizard_retention(self):
        sub = self._subscription(self.pro, 1)
        self.start_tour(
            f"/odoo/action-subscription_oca.sale_subscription_action/{sub.id}",
            "customer_value_subscription_retention",
            login="admin",
        )
        request = self.env["sale.subscription.retention"].search(
            [("subscription_id", "=", sub.id)]
        )
        self.assertEqual(request.outcome, "saved_by_downgrade")
        self.assertEqual(sub.stage_id.type, "in_progress")

    def test_sales_app_menus(self):
        """The MRR reports and plan families are in the Sales app too (Sales >
        Reporting and Configuration, which Odoo shows to Sales managers)."""
        manager = self.env["res.users"].create(
            {
                "name": "Sales Manager",
                "login": "menu_manager",
                "groups_id": [
                    Command.link(self.env.ref("sales_team.group_sale_manager").id)
                ],
            }
        )
        visible = self.env["ir.ui.menu"].with_user(manager)._visible_menu_ids()
        for xmlid in (
            "customer_value.sale_subscription_mrr_report_sales_menu",
            "customer_value.sale_subscription_mrr_graph_sales_menu",
            "customer_value.sale_subscription_change_analysis_sales_menu",
        ):
            menu = self.env.ref(xmlid)
            self.assertIn(menu.id, visible, xmlid)
            self.assertEqual(
                menu.parent_id.parent_id, self.env.ref("sale.menu_sale_report")
            )
        family_menu = self.env.ref("customer_value.subscription_plan_family_sales_menu")
        self.assertEqual(family_menu.parent_id, self.env.ref("sale.menu_sale_config"))
        self.assertIn(family_menu.id, visible)
