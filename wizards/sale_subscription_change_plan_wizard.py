# Copyright 2026 customer_value contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..models.sale_subscription_change import CHANGE_TYPES


class SaleSubscriptionChangePlanWizard(models.TransientModel):
    _name = "sale.subscription.change.plan.wizard"
    _description = "Change the Plan of a Subscription"

    subscription_id = fields.Many2one(
        "sale.subscription", required=True, readonly=True, ondelete="cascade"
    )
    company_currency_id = fields.Many2one(related="subscription_id.company_currency_id")
    currency_id = fields.Many2one(related="subscription_id.currency_id")
    plan_family_id = fields.Many2one(related="subscription_id.plan_family_id")
    current_product_id = fields.Many2one(
        related="subscription_id.plan_product_id", string="Current Plan"
    )
    product_id = fields.Many2one(
        "product.product",
        string="New Plan",
        domain="[('plan_family_id', '=', plan_family_id), "
        "('id', '!=', current_product_id), ('sale_ok', '=', True)]",
    )
    quantity = fields.Float(
        digits="Product Unit of Measure",
        compute="_compute_quantity",
        store=True,
        readonly=False,
    )
    effective_date = fields.Date(
        compute="_compute_effective_date",
        store=True,
        readonly=False,
        help="Today applies the change now. A later date schedules it: a daily job "
        "applies it on that date. By default an upgrade applies now and a downgrade "
        "at the next renewal.",
    )
    reason_id = fields.Many2one(
        "sale.subscription.change.reason",
    )
    note = fields.Text()
    proration_mode = fields.Selection(
        [("next_invoice", "On the next invoice"), ("invoice_now", "One-off invoice")],
        string="Invoice the Difference",
        default="next_invoice",
        required=True,
    )
    change_type = fields.Selection(CHANGE_TYPES, compute="_compute_figures")
    mrr_before = fields.Monetary(
        string="MRR Before",
        compute="_compute_figures",
        currency_field="company_currency_id",
    )
    mrr_after = fields.Monetary(
        string="MRR After",
        compute="_compute_figures",
        currency_field="company_currency_id",
    )
    mrr_delta = fields.Monetary(
        string="MRR Change",
        compute="_compute_figures",
        currency_field="company_currency_id",
    )
    prorated_amount = fields.Monetary(
        compute="_compute_figures",
        currency_field="currency_id",
        help="Difference for the rest of the period already invoiced: charged (or "
        "credited) on the next invoice or on a one-off invoice.",
    )
    proration_note = fields.Char(compute="_compute_figures")
    applies_now = fields.Boolean(compute="_compute_figures")
    reason_required = fields.Boolean(compute="_compute_figures")
    warning = fields.Char(compute="_compute_figures")

    @api.depends("subscription_id")
    def _compute_quantity(self):
        for wizard in self:
            wizard.quantity = (
                wizard.subscription_id._cv_plan_line().product_uom_qty or 1.0
            )

    @api.depends("product_id", "quantity")
    def _compute_effective_date(self):
        for wizard in self:
            wizard.effective_date = False
            if wizard.product_id:
                try:
                    wizard.effective_date = (
                        wizard.subscription_id._cv_plan_change_preview(
                            wizard.product_id, wizard.quantity
                        )["effective_date"]
                    )
                except (UserError, ValidationError):
                    wizard.effective_date = fields.Date.context_today(wizard)

    @api.depends("product_id", "quantity", "effective_date")
    def _compute_figures(self):
        today = fields.Date.context_today(self)
        for wizard in self:
            sub = wizard.subscription_id
            values = {
                "change_type": False,
                "mrr_before": sub.mrr,
                "mrr_after": sub.mrr,
                "mrr_delta": 0.0,
                "prorated_amount": 0.0,
                "proration_note": False,
                "applies_now": True,
                "reason_required": False,
                "warning": False,
            }
            if wizard.product_id:
                try:
                    preview = sub._cv_plan_change_preview(
                        wizard.product_id, wizard.quantity, wizard.effective_date
                    )
                except (UserError, ValidationError) as error:
                    values["warning"] = error.args[0]
                    if wizard.effective_date:
                        # a date it cannot take (in the past): the figures of
                        # the plan still show, with what is wrong
                        values.update(wizard._figures_without_date())
                else:
                    values.update(
                        change_type=preview["change_type"],
                        mrr_before=preview["mrr_before"],
                        mrr_after=preview["mrr_after"],
                        mrr_delta=preview["mrr_delta"],
                        prorated_amount=preview["prorated_amount"],
                        proration_note=sub._cv_proration_note(
                            preview["effective_date"]
                        ),
                        applies_now=preview["effective_date"] <= today,
                        reason_required=self.env[
                            "sale.subscription.change"
                        ]._reason_required(
                            preview["change_type"],
                            preview["mrr_before"],
                            preview["mrr_after"],
                        ),
                    )
            wizard.update(values)

    def _figures_without_date(self):
        sub = self.subscription_id
        try:
            preview = sub._cv_plan_change_preview(self.product_id, self.quantity)
        except (UserError, ValidationError):
            return {}
        return {
            "change_type": preview["change_type"],
            "mrr_before": preview["mrr_before"],
            "mrr_after": preview["mrr_after"],
            "mrr_delta": preview["mrr_delta"],
            "reason_required": self.env["sale.subscription.change"]._reason_required(
                preview["change_type"], preview["mrr_before"], preview["mrr_after"]
            ),
        }

    def action_apply(self):
        self.ensure_one()
        if not self.product_id:
            raise ValidationError(self.env._("Choose the plan to move to."))
        self.subscription_id.change_plan(
            self.product_id.id,
            reason_id=self.reason_id.id,
            note=self.note,
            effective_date=self.effective_date,
            quantity=self.quantity,
            proration_mode=self.proration_mode,
        )
        return {"type": "ir.actions.act_window_close"}
