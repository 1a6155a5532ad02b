# Copyright 2026 customer_value contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import formatLang

from ..models.formatting import format_percent


class CloseReasonWizard(models.TransientModel):
    """subscription_oca's close wizard, with a retention step: before the
    subscription closes, it offers the lower plans of its family and the
    retention discount of the company, and records the outcome."""

    _inherit = "close.reason.wizard"

    subscription_id = fields.Many2one(
        "sale.subscription",
        default=lambda self: self._default_subscription_id(),
        ondelete="cascade",
    )
    company_currency_id = fields.Many2one(related="subscription_id.company_currency_id")
    mrr = fields.Monetary(
        related="subscription_id.mrr", currency_field="company_currency_id"
    )
    downgrade_product_ids = fields.Many2many(
        "product.product", compute="_compute_offers", string="Lower Plans"
    )
    downgrade_product_id = fields.Many2one(
        "product.product",
        string="Downgrade to",
        domain="[('id', 'in', downgrade_product_ids)]",
        compute="_compute_downgrade_product_id",
        store=True,
        readonly=False,
        help="Preset when the plan has one lower plan.",
    )
    retention_discount = fields.Float(
        compute="_compute_offers", string="Retention Discount (%)"
    )
    retention_offer_mrr = fields.Monetary(
        compute="_compute_offers",
        string="MRR with the Discount",
        currency_field="company_currency_id",
    )
    # the reasons a user gives: a lapsed trial is closed by the trial job only
    close_reason_id = fields.Many2one(
        domain=lambda self: self._close_reason_domain(),
    )

    @api.model
    def _close_reason_domain(self):
        lapsed = self.env.ref(
            "customer_value.close_reason_trial_lapsed", raise_if_not_found=False
        )
        return [("id", "!=", lapsed.id)] if lapsed else []

    offer_html = fields.Html(compute="_compute_offers", sanitize=False)

    @api.depends("subscription_id")
    def _compute_downgrade_product_id(self):
        for wizard in self:
            lower = (
                wizard.subscription_id._cv_lower_plans()
                if wizard.subscription_id
                else False
            )
            wizard.downgrade_product_id = lower if lower and len(lower) == 1 else False

    @api.model
    def _default_subscription_id(self):
        if (
            self.env.context.get("active_model", "sale.subscription")
            == "sale.subscription"
        ):
            return self.env.context.get("active_id")
        return False

    @api.depends("subscription_id")
    def _compute_offers(self):
        for wizard in self:
            sub = wizard.subscription_id
            lower = sub._cv_lower_plans() if sub else self.env["product.product"]
            wizard.downgrade_product_ids = lower
            wizard.retention_discount = sub.company_id.subscription_retention_discount
            wizard.retention_offer_mrr = (
                sub._cv_retention_offer_mrr(wizard.retention_discount)
                if sub and wizard.retention_discount
                else 0.0
            )
            rows = []
            for product in lower:
                try:
                    preview = sub._cv_plan_change_preview(product)
                except UserError:
                    continue
                rows.append(
                    Markup("<tr><td>%s</td><td class='text-end'>%s</td></tr>")
                    % (
                        product.display_name,
                        formatLang(
                            self.env,
                            preview["mrr_after"],
                            currency_obj=sub.company_currency_id,
                        ),
                    )
                )
            html = Markup()
            if rows:
                html += Markup(
                    "<table class='table table-sm'><thead><tr><th>%s</th>"
                    "<th class='text-end'>%s</th></tr></thead><tbody>%s</tbody></table>"
                ) % (
                    self.env._("Lower plan"),
                    self.env._("MRR after"),
                    Markup("").join(rows),
                )
            if wizard.retention_discount:
                html += Markup("<p>%s</p>") % escape(
                    self.env._(
                        "Or stay on the current plan with %(discount)s off: MRR "
                        "after %(mrr)s.",
                        discount=format_percent(self.env, wizard.retention_discount),
                        mrr=formatLang(
                            self.env,
                            wizard.retention_offer_mrr,
                            currency_obj=sub.company_currency_id,
                        ),
                    )
                )
            wizard.offer_html = html

    def _cv_subscription(self):
        self.ensure_one()
        sub = self.subscription_id or self.env["sale.subscription"].browse(
            self.env.context.get("active_id")
        )
        if not sub:
            raise UserError(self.env._("No subscription to close."))
        sub.check_access("write")
        return sub

    def _cv_log(self, sub, outcome, mrr_before, change=None, **values):
        return (
            self.env["sale.subscription.retention"]
            .sudo()
            .create(
                dict(
                    values,
                    subscription_id=sub.id,
                    partner_id=sub.commercial_partner_id.id,
                    close_reason_id=self.close_reason_id.id,
                    outcome=outcome,
                    from_product_id=sub.plan_product_id.id,
                    mrr_before=mrr_before,
                    change_id=change.id if change else False,
                    user_id=self.env.uid,
                    date=self.env.context.get("subscription_change_date")
                    or fields.Date.context_today(self),
                )
            )
        )

    def button_confirm(self):
        """The customer leaves: close the subscription and record the churn."""
        sub = self._cv_subscription()
        mrr_before, plan = sub.mrr, sub.plan_product_id
        # subscription_oca reads the subscription from the context only
        res = super(
            CloseReasonWizard,
            self.with_context(active_id=sub.id, active_model="sale.subscription"),
        ).button_confirm()
        # the movement this closing recorded (the latest, whatever its date)
        change = sub.change_ids.filtered(lambda c: c.state == "done").sorted("id")[-1:]
        self._cv_log(
            sub, "churned", mrr_before, change, to_product_id=plan.id, mrr_kept=0.0
        )
        return res

    def action_downgrade(self):
        """The customer stays on a lower plan (from the next renewal)."""
        sub = self._cv_subscription()
        if not self.downgrade_product_id:
            raise UserError(self.env._("Choose the lower plan the customer keeps."))
        mrr_before = sub.mrr
        reason = self.env.ref("customer_value.change_reason_retention_downgrade")
        change = sub.change_plan(
            self.downgrade_product_id.id,
            reason_id=reason.id,
            note=self.close_reason_id.name or False,
            close_reason_id=self.close_reason_id.id,
        )
        self._cv_log(
            sub,
            "saved_by_downgrade",
            mrr_before,
            change,
            to_product_id=self.downgrade_product_id.id,
            mrr_kept=change.mrr_after,
        )
        return {"type": "ir.actions.act_window_close"}

    def action_accept_offer(self):
        """The customer stays with the retention discount."""
        sub = self._cv_subscription()
        mrr_before = sub.mrr
        discount = sub.company_id.subscription_retention_discount
        reason = self.env.ref("customer_value.change_reason_retention_offer")
        change = sub._cv_apply_retention_discount(
            discount, reason, self.close_reason_id
        )
        sub.message_post(
            body=self.env._(
                "Retention offer accepted: %(discount)s off.",
                discount=format_percent(self.env, discount),
            )
        )
        self._cv_log(
            sub,
            "saved_by_offer",
            mrr_before,
            change,
            to_product_id=sub.plan_product_id.id,
            discount=discount,
            mrr_kept=sub.mrr,
        )
        return {"type": "ir.actions.act_window_close"}
