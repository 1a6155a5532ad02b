# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import xmlrpc.client

from odoo import Command
from odoo.tests import tagged

from .xmlrpc_common import XmlrpcCase


@tagged("post_install", "-at_install")
class TestSubscriptionXmlrpc(XmlrpcCase):
    def test_readme_example_runs(self):
        self.assertEqual(
            self._run_readme_example("### Subscriptions over XML-RPC"),
            [
                "upgrade 30.0 90.0",
                "A reason is required",
                "downgrade scheduled 2999-01-01",
                "90.0",
            ],
        )
        sub = self.env["sale.subscription"].search(
            [("partner_id.name", "=", "RPC Subscriber")]
        )
        self.assertEqual(
            sub.change_ids.sorted("id").mapped("change_type"),
            ["new", "upgrade", "downgrade"],
        )

    def test_errors_over_xmlrpc(self):
        salesman, other = (
            self._rpc_user(login, "sales_team.group_sale_salesman")
            for login in ("rpc_sub_salesman", "rpc_sub_other")
        )
        family = self.env["subscription.plan.family"].create({"name": "Fault Suite"})
        basic, pro = (
            self.env["product.product"].create(
                {
                    "name": name,
                    "list_price": price,
                    "plan_family_id": family.id,
                    "plan_tier": tier,
                    "taxes_id": False,
                }
            )
            for name, price, tier in (("Fault Basic", 10.0, 1), ("Fault Pro", 30.0, 2))
        )
        sub = self.env["sale.subscription"].create(
            {
                "partner_id": self.env["res.partner"].create({"name": "Fault Co"}).id,
                "template_id": self.env["sale.subscription.template"]
                .create({"name": "Fault Monthly"})
                .id,
                "pricelist_id": self.env["product.pricelist"]
                .create({"name": "Fault Plain"})
                .id,
                "user_id": salesman.id,
                "sale_subscription_line_ids": [
                    Command.create({"product_id": basic.id})
                ],
            }
        )
        sub.action_start_subscription()
        self.env.flush_all()
        call = self._call

        user = "rpc_sub_salesman"
        with self.assertRaisesRegex(xmlrpc.client.Fault, "positive number"):
            call(
                user, "sale.subscription", "change_plan", [sub.id], pro.id, quantity=-1
            )
        with self.assertRaisesRegex(xmlrpc.client.Fault, "already on plan"):
            call(user, "sale.subscription", "change_plan", [sub.id], basic.id)
        with self.assertRaisesRegex(xmlrpc.client.Fault, "does not exist"):
            call(user, "sale.subscription", "change_plan", [sub.id], 987654)
        with self.assertRaisesRegex(xmlrpc.client.Fault, "not allowed|access"):
            call(
                user,
                "sale.subscription.change",
                "create",
                {"subscription_id": sub.id, "change_type": "new", "mrr_after": 9.0},
            )
        with self.assertRaisesRegex(xmlrpc.client.Fault, "not allowed|access"):
            call("rpc_sub_other", "sale.subscription", "change_plan", [sub.id], pro.id)
        with self.assertRaisesRegex(xmlrpc.client.Fault, "not allowed|access"):
            call(user, "subscription.plan.family", "create", {"name": "Mine"})
        self.assertEqual(len(sub.change_ids), 1)
        change = call(user, "sale.subscription", "change_plan", [sub.id], pro.id)
        self.assertEqual(
            self.env["sale.subscription.change"].browse(change).change_type, "upgrade"
        )

    def test_done_movements_are_history_over_xmlrpc(self):
        manager = self._rpc_user("rpc_sub_manager", "sales_team.group_sale_manager")
        product = self.env["product.product"].create(
            {"name": "History Plan", "list_price": 40.0, "taxes_id": False}
        )
        sub = self.env["sale.subscription"].create(
            {
                "partner_id": self.env["res.partner"].create({"name": "History Co"}).id,
                "template_id": self.env["sale.subscription.template"]
                .create({"name": "History monthly"})
                .id,
                "pricelist_id": self.env["product.pricelist"]
                .create({"name": "History"})
                .id,
                "user_id": manager.id,
                "sale_subscription_line_ids": [
                    Command.create({"product_id": product.id})
                ],
            }
        )
        sub.action_start_subscription()
        change = sub.change_ids
        self.assertEqual(change.state, "done")
        login = manager.login
        Change = "sale.subscription.change"
        for vals in ({"state": "scheduled"}, {"state": "cancelled"}, {"mrr_after": 1}):
            with self.assertRaisesRegex(xmlrpc.client.Fault, "history"):
                self._call(login, Change, "write", [change.id], vals)
        with self.assertRaisesRegex(xmlrpc.client.Fault, "history"):
            self._call(login, Change, "unlink", [change.id])
        self.assertTrue(self._call(login, Change, "write", [change.id], {"note": "ok"}))
        change.invalidate_recordset()
        self.assertEqual((change.state, change.mrr_after), ("done", 40.0))
