# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The addon's main forms on the web client's path (``odoo.tests.Form`` runs
the onchanges and sends what the view sends), as the users who use them:
create, change before the first save, save, edit, save; what is stored is
what the form showed. The quotation is in test_crossgrade_form.py, the
change-plan and close wizards in test_subscription_change_plan.py and
test_subscription_retention_trial.py."""

from datetime import date

from freezegun import freeze_time

from odoo import fields
from odoo.tests import Form, TransactionCase, new_test_user, tagged

from .common import CrossgradeCommon
from .subscription_common import SubscriptionCommon
from .voucher_common import VoucherCommon


def shown(form, names):
    """What the form shows, dates as the form holds them (strings)."""
    return {name: getattr(form, name) for name in names}


def stored(record, names):
    return {
        name: fields.Date.to_string(record[name])
        if record._fields[name].type == "date"
        else record[name]
        for name in names
    }


@tagged("post_install", "-at_install")
class TestCrossgradeForms(CrossgradeCommon):
    def test_origin(self):
        form = Form(self.env["crossgrade.origin"].with_user(self.salesman))
        form.partner_id = self.contact  # the customer's contact: its company
        form.competitor_product_id = self.rival_mail
        self.assertEqual(form.competitor_id, self.competitor)
        form.competitor_product_id = self.other_server
        self.assertEqual(form.competitor_id, self.other_competitor)
        form.seats = 12
        form.renewal_date = date(2027, 3, 31)
        origin = form.save()
        names = [
            "partner_id",
            "competitor_product_id",
            "competitor_id",
            "seats",
            "state",
        ]
        self.assertEqual(shown(form, names), stored(origin, names))
        self.assertEqual(origin.partner_id, self.customer)
        self.assertEqual(origin.state, "declared")
        with Form(origin.with_user(self.salesman)) as form:
            form.seats = 15
        self.assertEqual(origin.seats, 15)
        origin.with_user(self.manager).action_verify()
        form = Form(origin.with_user(self.manager))
        self.assertEqual(form.state, "verified")
        self.assertEqual(form.verified_by_id, self.manager)

    def test_migration_plan(self):
        origin = self._origin(seats=10)
        order = self._quote(lines=[(self.product, 10)], user=self.salesman)
        order.with_user(self.salesman).action_confirm()
        migration = order.crossgrade_migration_ids
        self.assertEqual(migration.origin_id, origin)
        blocking = [
            index for index, check in enumerate(migration.check_ids) if check.blocking
        ]
        self.assertTrue(blocking, "the default checklist has blocking checks")
        form = Form(migration.with_user(self.salesman))
        form.date_planned = date(2027, 1, 15)
        for index in range(len(form.check_ids)):
            with form.check_ids.edit(index) as check:
                check.state = "ok"
        self.assertEqual(form.risk_level, "low")
        form.save()
        self.assertEqual(migration.risk_level, "low")
        self.assertEqual(migration.date_planned, date(2027, 1, 15))
        with Form(migration.with_user(self.salesman)) as form:
            with form.check_ids.edit(blocking[0]) as check:
                check.state = "issue"
            self.assertEqual(form.risk_level, "high")
        self.assertEqual(migration.risk_level, "high")


@tagged("post_install", "-at_install")
class TestVoucherForms(VoucherCommon):
    def test_voucher_type(self):
        form = Form(self.env["customer.voucher.type"].with_user(self.manager))
        form.name = "Consulting"
        form.category = "consulting_day"
        form.value = 800.0
        form.validity_days = 180
        form.extension_days = 30
        form.extension_window_days = 15
        with form.grant_ids.new() as grant:
            grant.product_tmpl_id = self.licence.product_tmpl_id
            grant.quantity = 1
        with form.reminder_step_ids.new() as step:
            step.anchor = "expiry"
            step.days = 14
        form.covered_product_tmpl_ids.add(self.course.product_tmpl_id)
        voucher_type = form.save()
        names = ["name", "category", "value", "validity_days", "extension_days"]
        self.assertEqual(shown(form, names), stored(voucher_type, names))
        self.assertEqual(
            voucher_type.grant_ids.product_tmpl_id, self.licence.product_tmpl_id
        )
        self.assertEqual(voucher_type.reminder_step_ids.days, 14)
        with Form(voucher_type.with_user(self.manager)) as form:
            form.value = 850.0
            form.reminder_step_ids.remove(0)
        self.assertEqual(voucher_type.value, 850.0)
        self.assertFalse(voucher_type.reminder_step_ids)

    @freeze_time("2026-05-04")
    def test_voucher(self):
        form = Form(self.env["customer.voucher"].with_user(self.manager))
        form.type_id = self.training
        form.partner_id = self.customer
        self.assertEqual(form.value, 500.0)
        self.assertEqual(form.issue_date, date(2026, 5, 4))
        self.assertEqual(form.expiry_date, date(2027, 5, 4))
        form.issue_date = date(2026, 5, 1)
        self.assertEqual(form.expiry_date, date(2027, 5, 1))
        form.beneficiary_id = self.contact
        form.user_id = self.salesman  # the account's salesperson
        # the code may be read to the customer before saving: it is the one kept
        code_shown = form.code
        self.assertTrue(code_shown)
        voucher = form.save()
        self.assertEqual(voucher.code, code_shown)
        names = [
            "type_id",
            "partner_id",
            "beneficiary_id",
            "value",
            "issue_date",
            "expiry_date",
            "code",
        ]
        self.assertEqual(shown(form, names), stored(voucher, names))
        self.assertTrue(voucher.code)
        # the salesperson may change the beneficiary, not correct the value
        form = Form(voucher.with_user(self.salesman))
        self.assertTrue(form._get_modifier("value", "readonly"))
        self.assertTrue(form._get_modifier("expiry_date", "readonly"))
        form.beneficiary_id = self.customer
        form.save()
        self.assertEqual(voucher.beneficiary_id, self.customer)
        # the manager may
        with Form(voucher.with_user(self.manager)) as form:
            self.assertFalse(form._get_modifier("value", "readonly"))
            form.value = 450.0
        self.assertEqual(voucher.value, 450.0)
        voucher.with_user(self.salesman).action_redeem()
        form = Form(voucher.with_user(self.manager))
        self.assertEqual(form.state, "redeemed")
        self.assertTrue(form._get_modifier("value", "readonly"))


@tagged("post_install", "-at_install")
class TestSubscriptionForms(SubscriptionCommon):
    def test_plan_family(self):
        form = Form(self.env["subscription.plan.family"].with_user(self.manager))
        form.name = "Cloud Backup"
        with form.feature_ids.new() as feature:
            feature.name = "Storage"
        with form.feature_ids.new() as feature:
            feature.name = "Retention"
        family = form.save()
        self.assertEqual(family.feature_ids.mapped("name"), ["Storage", "Retention"])
        with Form(family.with_user(self.manager)) as form:
            form.name = "Backup"
        self.assertEqual(family.name, "Backup")
        # the family's plans are listed from the lowest tier up
        form = Form(self.family.with_user(self.manager))
        self.assertEqual(
            self.family._get_plans().mapped("name"), ["Basic", "Pro", "Enterprise"]
        )
        self.assertEqual(len(form.product_tmpl_ids), 3)

    def test_subscription(self):
        with freeze_time("2026-03-01"):
            form = Form(self.env["sale.subscription"].with_user(self.salesman))
            form.partner_id = self.customer
            form.template_id = self.monthly
            form.pricelist_id = self.pricelist
            with form.sale_subscription_line_ids.new() as line:
                line.product_id = self.basic
                line.product_uom_qty = 3
            with form.sale_subscription_line_ids.edit(0) as line:
                line.product_uom_qty = 2
            sub = form.save()
            self.assertEqual(form.recurring_total, sub.recurring_total)
            self.assertEqual(sub.recurring_total, 20.0)
            sub.action_start_subscription()
            self.assertEqual(sub.mrr, 20.0)
        with freeze_time("2026-03-10"):
            with Form(sub.with_user(self.salesman)) as form:
                with form.sale_subscription_line_ids.edit(0) as line:
                    line.product_id = self.pro
            self.assertEqual(sub.recurring_total, 60.0)
            self.assertEqual(sub.mrr, 60.0)
            self.assertEqual(Form(sub.with_user(self.salesman)).mrr, 60.0)
            change = sub.change_ids.filtered(lambda c: c.state == "done").sorted("id")[
                -1
            ]
            self.assertEqual(change.change_type, "upgrade")
            self.assertEqual(change.date, fields.Date.to_date("2026-03-10"))


@tagged("post_install", "-at_install")
class TestFeedbackResolveForm(TransactionCase):
    def test_resolve_followup_through_the_wizard(self):
        salesman = new_test_user(
            self.env, login="fbw_salesman", groups="sales_team.group_sale_salesman"
        )
        customer = self.env["res.partner"].create(
            {"name": "Wizard Co", "email": "w@co.example", "user_id": salesman.id}
        )
        touchpoint = self.env["customer.feedback.touchpoint"].create(
            {"name": "Wizard CSAT", "metric": "csat"}
        )
        Feedback = self.env["customer.feedback"].with_user(salesman)
        feedback = Feedback.browse(
            Feedback.request_feedback(touchpoint.id, customer.id)
        )
        feedback.record_answer(1, comment="Nobody called back")
        self.assertEqual(feedback.followup_state, "open")
        Wizard = self.env["customer.feedback.resolve.wizard"].with_user(salesman)
        form = Form(
            Wizard.with_context(
                active_model="customer.feedback", active_ids=feedback.ids
            )
        )
        with self.assertRaises(AssertionError):  # the outcome is required
            form.save()
        form.outcome = "compensated"
        form.note = "Credit note for one month"
        wizard = form.save()
        wizard.action_resolve()
        self.assertEqual(
            (
                feedback.followup_state,
                feedback.followup_outcome,
                feedback.followup_note,
            ),
            ("resolved", "compensated", "Credit note for one month"),
        )
        self.assertFalse(feedback.activity_ids)
        # who followed it up is history once resolved
        form = Form(feedback)
        self.assertTrue(form._get_modifier("followup_user_id", "readonly"))
