# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import xmlrpc.client

from odoo.tests import tagged

from .xmlrpc_common import XmlrpcCase


@tagged("post_install", "-at_install")
class TestCrossgradeXmlrpc(XmlrpcCase):
    def test_readme_example_runs(self):
        lines = self._run_readme_example("### XML-RPC")
        self.assertEqual(len(lines), 3, lines)
        self.assertIn("already Verified", lines[0])
        self.assertEqual(lines[1], "175.0 75.0")
        state, risk = lines[2].split()
        self.assertEqual(state, "planned")
        self.assertIn(risk, ("low", "medium", "high"))
        origin = self.env["crossgrade.origin"].search(
            [("partner_id.name", "=", "RPC Customer")]
        )
        self.assertEqual(origin.state, "migrated")

    def test_errors_over_xmlrpc(self):
        self.env.ref("base.user_admin").password = "admin"
        salesman = self.env["res.users"].create(
            {
                "name": "RPC Salesman",
                "login": "rpc_salesman",
                "password": "rpc_salesman",
                "groups_id": [
                    (6, 0, [self.env.ref("sales_team.group_sale_salesman").id])
                ],
            }
        )
        competitor = self.env["crossgrade.competitor"].create({"name": "Fault Rival"})
        rival_product = self.env["crossgrade.competitor.product"].create(
            {"name": "Suite", "competitor_id": competitor.id}
        )
        customer = self.env["res.partner"].create({"name": "Fault Customer"})
        self.env.flush_all()  # the server reads what the test wrote
        call = self._call

        vals = {"partner_id": customer.id, "competitor_product_id": rival_product.id}
        with self.assertRaisesRegex(xmlrpc.client.Fault, "cannot be negative"):
            call("rpc_salesman", "crossgrade.origin", "create", {**vals, "seats": -2})
        with self.assertRaisesRegex(xmlrpc.client.Fault, "missing: Competitor Product"):
            call(
                "rpc_salesman",
                "crossgrade.origin",
                "create",
                {"partner_id": customer.id},
            )
        origin_id = call(
            "rpc_salesman", "crossgrade.origin", "create", {**vals, "seats": 4}
        )
        with self.assertRaisesRegex(xmlrpc.client.Fault, "Only Sales managers"):
            call("rpc_salesman", "crossgrade.origin", "action_verify", [origin_id])
        self.assertEqual(
            self.env["crossgrade.origin"]
            .search([("partner_id", "=", customer.id)])
            .mapped("state"),
            ["declared"],
        )
        self.assertTrue(salesman)
