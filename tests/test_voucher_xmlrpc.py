# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import contextlib
import io
import re
import xmlrpc.client
from pathlib import Path

from odoo import Command
from odoo.tests import HttpCase, get_db_name, new_test_user, tagged

README = Path(__file__).resolve().parents[1] / "README.md"


@tagged("post_install", "-at_install")
class TestVoucherXmlrpc(HttpCase):
    def test_readme_example_runs(self):
        text = README.read_text(encoding="utf-8")
        section = text[text.index("### Vouchers over XML-RPC") :]
        code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
        code = code.replace(
            '"http://localhost:8069", "customer_value", "admin", "admin"',
            f'"{self.base_url()}", "{get_db_name()}", "admin", "admin"',
        )
        self.assertIn(self.base_url(), code)
        self.env.ref("base.user_admin").password = "admin"
        self.env.flush_all()
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            exec(code, {})  # noqa: S102 - our own README
        self.assertEqual(
            output.getvalue().splitlines(),
            ["2 available 500.0", "it is redeemed.", "True", "2 50.0"],
        )
        vouchers = self.env["customer.voucher"].search(
            [("partner_id.name", "=", "RPC Voucher Customer")]
        )
        self.assertEqual(sorted(vouchers.mapped("state")), ["available", "redeemed"])

    def test_bad_input_over_xmlrpc_writes_nothing(self):
        new_test_user(
            self.env,
            login="rpc_voucher_salesman",
            password="rpc_voucher_salesman",
            groups="sales_team.group_sale_salesman",
        )
        customer = self.env["res.partner"].create(
            {"name": "RPC Portal Co", "is_company": True, "email": "p@rpc.example"}
        )
        portal_partner = self.env["res.partner"].create(
            {"name": "RPC Portal Person", "parent_id": customer.id}
        )
        self.env["res.users"].create(
            {
                "name": "RPC Portal Person",
                "login": "rpc_voucher_portal",
                "password": "rpc_voucher_portal",
                "partner_id": portal_partner.id,
                "groups_id": [Command.set([self.env.ref("base.group_portal").id])],
            }
        )
        voucher_type = self.env["customer.voucher.type"].create(
            {"name": "RPC Support", "value": 100.0}
        )
        voucher = self.env["customer.voucher"].create(
            {"type_id": voucher_type.id, "partner_id": customer.id, "user_id": False}
        )
        self.env.flush_all()
        url = self.base_url()
        models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", allow_none=True)

        def call(login, model, method, *args, **kwargs):
            uid = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common").authenticate(
                get_db_name(), login, login, {}
            )
            return models.execute_kw(
                get_db_name(), uid, login, model, method, list(args), kwargs
            )

        user = "rpc_voucher_salesman"
        base = {"type_id": voucher_type.id, "partner_id": customer.id}
        count = self.env["customer.voucher"].search_count([])
        for values, message in (
            (
                {"issue_date": "2026-06-01", "expiry_date": "2026-01-01"},
                "before the issue",
            ),
            ({"value": -5.0}, "cannot be negative"),
            ({"type_id": 987654}, "Voucher Type: no record with id 987654"),
            ({"code": voucher.code}, "already exists"),
        ):
            with self.subTest(values=values):
                with self.assertRaisesRegex(xmlrpc.client.Fault, message):
                    call(user, "customer.voucher", "create", dict(base, **values))
        self.assertEqual(self.env["customer.voucher"].search_count([]), count)
        # The portal user reads the voucher, but cannot redeem it.
        [read] = call(
            "rpc_voucher_portal", "customer.voucher", "read", [voucher.id], ["code"]
        )
        self.assertEqual(read["code"], voucher.code)
        with self.assertRaisesRegex(xmlrpc.client.Fault, "not allowed|access"):
            call(
                "rpc_voucher_portal", "customer.voucher", "action_redeem", [voucher.id]
            )
        with self.assertRaisesRegex(xmlrpc.client.Fault, "not allowed|access"):
            call(user, "customer.voucher.type", "create", {"name": "Mine"})
        self.assertEqual(
            call(user, "customer.voucher", "action_redeem", [voucher.id], note="Hours"),
            True,
        )
        voucher.invalidate_recordset()
        self.assertEqual(voucher.state, "redeemed")
