# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import xmlrpc.client

from odoo import Command
from odoo.tests import new_test_user, tagged

from .xmlrpc_common import XmlrpcCase


@tagged("post_install", "-at_install")
class TestVoucherXmlrpc(XmlrpcCase):
    def test_readme_example_runs(self):
        self.assertEqual(
            self._run_readme_example("### Vouchers over XML-RPC"),
            ["2 available 500.0", "it is redeemed.", "True", "2 50.0"],
        )
        vouchers = self.env["customer.voucher"].search(
            [("partner_id.name", "=", "RPC Voucher Customer")]
        )
        self.assertEqual(sorted(vouchers.mapped("state")), ["available", "redeemed"])

    def test_bad_input_over_xmlrpc_writes_nothing(self):
        salesman = new_test_user(
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
            # the salesperson's voucher (one without a salesperson is the
            # managers')
            {
                "type_id": voucher_type.id,
                "partner_id": customer.id,
                "user_id": salesman.id,
            }
        )
        self.env.flush_all()
        call = self._call

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
