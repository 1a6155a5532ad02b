# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""What salespeople and managers found over XML-RPC, as those users."""

import xmlrpc.client

from freezegun import freeze_time

from odoo.tests import new_test_user, tagged

from .common import CrossgradeCommon
from .voucher_common import VoucherCommon
from .xmlrpc_common import XmlrpcCase

Fault = xmlrpc.client.Fault


@tagged("post_install", "-at_install")
class TestVoucherRightsXmlrpc(XmlrpcCase, VoucherCommon):
    def test_reminder_log_is_readable_and_guards_history(self):
        voucher = self._voucher(issue_date="2026-01-01", user_id=self.salesman.id)
        with freeze_time("2026-01-31"):
            self.env["customer.voucher"]._cron_send_reminders()
        for login in (self.salesman.login, self.manager.login):
            rows = self._call(
                login,
                "customer.voucher.reminder",
                "search_read",
                [("voucher_id", "=", voucher.id)],
                ["status", "company_id"],
            )
            self.assertEqual(len(rows), 1, login)
            self.assertEqual(rows[0]["company_id"][0], self.company.id)
        manager = self.manager.login
        self._call(manager, "customer.voucher", "action_cancel", [voucher.id])
        with self.assertRaisesRegex(Fault, "history"):
            self._call(manager, "customer.voucher", "unlink", [voucher.id])
        with self.assertRaisesRegex(Fault, "history"):
            self._call(
                manager,
                "customer.voucher.reminder.step",
                "unlink",
                voucher.reminder_ids.step_id.ids,
            )

    def test_voucher_fields_change_only_as_decided(self):
        voucher = self._voucher(issue_date="2026-01-01", user_id=self.salesman.id)
        salesman, manager = self.salesman.login, self.manager.login
        for vals in (
            {"expiry_date": "2030-01-01"},
            {"value": 5000.0},
            {"state": "redeemed"},
            {"extended": True},
        ):
            with self.subTest(vals=vals), self.assertRaisesRegex(Fault, "Only|only"):
                self._call(salesman, "customer.voucher", "write", [voucher.id], vals)
        # A manager corrects the value of an available voucher, in the chatter.
        self._call(manager, "customer.voucher", "write", [voucher.id], {"value": 450})
        voucher.invalidate_recordset()
        self.assertEqual(voucher.value, 450.0)
        self.assertTrue(
            voucher.message_ids.tracking_value_ids.filtered(
                lambda t: t.field_id.name == "value"
            )
        )
        # Redeemed: nobody writes it back to available, nor changes its value.
        self._call(salesman, "customer.voucher", "action_redeem", [voucher.id])
        for login in (salesman, manager):
            with self.assertRaisesRegex(Fault, "only through its actions"):
                self._call(
                    login,
                    "customer.voucher",
                    "write",
                    [voucher.id],
                    {"state": "available"},
                )
        with self.assertRaisesRegex(Fault, "is redeemed"):
            self._call(manager, "customer.voucher", "write", [voucher.id], {"value": 1})
        voucher.invalidate_recordset()
        self.assertEqual((voucher.state, voucher.value), ("redeemed", 450.0))
        # Extending stays a manager's action, once.
        other = self._voucher(issue_date="2025-03-01", user_id=self.salesman.id)
        with freeze_time("2026-02-20"):
            with self.assertRaisesRegex(Fault, "Only Sales managers"):
                self._call(salesman, "customer.voucher", "action_extend", [other.id])
            self._call(manager, "customer.voucher", "action_extend", [other.id])
            with self.assertRaisesRegex(Fault, "already extended"):
                self._call(manager, "customer.voucher", "action_extend", [other.id])


@tagged("post_install", "-at_install")
class TestCrossgradeRightsXmlrpc(XmlrpcCase, CrossgradeCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.colleague = new_test_user(
            cls.env,
            login="cg_colleague",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company.id,
        )

    def _rpc_quote(self, login, qty=10):
        return self._call(
            login,
            "sale.order",
            "create",
            {
                "partner_id": self.customer.id,
                "pricelist_id": self.pricelist.id,
                "order_line": [
                    (0, 0, {"product_id": self.product.id, "product_uom_qty": qty})
                ],
            },
        )

    def test_verified_facts_changed_go_back_to_declared(self):
        origin = self._origin(seats=1, user_id=self.salesman.id)
        self.assertEqual(origin.state, "verified")
        self._call(
            self.salesman.login,
            "crossgrade.origin",
            "write",
            [origin.id],
            {"seats": 500},
        )
        origin.invalidate_recordset()
        self.assertEqual((origin.seats, origin.state), (500, "declared"))
        self.assertFalse(origin.verified_by_id)
        self.assertIn("Back to declared", " ".join(origin.message_ids.mapped("body")))
        # declared: the verified-only crossgrade rule no longer prices it
        order = self.env["sale.order"].browse(self._rpc_quote(self.salesman.login))
        self.assertFalse(order.order_line.crossgrade_origin_id)
        # a note does not need a new verification
        origin.sudo().write({"state": "verified", "verified_by_id": self.manager.id})
        self._call(
            self.salesman.login,
            "crossgrade.origin",
            "write",
            [origin.id],
            {"note": "ok"},
        )
        origin.invalidate_recordset()
        self.assertEqual(origin.state, "verified")

    def test_colleague_quotes_confirms_and_cancels(self):
        origin = self._origin(
            seats=100, user_id=self.salesman.id, verified_by_id=self.manager.id
        )
        login = self.colleague.login
        order_id = self._rpc_quote(login)
        [read] = self._call(
            login,
            "sale.order.line",
            "search_read",
            [("order_id", "=", order_id)],
            ["crossgrade_origin_id", "crossgrade_explanation", "price_subtotal"],
        )
        self.assertEqual(read["crossgrade_origin_id"][0], origin.id)
        self.assertIn("Crossgrade price", read["crossgrade_explanation"])
        self.assertAlmostEqual(read["price_subtotal"], 750.0)
        self._call(login, "sale.order", "action_confirm", [order_id])
        origin.invalidate_recordset()
        self.assertEqual(origin.state, "migrated")
        order = self.env["sale.order"].browse(order_id)
        self.assertEqual(order.crossgrade_migration_ids.origin_id, origin)
        # the colleague still cannot edit the origin
        with self.assertRaisesRegex(Fault, "access|not allowed"):
            self._call(login, "crossgrade.origin", "write", [origin.id], {"note": "x"})
        self._call(
            login,
            "sale.order",
            "action_cancel",
            [order_id],
            context={"disable_cancel_warning": True},
        )
        order.invalidate_recordset()
        self.assertEqual(order.state, "cancel")
        origin.invalidate_recordset()
        self.assertEqual(origin.state, "verified")
        self.assertFalse(origin.migrated_order_id)

    def test_one_origin_one_crossgrade_in_one_call(self):
        origin = self._origin(seats=100, user_id=self.salesman.id)
        login = self.salesman.login
        first, second = self._rpc_quote(login), self._rpc_quote(login)
        with self.assertRaisesRegex(Fault, "gives one crossgrade"):
            self._call(login, "sale.order", "action_confirm", [first, second])
        orders = self.env["sale.order"].browse([first, second])
        orders.invalidate_recordset()
        self.assertEqual(set(orders.mapped("state")), {"draft"})
        self.assertFalse(orders.crossgrade_migration_ids)
        self.assertEqual(origin.state, "verified")
        self._call(login, "sale.order", "action_confirm", [first])
        with self.assertRaisesRegex(Fault, "no longer eligible"):
            self._call(login, "sale.order", "action_confirm", [second])
        orders.invalidate_recordset()
        self.assertEqual(len(orders.crossgrade_migration_ids), 1)

    def test_migrated_origin_is_frozen(self):
        origin = self._origin(seats=100, user_id=self.salesman.id)
        order_id = self._rpc_quote(self.salesman.login)
        self._call(self.salesman.login, "sale.order", "action_confirm", [order_id])
        for login in (self.salesman.login, self.manager.login):
            with self.assertRaisesRegex(Fault, "migrated"):
                self._call(
                    login, "crossgrade.origin", "write", [origin.id], {"seats": 3}
                )
