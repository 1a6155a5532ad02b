# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Bad input over XML-RPC, everywhere: every create/write of the addon's
models and its public methods, with wrong types, unknown ids and ids of
another company, answer with a message, never a server traceback, and write
nothing."""

import xmlrpc.client

from odoo import fields
from odoo.tests import new_test_user, tagged

from .rights_common import sample_records
from .xmlrpc_common import XmlrpcCase

# What a clean refusal never contains: a server traceback or its usual causes.
FORBIDDEN = ("Traceback", "psycopg2", "KeyError", "TypeError", "IndexError")
UNKNOWN_ID = 2**31 - 1
BAD_VALUES = {
    "many2one": ["not an id", -1, UNKNOWN_ID, [1], {"id": 1}, 2.5],
    "one2many": ["not a list", [[6, 0, "x"]], [[4, UNKNOWN_ID]], [[0, 0, "x"]]],
    "many2many": ["not a list", [[6, 0, "x"]], [[4, UNKNOWN_ID]], ["x"]],
    "integer": ["many", [], {"n": 1}, 2.5],
    "float": ["much", [], {"n": 1}],
    "monetary": ["much", [], {"n": 1}],
    "char": [123, [], {"s": 1}],
    "text": [123, [], {"s": 1}],
    "html": [123, []],
    "date": ["not a date", "2026-13-45", 123, []],
    "datetime": ["not a time", 123, []],
    "selection": ["no_such_key", 3, []],
    "boolean": ["yes", []],
}


@tagged("post_install", "-at_install")
class TestBadInputXmlrpc(XmlrpcCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env, login="bad_input_manager", groups="sales_team.group_sale_manager"
        )
        cls.records = sample_records(cls.env, cls.env.company, cls.manager)
        company2 = cls.env["res.company"].create({"name": "Bad Input Second"})
        cls.foreign_partner = cls.env["res.partner"].create(
            {"name": "Elsewhere", "company_id": company2.id}
        )

    def setUp(self):
        super().setUp()
        self.problems = []

    def tearDown(self):
        self.assertFalse(self.problems, "\n".join(self.problems))
        super().tearDown()

    def assertClean(self, call, *args, **kwargs):
        """The call succeeds, or fails with a message (no traceback); the
        problems are listed together when the test ends."""
        try:
            return self._call(self.manager.login, *args, **kwargs)
        except xmlrpc.client.Fault as fault:
            if any(marker in fault.faultString for marker in FORBIDDEN):
                last = fault.faultString.strip().splitlines()[-1]
                self.problems.append(f"{call}: {last}")
            return fault

    def _models(self):
        return [
            name
            for name, model in self.env.registry.items()
            if model._original_module == "customer_value"
            and not model._abstract
            and model._auto
            and not model._transient
        ]

    def test_create_and_write(self):
        login = self.manager.login
        for model in self._models():
            specs = self._call(login, model, "fields_get", [], ["type", "readonly"])
            record = self.records.get(model)
            count = self.env[model].sudo().search_count([])
            before = record.sudo().read()[0] if record else None
            for name, spec in specs.items():
                if spec.get("readonly") or name in ("id", "display_name"):
                    continue
                values = BAD_VALUES.get(spec["type"], [])
                if spec["type"] == "many2one" and name == "partner_id":
                    values = [*values, self.foreign_partner.id]
                for value in values:
                    label = f"{model}.{name}={value!r}"
                    self.assertClean(label, model, "create", {name: value})
                    if record:
                        self.assertClean(
                            label, model, "write", record.ids, {name: value}
                        )
            # nothing half written
            self.env.invalidate_all()
            self.assertEqual(self.env[model].sudo().search_count([]), count, model)
            if record:
                after = record.sudo().read()[0]
                for key in ("write_date", "__last_update"):
                    before.pop(key, None), after.pop(key, None)
                changed = {key for key in before if before[key] != after.get(key)} - {
                    "message_ids",
                    "website_message_ids",
                    "message_follower_ids",
                }
                self.assertFalse(changed, f"{model}: {changed}")

    def test_public_methods(self):
        sub = self.records["sale.subscription"]
        plan = self.records["plan"].id
        customer = self.records["customer.referral"].referrer_id.id
        today = fields.Date.to_string(fields.Date.context_today(sub))
        calls = [
            ("sale.subscription", "change_plan", [sub.ids, "abc"], {}),
            ("sale.subscription", "change_plan", [sub.ids, None], {}),
            ("sale.subscription", "change_plan", [sub.ids, []], {}),
            ("sale.subscription", "change_plan", [sub.ids, UNKNOWN_ID], {}),
            ("sale.subscription", "change_plan", [sub.ids, -3], {}),
            ("sale.subscription", "change_plan", [sub.ids, plan], {"reason_id": "x"}),
            ("sale.subscription", "change_plan", [sub.ids, plan], {"quantity": "x"}),
            ("sale.subscription", "change_plan", [sub.ids, plan], {"quantity": -2}),
            (
                "sale.subscription",
                "change_plan",
                [sub.ids, plan],
                {"effective_date": "someday"},
            ),
            (
                "sale.subscription",
                "change_plan",
                [sub.ids, plan],
                {"effective_date": today, "proration_mode": 5},
            ),
            ("sale.subscription", "change_plan", [[UNKNOWN_ID], plan], {}),
            ("sale.subscription", "change_plan", [[], plan], {}),
            ("customer.voucher", "action_redeem", [[UNKNOWN_ID]], {}),
            ("customer.voucher", "action_redeem", [[]], {"note": ["x"]}),
            ("customer.voucher", "action_extend", [[UNKNOWN_ID]], {}),
            ("customer.voucher", "action_cancel", [[UNKNOWN_ID]], {}),
            ("customer.voucher", "action_send_reminder", [[]], {}),
            ("crossgrade.origin", "action_verify", [[UNKNOWN_ID]], {}),
            ("crossgrade.origin", "action_reject", [[UNKNOWN_ID]], {}),
            ("sale.subscription.change", "action_cancel", [[UNKNOWN_ID]], {}),
            ("customer.referral", "submit", ["abc", [{"name": "X"}]], {}),
            ("customer.referral", "submit", [UNKNOWN_ID, [{"name": "X"}]], {}),
            ("customer.referral", "submit", [customer, "not a list"], {}),
            ("customer.referral", "submit", [customer, [{"name": ["X"]}]], {}),
            ("customer.referral", "submit", [customer, [None, 3]], {}),
            ("customer.referral", "submit", [customer, []], {"source": 5}),
            ("customer.referral", "action_view_lead", [[UNKNOWN_ID]], {}),
            ("customer.referral", "action_view_lead", [[]], {}),
            ("customer.referral", "action_qualify", [[UNKNOWN_ID]], {}),
            ("customer.referral", "action_qualify", [[]], {}),
            ("customer.referral", "action_qualify", [[-1, "x"]], {}),
            ("customer.referral", "action_erase_personal_data", [[UNKNOWN_ID]], {}),
            ("customer.referral", "action_erase_personal_data", [[]], {}),
            ("customer.referral", "action_erase_personal_data", [[-1, "x"]], {}),
            ("customer.referral", "submit", [customer, [{"note": 5}]], {}),
        ]
        feedback = self.records["customer.feedback"]
        touchpoint = feedback.touchpoint_id.id
        contact = feedback.partner_id.id
        calls += [
            ("customer.feedback", "request_feedback", ["abc", contact], {}),
            ("customer.feedback", "request_feedback", [UNKNOWN_ID, contact], {}),
            ("customer.feedback", "request_feedback", [touchpoint, [contact]], {}),
            ("customer.feedback", "request_feedback", [touchpoint, contact, "x"], {}),
            (
                "customer.feedback",
                "request_feedback",
                [touchpoint, contact, ["res.partner"], contact],
                {},
            ),
            (
                "customer.feedback",
                "request_feedback",
                [touchpoint, contact, "res.partner", "abc"],
                {},
            ),
            (
                "customer.feedback",
                "request_feedback",
                [touchpoint, contact, "no.such.model", 1],
                {},
            ),
            ("customer.feedback", "record_answer", [[UNKNOWN_ID], 5], {}),
            ("customer.feedback", "record_answer", [[], 5], {}),
            ("customer.feedback", "record_answer", [feedback.ids, "five"], {}),
            ("customer.feedback", "record_answer", [feedback.ids, [5]], {}),
            ("customer.feedback", "record_answer", [feedback.ids, 99], {}),
            (
                "customer.feedback",
                "record_answer",
                [feedback.ids, 3],
                {"comment": ["x"]},
            ),
            (
                "customer.feedback",
                "record_answer",
                [feedback.ids, 3],
                {"source": "email"},
            ),
            ("customer.feedback", "record_answer", [feedback.ids, 3], {"source": []}),
            ("customer.feedback", "action_resolve_followup", [feedback.ids, 5], {}),
            (
                "customer.feedback",
                "action_resolve_followup",
                [[UNKNOWN_ID], "solved"],
                {},
            ),
            (
                "customer.feedback",
                "action_resolve_followup",
                [feedback.ids, "solved"],
                {"note": ["x"]},
            ),
            ("customer.value.goal", "action_refresh", [[UNKNOWN_ID]], {}),
        ]
        quotation = self.records["sale.order"]
        companion = self.records["companion"].id
        calls += [
            (
                "sale.order",
                "action_add_recurring_companion",
                [quotation.ids, bad],
                {},
            )
            for bad in ("abc", None, [], UNKNOWN_ID, -3, 2.5, [companion], {"id": 1})
        ] + [
            ("sale.order", "action_add_recurring_companion", [[], companion], {}),
            (
                "sale.order",
                "action_add_recurring_companion",
                [[UNKNOWN_ID], companion],
                {},
            ),
            ("sale.order", "action_add_recurring_companion", [quotation.ids], {}),
            (
                "sale.order",
                "action_add_recurring_companion",
                [quotation.ids, self.records["plan"].id],
                {},
            ),
            (
                "product.product",
                "action_add_to_quotation_as_companion",
                [[companion]],
                {},
            ),
            (
                "product.product",
                "action_add_to_quotation_as_companion",
                [[UNKNOWN_ID]],
                {},
            ),
        ]
        lines = quotation.order_line
        check_in = self.records["customer.referral"].referrer_id.activity_schedule(
            "customer_value.mail_activity_check_in", user_id=self.manager.id
        )
        calls += [
            ("mail.activity", "action_done_ask_for_names", [[UNKNOWN_ID]], {}),
            ("mail.activity", "action_done_ask_for_names", [[]], {}),
            ("mail.activity", "action_done_ask_for_names", [["x"]], {}),
            (
                "mail.activity",
                "action_done_ask_for_names",
                [[*check_in.ids, UNKNOWN_ID]],
                {},
            ),
            (
                "mail.activity",
                "action_done_ask_for_names",
                [check_in.ids],
                {"feedback": ["x"]},
            ),
        ]
        offer = self.records["customer.next.offer"]
        calls += [
            ("customer.next.offer", "action_dismiss", [[UNKNOWN_ID], "x"], {}),
            ("customer.next.offer", "action_dismiss", [[], "x"], {}),
            ("customer.next.offer", "action_dismiss", [offer.ids], {}),
            ("customer.next.offer", "action_dismiss", [offer.ids, ""], {}),
            ("customer.next.offer", "action_dismiss", [offer.ids, 5], {}),
            ("customer.next.offer", "action_dismiss", [offer.ids, ["x"]], {}),
            ("customer.next.offer", "action_dismiss", [offer.ids], {"reason": {}}),
            ("customer.next.offer", "action_create_opportunity", [[UNKNOWN_ID]], {}),
            ("customer.next.offer", "action_create_opportunity", [[]], {}),
            ("customer.next.offer", "action_open_dismiss", [[UNKNOWN_ID]], {}),
            ("customer.next.offer", "action_open_dismiss", [[]], {}),
            ("res.partner", "action_compute_next_offers", [[UNKNOWN_ID]], {}),
        ]
        state = sub.sudo().read(["mrr", "plan_product_id"])[0]
        referral = self.records["customer.referral"]
        referral_state = referral.sudo().read(["name", "qualified_date", "email"])[0]
        offer_state = offer.sudo().read(["state", "dismiss_reason", "lead_id"])[0]
        for model, method, args, kwargs in calls:
            self.assertClean(
                f"{model}.{method}{args}{kwargs}", model, method, *args, **kwargs
            )
        sub.invalidate_recordset()
        self.assertEqual(sub.sudo().read(["mrr", "plan_product_id"])[0], state)
        quotation.invalidate_recordset()
        self.assertEqual(quotation.order_line, lines)
        offer.invalidate_recordset()
        self.assertEqual(
            offer.sudo().read(["state", "dismiss_reason", "lead_id"])[0], offer_state
        )
        referral.invalidate_recordset()
        self.assertEqual(
            referral.sudo().read(["name", "qualified_date", "email"])[0],
            referral_state,
        )
        self.assertTrue(check_in.exists())
