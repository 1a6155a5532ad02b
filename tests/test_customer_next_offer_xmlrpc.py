# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The next best offer over XML-RPC, as a salesperson: the calls of the
README example (compute a customer's offers, read them, make one an
opportunity, dismiss another), and the refusals."""

import xmlrpc.client

from odoo import Command
from odoo.tests import tagged

from .xmlrpc_common import XmlrpcCase


@tagged("post_install", "-at_install")
class TestCustomerNextOfferXmlrpc(XmlrpcCase):
    def test_public_methods_over_xmlrpc(self):
        env = self.env(context=dict(self.env.context, tracking_disable=True))
        env["ir.config_parameter"].sudo().set_param(
            "customer_value.next_offer_min_customers", 1
        )
        salesman = self._rpc_user("rpc_nbo_salesman", "sales_team.group_sale_salesman")
        firewall, backup, support = (
            env["product.product"].create({"name": name, "type": "service"})
            for name in ("RPC Firewall", "RPC Backup", "RPC Support")
        )
        Partner = env["res.partner"]
        for n, products in enumerate(
            ((firewall, backup), (firewall, backup), (firewall, support))
        ):
            env["sale.order"].create(
                {
                    "partner_id": Partner.create(
                        {"name": f"RPC Peer {n}", "is_company": True}
                    ).id,
                    "order_line": [
                        Command.create({"product_id": p.id}) for p in products
                    ],
                }
            ).action_confirm()
        customer = Partner.create(
            {"name": "RPC Prospect", "is_company": True, "user_id": salesman.id}
        )
        env["sale.order"].create(
            {
                "partner_id": customer.id,
                "order_line": [Command.create({"product_id": firewall.id})],
            }
        ).action_confirm()
        env["customer.next.offer"]._compute_all()

        def call(model, method, *args, **kwargs):
            return self._call("rpc_nbo_salesman", model, method, *args, **kwargs)

        self.assertTrue(
            call("res.partner", "action_compute_next_offers", [customer.id])
        )
        offers = call(
            "customer.next.offer",
            "search_read",
            [("partner_id", "=", customer.id), ("state", "=", "new")],
            ["product_tmpl_id", "support", "reason", "rank"],
            order="rank",
        )
        self.assertEqual(
            [o["product_tmpl_id"][1] for o in offers], ["RPC Backup", "RPC Support"]
        )
        self.assertIn(
            "of customers who use RPC Firewall also use RPC Backup", offers[0]["reason"]
        )
        action = call(
            "customer.next.offer", "action_create_opportunity", [offers[0]["id"]]
        )
        [lead] = call(
            "crm.lead", "read", [action["res_id"]], ["source_id", "user_id", "type"]
        )
        self.assertEqual(lead["source_id"][1], "Cross-sell")
        self.assertEqual(lead["user_id"][0], salesman.id)
        self.assertEqual(lead["type"], "opportunity")
        with self.assertRaisesRegex(xmlrpc.client.Fault, "reason is required"):
            call("customer.next.offer", "action_dismiss", [offers[1]["id"]])
        self.assertTrue(
            call(
                "customer.next.offer",
                "action_dismiss",
                [offers[1]["id"]],
                reason="Has support from its reseller",
            )
        )
        with self.assertRaisesRegex(xmlrpc.client.Fault, "already offered"):
            call("customer.next.offer", "action_create_opportunity", [offers[0]["id"]])
        states = call(
            "customer.next.offer",
            "read",
            [o["id"] for o in offers],
            ["state", "lead_id", "dismiss_reason"],
        )
        self.assertEqual([s["state"] for s in states], ["offered", "dismissed"])
        self.assertEqual(states[0]["lead_id"][0], action["res_id"])
        self.assertEqual(states[1]["dismiss_reason"], "Has support from its reseller")

    def test_readme_example(self):
        lines = self._run_readme_example("### Next offers over XML-RPC")
        self.assertEqual(
            lines,
            [
                "RPC Managed Backup 80%",
                "80 % of customers who use RPC Managed Firewall also use "
                "RPC Managed Backup",
                "Say why this offer is dismissed",
                "opportunity Cross-sell offered",
            ],
        )
