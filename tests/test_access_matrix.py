# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Who may do what, for every model of the addon, checked as each kind of user
against the table in README.md ("Rights, as tested")."""

import re
from pathlib import Path

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged

from .rights_common import FIELD_GROUPS, sample_records

README = Path(__file__).resolve().parents[1] / "README.md"
USERS = ("portal", "own", "all", "manager", "internal", "other_company")
# Model access per user: c(reate) r(ead) w(rite) d(elete).
CATALOGUE = {"portal": "", "own": "r", "all": "r", "manager": "crwd"}
DOCUMENT = {"portal": "", "own": "crw", "all": "crw", "manager": "crwd"}
LOG = {"portal": "", "own": "r", "all": "r", "manager": "r"}
ACL = {
    "crossgrade.competitor": CATALOGUE,
    "crossgrade.competitor.product": CATALOGUE,
    "crossgrade.check.template": CATALOGUE,
    "crossgrade.origin": DOCUMENT,
    "crossgrade.migration": DOCUMENT,
    "crossgrade.migration.check": DOCUMENT,
    "crossgrade.win.report": LOG,
    "customer.companion.attach.report": LOG,
    "subscription.plan.family": CATALOGUE,
    "subscription.plan.feature": CATALOGUE,
    "subscription.plan.feature.value": CATALOGUE,
    "sale.subscription.change.reason": CATALOGUE,
    "sale.subscription.change": {**LOG, "manager": "rwd"},
    "sale.subscription.retention": {**LOG, "manager": "rw"},
    "sale.subscription.mrr.report": {**LOG, "own": ""},
    "sale.subscription.change.plan.wizard": {
        "portal": "",
        "own": "crwd",
        "all": "crwd",
        "manager": "crwd",
    },
    "customer.voucher.type": {**CATALOGUE, "portal": "r"},
    "customer.voucher.grant": CATALOGUE,
    "customer.voucher.reminder.step": CATALOGUE,
    "customer.voucher": {**DOCUMENT, "portal": "r"},
    "customer.voucher.reminder": LOG,
    "customer.feedback.touchpoint": {**CATALOGUE, "portal": "r"},
    "customer.feedback": {**DOCUMENT, "portal": "r"},
    "customer.feedback.report": LOG,
    "customer.health.rule": {"portal": "", "own": "r", "all": "r", "manager": "rw"},
    "customer.health.reason": LOG,
    "customer.health.snapshot": LOG,
    "customer.value.goal": {"portal": "", "own": "", "all": "", "manager": "crwd"},
    "customer.referral": {**DOCUMENT, "portal": "r"},
    "customer.referral.intake": {
        "portal": "",
        "own": "crwd",
        "all": "crwd",
        "manager": "crwd",
    },
    "customer.referral.intake.line": {
        "portal": "",
        "own": "crwd",
        "all": "crwd",
        "manager": "crwd",
    },
    "customer.feedback.answer.wizard": {
        "portal": "",
        "own": "crwd",
        "all": "crwd",
        "manager": "crwd",
    },
    "customer.feedback.resolve.wizard": {
        "portal": "",
        "own": "crwd",
        "all": "crwd",
        "manager": "crwd",
    },
    # written by the nightly job; salespeople offer or dismiss them
    "customer.next.offer": {"portal": "", "own": "rw", "all": "rw", "manager": "crwd"},
    "customer.whitespace.report": LOG,
}
for rights in ACL.values():
    rights.setdefault("internal", "")  # an internal user without sales rights
    rights.setdefault("other_company", rights["all"])
# Reading a record of the first company that a colleague owns.
OWNED = {
    "crossgrade.origin",
    "crossgrade.migration",
    "crossgrade.migration.check",
    "sale.subscription.change",
    "sale.subscription.retention",
    "customer.voucher",
    "customer.voucher.reminder",
    "customer.feedback",
    "customer.feedback.report",
    "customer.referral",
    "customer.companion.attach.report",
    "customer.next.offer",
}
# Public actions on a colleague's records: who may run them.
ACTIONS = {
    ("crossgrade.origin", "action_verify"): {"manager"},
    ("crossgrade.origin", "action_reject"): {"manager"},
    ("customer.voucher", "action_redeem"): {"all", "manager"},
    ("customer.voucher", "action_cancel"): {"all", "manager"},
    ("customer.voucher", "action_send_reminder"): {"all", "manager"},
    ("customer.voucher", "action_extend"): {"manager"},
    ("customer.feedback", "record_answer"): {"all", "manager"},
    ("customer.feedback", "action_resolve_followup"): {"all", "manager"},
    ("sale.subscription", "change_plan"): {"all", "manager"},
    ("sale.subscription", "action_close_subscription"): {"all", "manager"},
    ("sale.subscription.change", "action_cancel"): {"all", "manager"},
    ("customer.value.goal", "action_refresh"): {"manager"},
    ("customer.referral", "action_view_lead"): {"all", "manager"},
    ("customer.referral", "action_qualify"): {"all", "manager"},
    ("customer.referral", "action_erase_personal_data"): {"manager"},
    ("sale.order", "action_add_recurring_companion"): {"all", "manager"},
    ("customer.next.offer", "action_create_opportunity"): {"all", "manager"},
    ("customer.next.offer", "action_dismiss"): {"all", "manager"},
    ("customer.next.offer", "action_open_dismiss"): {"all", "manager"},
    # any salesperson who may mark the check-in done in Odoo (the customer's
    # contact card is not "own documents" nor bound to a company)
    ("mail.activity", "action_done_ask_for_names"): {
        "own",
        "all",
        "manager",
        "other_company",
    },
    # any customer they read, in their own company (the offers they then
    # see follow their rules)
    ("res.partner", "action_compute_next_offers"): {
        "own",
        "all",
        "manager",
        "other_company",
    },
}
# Fields of the addon's models that only some users read: the referral's deal,
# rejection reason, salesperson, rewards and figures are the sales team's (the
# referrer's portal user reads the names and a neutral status).


@tagged("post_install", "-at_install")
class TestAccessMatrix(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        company = cls.env.company
        cls.company2 = cls.env["res.company"].create({"name": "Matrix Second"})
        groups = {
            "portal": "base.group_portal",
            "own": "sales_team.group_sale_salesman",
            "all": "sales_team.group_sale_salesman_all_leads",
            "manager": "sales_team.group_sale_manager",
            "internal": "base.group_user",
        }
        cls.users = {
            kind: new_test_user(cls.env, login=f"matrix_{kind}", groups=group)
            for kind, group in groups.items()
        }
        cls.users["other_company"] = new_test_user(
            cls.env,
            login="matrix_other_company",
            groups="sales_team.group_sale_salesman_all_leads",
            company_id=cls.company2.id,
            company_ids=[Command.set(cls.company2.ids)],
        )
        owner = new_test_user(
            cls.env,
            login="matrix_owner",
            groups="sales_team.group_sale_salesman_all_leads",
        )
        cls.records = sample_records(cls.env, company, owner)
        # a check-in with the owner's customer (salespeople ask it for names)
        cls.records["mail.activity"] = cls.records[
            "customer.referral"
        ].referrer_id.activity_schedule(
            "customer_value.mail_activity_check_in", user_id=owner.id
        )

    def _run(self, func):
        """True when ``func`` runs, False on an access error; rolled back."""
        savepoint = self.env.cr.savepoint()
        try:
            func()
            return True
        except AccessError:
            return False
        finally:
            savepoint.close(rollback=True)
            self.env.invalidate_all()

    def test_every_model_has_a_row(self):
        models = {
            name
            for name, model in self.env.registry.items()
            if model._original_module == "customer_value" and not model._abstract
        }
        self.assertEqual(models, set(ACL))

    def test_model_access(self):
        for model, rights in ACL.items():
            for kind in USERS:
                Model = self.env[model].with_user(self.users[kind])
                allowed = "".join(
                    letter
                    for letter, operation in (
                        ("c", "create"),
                        ("r", "read"),
                        ("w", "write"),
                        ("d", "unlink"),
                    )
                    if Model.browse().has_access(operation)
                )
                self.assertEqual(allowed, rights[kind], f"{model} as {kind}")

    def _sees(self, kind, model):
        """Whether ``kind`` reads a colleague's record of ``model`` in the first
        company: not in another company, not another's document with "own
        documents", nothing but the voucher types on the portal (their vouchers
        only)."""
        if "r" not in ACL[model][kind] or kind == "other_company":
            return False
        if kind == "portal":
            return model in ("customer.voucher.type", "customer.feedback.touchpoint")
        return kind != "own" or model not in OWNED

    def test_records_of_a_colleague_in_the_first_company(self):
        for model, record in self.records.items():
            if model not in ACL:
                continue
            for kind in USERS:
                with self.subTest(model=model, user=kind):
                    self.assertEqual(
                        record.with_user(self.users[kind]).has_access("read"),
                        self._sees(kind, model),
                    )

    def test_records_of_a_customer_without_salesperson(self):
        """Nobody's documents (a customer without a salesperson) are the
        managers' and "all documents"', not every salesperson's: "own
        documents" reads none of them, nor the company's figures built on
        them; a follow-up assigned to them is theirs."""
        company = self.env.company
        nobody = sample_records(self.env, company, self.env["res.users"], " (nobody)")
        customer = nobody["customer.voucher"].partner_id
        self.assertFalse(customer.user_id)
        for model in ("sale.subscription", "customer.feedback", "customer.referral"):
            self.assertFalse(nobody[model].sudo().user_id, model)
        nobody["customer.health.reason"] = self.env["customer.health.reason"].create(
            {
                "partner_id": customer.id,
                "name": "No answer",
                "company_id": company.id,
                "rule_id": self.env["customer.health.rule"].search([], limit=1).id,
            }
        )
        nobody["customer.health.snapshot"] = self.env[
            "customer.health.snapshot"
        ].create(
            {
                "partner_id": customer.id,
                "company_id": company.id,
                "month": fields.Date.today().replace(day=1),
                "state": "critical",
            }
        )
        self.env.flush_all()  # the analysis is an SQL view
        subscription = nobody["sale.subscription"]
        nobody["sale.subscription.line"] = subscription.sale_subscription_line_ids
        owned = OWNED | {
            "customer.health.reason",
            "customer.health.snapshot",
            "sale.subscription",
            "sale.subscription.line",
        }
        for model in owned:
            record = nobody[model]
            self.assertTrue(record.exists(), model)
            for kind in ("own", "all", "manager"):
                with self.subTest(model=model, user=kind):
                    self.assertEqual(
                        record.with_user(self.users[kind]).has_access("read"),
                        kind != "own",
                    )
        # the company's NPS: the analysis of "own documents" leaves them out
        own = self.users["own"]
        Report = self.env["customer.feedback.report"].with_user(own)
        self.assertFalse(Report.search([("id", "=", nobody["customer.feedback"].id)]))
        # the follow-up assigned to them: they read and resolve it
        feedback = nobody["customer.feedback"]
        feedback.sudo()._apply_answer(3, None, "staff")
        self.assertEqual(feedback.sudo().followup_state, "open")
        feedback.sudo().followup_user_id = own
        self.assertTrue(feedback.with_user(own).has_access("read"))
        self.assertTrue(Report.search([("id", "=", feedback.id)]))
        feedback.with_user(own).action_resolve_followup("solved")
        self.assertEqual(feedback.sudo().followup_state, "resolved")
        # a colleague's follow-up of a customer not theirs: refused
        feedback.sudo()._apply_answer(2, None, "staff")
        feedback.sudo().followup_user_id = self.users["all"]
        with self.assertRaises(AccessError):
            feedback.with_user(own).action_resolve_followup("solved")

    def test_public_actions(self):
        self.maxDiff = None
        records = self.records
        calls = {
            "change_plan": lambda sub: sub.change_plan(
                records["plan"].id,
                reason_id=records["reason"].id,
                effective_date=fields.Date.context_today(sub),
            ),
            "action_redeem": lambda voucher: voucher.action_redeem(note="Course"),
            "action_add_recurring_companion": lambda order: (
                order.action_add_recurring_companion(records["companion"].id)
            ),
            "action_dismiss": lambda offer: offer.action_dismiss("Not for them"),
            "record_answer": lambda feedback: feedback.record_answer(3),
            "action_resolve_followup": lambda feedback: (
                feedback.sudo()._apply_answer(3, None, "staff"),
                feedback.action_resolve_followup("solved"),
            ),
        }
        found = {}
        for model, method in ACTIONS:
            call = calls.get(method, lambda rec, method=method: getattr(rec, method)())
            found[model, method] = {
                kind
                for kind in USERS
                if self._run(
                    lambda call=call, kind=kind, model=model: call(
                        records[model].with_user(self.users[kind])
                    )
                )
            }
        self.assertEqual(found, ACTIONS)

    def test_field_groups(self):
        for model, by_group in FIELD_GROUPS.items():
            restricted = {
                name
                for name, field in self.env[model]._fields.items()
                if field.groups and field._module == "customer_value"
            }
            self.assertEqual(restricted, set().union(*by_group.values()), model)
            for group, names in by_group.items():
                for name in names:
                    self.assertEqual(self.env[model]._fields[name].groups, group)
                for kind in USERS:
                    Model = self.env[model].with_user(self.users[kind])
                    allowed = self.users[kind].has_group(group)
                    with self.subTest(model=model, user=kind):
                        shown = set(Model.fields_get()) & names
                        self.assertEqual(shown, names if allowed else set())
        # every field with groups of a model the portal reads is in the table
        for model, rights in ACL.items():
            if "r" in rights["portal"]:
                guarded = {
                    name
                    for name, field in self.env[model]._fields.items()
                    if field.groups and field._module == "customer_value"
                }
                listed = set().union(*FIELD_GROUPS.get(model, {}).values())
                self.assertEqual(guarded, listed, model)
        # the contact's own feedback request, over the ORM as the portal user
        portal = self.users["portal"]
        feedback = self.records["customer.feedback"]
        feedback.partner_id = portal.partner_id
        feedback = feedback.with_user(portal)
        self.assertTrue(feedback.read(["state"]))
        for name in FIELD_GROUPS["customer.feedback"]["sales_team.group_sale_salesman"]:
            with self.assertRaises(AccessError, msg=name):
                feedback.read([name])
        # the referrer's own referral, over the ORM as the portal user
        portal = self.users["portal"]
        referral = self.records["customer.referral"]
        portal.partner_id.parent_id = referral.referrer_id
        referral = referral.with_user(portal)
        self.assertEqual(referral.read(["name"])[0]["name"], referral.sudo().name)
        for name in FIELD_GROUPS["customer.referral"]["sales_team.group_sale_salesman"]:
            with self.assertRaises(AccessError, msg=name):
                referral.read([name])

    def test_readme_table_is_this_table(self):
        text = README.read_text(encoding="utf-8")
        section = text[text.index("### Rights, as tested") :]
        rows = {}
        for line in section.splitlines()[1:]:
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            if line.startswith("## "):
                break
            if len(cells) == 1 + len(USERS) and cells[0].startswith("`"):
                rows[cells[0].strip("`")] = dict(
                    zip(
                        USERS,
                        [re.sub(r"[^crwd]", "", c) for c in cells[1:]],
                        strict=True,
                    )
                )
        self.assertEqual(rows, ACL)

    def test_internal_user_without_sales_rights_opens_a_contact(self):
        customer = self.records["customer.voucher"].partner_id
        Partner = self.env["res.partner"].with_user(self.users["internal"])
        views = Partner.get_views([(False, "form")])
        fields_shown = views["models"]["res.partner"]["fields"]
        self.assertNotIn("subscription_mrr", fields_shown)
        self.assertNotIn("voucher_count", fields_shown)
        ours = {
            name
            for name, field in self.env["res.partner"]._fields.items()
            if field._module == "customer_value"
        }
        self.assertTrue(ours)
        self.assertFalse(ours & set(fields_shown))
        for name in ours:
            self.assertEqual(
                self.env["res.partner"]._fields[name].groups,
                "sales_team.group_sale_salesman",
                name,
            )
        [values] = Partner.browse(customer.id).web_read({"name": {}, "email": {}})
        self.assertEqual(values["name"], customer.name)
        # a salesperson sees the figures
        Partner = self.env["res.partner"].with_user(self.users["own"])
        self.assertIn(
            "subscription_mrr",
            Partner.get_views([(False, "form")])["models"]["res.partner"]["fields"],
        )
