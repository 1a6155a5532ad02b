# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import contextlib
import io
import re
import xmlrpc.client
from pathlib import Path

from odoo.tests import HttpCase, get_db_name, tagged

README = Path(__file__).resolve().parents[1] / "README.md"


@tagged("post_install", "-at_install")
class TestCrossgradeXmlrpc(HttpCase):
    def _readme_example(self):
        text = README.read_text(encoding="utf-8")
        section = text[text.index("### XML-RPC") :]
        code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
        settings = 'url, db, username, password = "http://localhost:8069", '
        self.assertIn(settings, code)
        return code.replace(
            '"http://localhost:8069", "customer_value", "admin", "admin"',
            f'"{self.base_url()}", "{get_db_name()}", "admin", "admin"',
        )

    def test_readme_example_runs(self):
        self.env.ref("base.user_admin").password = "admin"
        self.env.flush_all()
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            exec(self._readme_example(), {})  # noqa: S102 - our own README
        lines = output.getvalue().splitlines()
        self.assertEqual(len(lines), 3, output.getvalue())
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
        url = self.base_url()
        models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", allow_none=True)

        def call(login, model, method, *args):
            uid = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common").authenticate(
                get_db_name(), login, login, {}
            )
            return models.execute_kw(
                get_db_name(), uid, login, model, method, list(args)
            )

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
