# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from lxml import etree

from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user, tagged

from .subscription_common import SubscriptionCommon


@tagged("post_install", "-at_install")
class TestSubscriptionSecurity(SubscriptionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_salesman = new_test_user(
            cls.env, login="sub_other_salesman", groups="sales_team.group_sale_salesman"
        )
        cls.sub = cls._subscription([(cls.basic, 1)])  # salesman's customer

    def test_salesman_changes_own_customers_subscriptions(self):
        sub = self.sub.with_user(self.salesman)
        change = sub.change_plan(self.pro.id)
        self.assertEqual(change.change_type, "upgrade")
        self.assertEqual(change.user_id, self.salesman)
        scheduled = sub.change_plan(
            self.basic.id, reason_id=self.reason.id, effective_date="2999-01-01"
        )
        scheduled.action_cancel()
        self.assertEqual(scheduled.state, "cancelled")
        self.assertTrue(sub.change_ids.read(["mrr_delta"]))

    def test_salesman_cannot_touch_others_subscriptions(self):
        sub = self.sub.with_user(self.other_salesman)
        with self.assertRaises(AccessError):
            sub.change_plan(self.pro.id)
        with self.assertRaises(AccessError):
            self.sub.change_ids.with_user(self.other_salesman).read(["mrr_delta"])
        # The manager (all documents) can.
        self.assertEqual(
            self.sub.with_user(self.manager).change_plan(self.pro.id).change_type,
            "upgrade",
        )

    def test_salesman_has_their_subscriptions_and_reports_in_the_sales_app(self):
        """No Subscriptions app, no Sales > Reporting for "own documents": the
        Sales app lists their subscriptions (form, Change Plan, Close) and the
        reports they may read; the customer's tab lists the subscriptions."""
        theirs = self._subscription(
            [(self.pro, 1)], user_id=self.other_salesman.id
        )  # a colleague's, of the same customer
        visible = self.env["ir.ui.menu"].with_user(self.salesman)._visible_menu_ids()
        self.assertNotIn(
            self.env.ref("subscription_oca.sale_subscription_root").id, visible
        )
        self.assertNotIn(self.env.ref("sale.menu_sale_report").id, visible)
        for xmlid in (
            "customer_value.sale_subscription_sales_list_menu",
            "customer_value.sale_subscription_change_sales_list_menu",
            "customer_value.sale_subscription_change_analysis_salesman_menu",
            "customer_value.sale_subscription_change_churn_salesman_menu",
            "customer_value.sale_subscription_retention_salesman_menu",
            "customer_value.sale_subscription_trial_salesman_menu",
        ):
            menu = self.env.ref(xmlid)
            self.assertIn(menu.id, visible, xmlid)
            root = menu.parent_id
            while root.parent_id:
                root = root.parent_id
            self.assertEqual(root, self.env.ref("sale.sale_menu_root"), xmlid)
        # the company's figures stay with "all documents" and managers
        self.assertNotIn(
            self.env.ref(
                "customer_value.sale_subscription_mrr_report_salesman_menu"
            ).id,
            visible,
        )
        action = self.env.ref(
            "customer_value.sale_subscription_sales_list_menu"
        ).action.sudo()
        Subscription = self.env[action.res_model].with_user(self.salesman)
        found = Subscription.search([("id", "in", (self.sub | theirs).ids)])
        self.assertEqual(found, self.sub)
        arch = Subscription.get_views([(False, "form")])["views"]["form"]["arch"]
        for button in ("action_change_plan", "action_close_subscription"):
            self.assertTrue(
                etree.fromstring(arch).xpath(f"//button[@name='{button}']"),  # noqa: S320
                button,
            )
        Form(found)  # the salesperson opens it
        self.assertEqual(found.action_change_plan()["type"], "ir.actions.act_window")
        # the customer's tab: the subscriptions with their MRR, then the movements
        partner = self.customer.with_user(self.salesman)
        arch = partner.get_views([(False, "form")])["views"]["form"]["arch"]
        page = etree.fromstring(arch).xpath("//page[@name='subscription_mrr']")[0]  # noqa: S320
        self.assertTrue(
            page.xpath(".//field[@name='subscription_ids']//field[@name='mrr']")
        )
        self.assertFalse(page.xpath(".//field[@name='subscription_change_ids']"))
        self.assertTrue(
            page.xpath(".//button[@name='action_view_subscription_changes']")
        )
        [values] = partner.web_read(
            {"subscription_ids": {"fields": {"mrr": {}, "name": {}}}}
        )
        self.assertEqual(
            [row["id"] for row in values["subscription_ids"]], self.sub.ids
        )
        self.assertEqual(values["subscription_ids"][0]["mrr"], self.sub.mrr)

    def test_movements_are_written_by_the_model_only(self):
        change = self.sub.change_ids.with_user(self.salesman)
        with self.assertRaises(AccessError):
            change.write({"note": "edited"})
        with self.assertRaises(AccessError):
            self.env["sale.subscription.change"].with_user(self.salesman).create(
                {
                    "subscription_id": self.sub.id,
                    "change_type": "new",
                    "mrr_after": 1000.0,
                }
            )
        with self.assertRaises(AccessError):
            change.unlink()

    def test_configuration_is_for_managers(self):
        for model, values in (
            ("subscription.plan.family", {"name": "Family"}),
            ("sale.subscription.change.reason", {"name": "Reason"}),
            ("subscription.plan.feature", {"name": "F", "family_id": self.family.id}),
        ):
            with self.subTest(model=model):
                with self.assertRaises(AccessError):
                    self.env[model].with_user(self.salesman).create(values)
                self.assertTrue(self.env[model].with_user(self.manager).create(values))
        self.assertTrue(
            self.family.with_user(self.salesman).read(["name"]),
            "salesmen read the plans they sell",
        )
        with self.assertRaises(AccessError):
            self.env["res.config.settings"].with_user(self.manager).create(
                {"subscription_retention_discount": 50.0}
            ).execute()

    def test_multi_company(self):
        other_company = self.env["res.company"].create({"name": "Elsewhere"})
        outsider = new_test_user(
            self.env,
            login="sub_outsider",
            groups="sales_team.group_sale_manager",
            company_id=other_company.id,
            company_ids=[other_company.id],
        )
        Change = self.env["sale.subscription.change"].with_user(outsider)
        self.assertFalse(Change.search([("subscription_id", "=", self.sub.id)]))
        with self.assertRaises(AccessError):
            self.sub.with_user(outsider).read(["mrr"])
        with self.assertRaises(AccessError):
            self.sub.change_ids.with_user(outsider).read(["mrr_delta"])
        Report = self.env["sale.subscription.mrr.report"].with_user(outsider)
        self.assertFalse(Report.search([("company_id", "=", self.company.id)]))

    def test_churn_is_per_customer_whoever_owns_the_subscriptions(self):
        other = self._subscription([(self.pro, 1)], user_id=self.other_salesman.id)
        self.assertTrue(other.revenue_active)
        sub = self.sub.with_user(self.salesman)
        self.assertFalse(
            sub.search([("id", "=", other.id)]), "the salesman does not see it"
        )
        sub.close_subscription(self.close_reason.id)
        self.assertEqual(
            self.sub.change_ids.sorted("id")[-1].change_type, "contraction"
        )
