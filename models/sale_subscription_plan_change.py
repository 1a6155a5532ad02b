# Copyright 2026 customer_value contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Plans of a subscription, plan changes (now or scheduled, prorated) and the
retention offers of the close wizard."""

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_is_zero

from .formatting import format_date
from .sale_subscription_change import FALLING_TYPES


class SaleSubscription(models.Model):
    _inherit = "sale.subscription"

    plan_product_id = fields.Many2one(
        "product.product",
        string="Current Plan",
        compute="_compute_plan",
        store=True,
        help="The plan product of the subscription: its line of the highest tier.",
    )
    plan_family_id = fields.Many2one(
        "subscription.plan.family",
        compute="_compute_plan",
        store=True,
        index=True,
    )
    plan_tier = fields.Integer(
        compute="_compute_plan",
        store=True,
    )
    scheduled_change_count = fields.Integer(
        compute="_compute_scheduled_change_count", string="Scheduled Changes"
    )

    @api.depends(
        "sale_subscription_line_ids.product_id.plan_family_id",
        "sale_subscription_line_ids.product_id.plan_tier",
    )
    def _compute_plan(self):
        for sub in self:
            line = sub._cv_plan_line()
            tmpl = line.product_id.product_tmpl_id
            sub.plan_product_id = line.product_id
            sub.plan_family_id = tmpl.plan_family_id
            sub.plan_tier = tmpl.plan_tier

    def _compute_scheduled_change_count(self):
        counts = dict(
            self.env["sale.subscription.change"]._read_group(
                [("subscription_id", "in", self.ids), ("state", "=", "scheduled")],
                ["subscription_id"],
                ["__count"],
            )
        )
        for sub in self:
            sub.scheduled_change_count = counts.get(sub, 0)

    def _cv_plan_line(self):
        """The line holding the plan: the product of a plan family with the highest
        tier, else the first line."""
        self.ensure_one()
        lines = self.sale_subscription_line_ids.filtered("product_id")
        plan_lines = lines.filtered(lambda line: line.product_id.plan_family_id)
        if plan_lines:
            return plan_lines.sorted(
                lambda line: (-line.product_id.plan_tier, line.id or 0)
            )[:1]
        return lines[:1]

    def _cv_check_open(self):
        self.ensure_one()
        if self.stage_id.type == "post":
            raise UserError(
                self.env._(
                    "Subscription %(name)s is closed: its plan cannot be changed.",
                    name=self.display_name,
                )
            )

    # ------------------------------------------------------------------
    # Plan changes
    # ------------------------------------------------------------------
    def _cv_plan_change_preview(self, product, quantity=None, effective_date=None):
        """Figures of moving this subscription to ``product``, validated.

        The change is classified by the same rules as the movement that will
        record it. Returns a dict: line, product, quantity, change_type,
        mrr_before, mrr_after, mrr_delta, effective_date, prorated_amount,
        recurring_before, recurring_after.
        """
        self.ensure_one()
        self._cv_check_open()
        line = self._cv_plan_line()
        family = line.product_id.plan_family_id
        if not family:
            raise UserError(
                self.env._(
                    "Subscription %(name)s has no plan of a plan family: add the plan "
                    "product to the subscription lines or set the family of its "
                    "products.",
                    name=self.display_name,
                )
            )
        if product.plan_family_id != family:
            raise ValidationError(
                self.env._(
                    '"%(product)s" is not a plan of the family "%(family)s": a plan '
                    "change moves between plans of one family.",
                    product=product.display_name,
                    family=family.name,
                )
            )
        if not product.active:
            raise ValidationError(
                self.env._(
                    'The plan "%(product)s" is archived: it cannot be sold any more.',
                    product=product.display_name,
                )
            )
        if quantity is None or quantity is False:
            quantity = line.product_uom_qty
        if not isinstance(quantity, int | float) or quantity <= 0:
            raise ValidationError(
                self.env._(
                    "The quantity of the new plan must be a positive number, not "
                    "%(quantity)s.",
                    quantity=quantity,
                )
            )
        if product == line.product_id and quantity == line.product_uom_qty:
            raise ValidationError(
                self.env._(
                    "Subscription %(name)s is already on plan %(plan)s.",
                    name=self.display_name,
                    plan=product.display_name,
                )
            )
        new_line = self.env["sale.subscription.line"].new(
            {
                "sale_subscription_id": self.id,
                "product_id": product.id,
                "product_uom_qty": quantity,
                "retention_discount": line.retention_discount,
            }
        )
        recurring_after = (
            self.recurring_total - line.price_subtotal + new_line.price_subtotal
        )
        before = self._cv_state()
        if not before["running"]:
            # not billing yet: the figures it will have once it runs
            before.update(
                running=True,
                mrr=None,
                recurring=self._cv_monthly_amount(self.recurring_total),
            )
        after = dict(
            before,
            recurring=self._cv_monthly_amount(recurring_after),
            plan=product,
            groups=self._cv_groups(
                [
                    (other.product_id, other.product_uom_qty)
                    for other in self.sale_subscription_line_ids - line
                ]
                + [(product, quantity)]
            ),
        )
        classified = self._cv_classify_edit(before, after)
        # same tier and price (two plans at one price): still a plan change
        change_type = classified[0] if classified else "expansion"
        effective_date = self._cv_effective_date(change_type, effective_date)
        if before["mrr"] is None:
            before["mrr"] = self._cv_to_company(before["recurring"], effective_date)
        mrr_after = self._cv_mrr_after(before, after, effective_date)
        return {
            "line": line,
            "product": product,
            "quantity": quantity,
            "change_type": change_type,
            "mrr_before": before["mrr"],
            "mrr_after": mrr_after,
            "mrr_delta": mrr_after - before["mrr"],
            "effective_date": effective_date,
            "recurring_before": self.recurring_total,
            "recurring_after": recurring_after,
            "prorated_amount": self._cv_prorate(
                recurring_after - self.recurring_total, effective_date
            ),
        }

    def _cv_effective_date(self, change_type, effective_date=None):
        """The date a change takes effect: the one asked (not in the past), else
        today for an upgrade and the next renewal for a change that lowers the
        revenue."""
        today = fields.Date.context_today(self)
        if effective_date:
            given = effective_date
            try:
                effective_date = fields.Date.to_date(given)
            except (TypeError, ValueError):
                effective_date = None
            if not effective_date:
                raise ValidationError(
                    self.env._(
                        "Effective date: %(value)r is not a date (YYYY-MM-DD).",
                        value=given,
                    )
                )
            if effective_date < today:
                raise ValidationError(
                    self.env._(
                        "The plan change cannot take effect in the past (%(date)s).",
                        date=format_date(self.env, effective_date),
                    )
                )
        elif change_type in FALLING_TYPES and self.recurring_next_date:
            effective_date = max(self.recurring_next_date, today)
        else:
            effective_date = today
        return effective_date

    @api.returns("sale.subscription.change", lambda change: change.id)
    def change_plan(
        self,
        product_id,
        reason_id=None,
        note=None,
        effective_date=None,
        quantity=None,
        proration_mode="next_invoice",
        close_reason_id=None,
    ):
        """Move the subscription to another plan of its family.

        Applies now, or schedules the change for ``effective_date``; without a
        date an upgrade applies now and a downgrade at the next renewal. The
        prorated difference for the rest of the billed period goes on the next
        invoice (``proration_mode='next_invoice'``) or on a one-off invoice
        (``'invoice_now'``). A change still scheduled for the subscription is
        replaced: it is cancelled, with a note on the subscription.
        ``close_reason_id``: the customer asked to close for that reason (the
        change keeps them). Returns the movement (scheduled or done).
        """
        self.env["customer.value.input.mixin"]._cv_check_one(self)
        self.check_access("write")
        if proration_mode not in ("next_invoice", "invoice_now"):
            raise ValidationError(
                self.env._(
                    "Unknown proration mode %(mode)r: use 'next_invoice' or "
                    "'invoice_now'.",
                    mode=proration_mode,
                )
            )
        product = self._cv_browse("product.product", product_id, self.env._("Plan"))
        if not product:
            raise ValidationError(self.env._("Choose the plan to move to."))
        reason = self._cv_browse(
            "sale.subscription.change.reason", reason_id, self.env._("Reason")
        )
        close_reason = self._cv_browse(
            "sale.subscription.close.reason",
            close_reason_id,
            self.env._("Close Reason"),
        )
        preview = self._cv_plan_change_preview(product, quantity, effective_date)
        Change = self.env["sale.subscription.change"].sudo()
        Change._check_reason_given(
            preview["change_type"],
            preview["mrr_before"],
            preview["mrr_after"],
            reason or close_reason,
            self,
        )
        self._cv_cancel_scheduled(
            self.env._(
                "replaced by the plan change to %(plan)s",
                plan=product.display_name,
            )
        )
        common = {
            "reason_id": reason.id,
            "close_reason_id": close_reason.id,
            "note": note or False,
            "user_id": self.env.uid,
            "proration_mode": proration_mode,
        }
        if preview["effective_date"] > fields.Date.context_today(self):
            change = Change.create(
                dict(
                    common,
                    subscription_id=self.id,
                    state="scheduled",
                    date=preview["effective_date"],
                    change_type=preview["change_type"],
                    mrr_before=preview["mrr_before"],
                    mrr_after=preview["mrr_after"],
                    from_product_id=preview["line"].product_id.id,
                    to_product_id=product.id,
                    quantity=preview["quantity"],
                )
            )
            self.message_post(
                body=self.env._(
                    "Plan change to %(plan)s scheduled for %(date)s.",
                    plan=product.display_name,
                    date=format_date(self.env, preview["effective_date"]),
                )
            )
        else:
            change = self._cv_apply_plan_change(
                preview, dict(common, prorated_amount=preview["prorated_amount"])
            )
        # the health's MRR and downgrade signals follow at once
        self.commercial_partner_id.with_company(self.company_id)._refresh_health()
        return change.with_env(self.env)

    def _cv_cancel_scheduled(self, why):
        """Cancel the changes still scheduled for the subscription, saying why."""
        self.ensure_one()
        scheduled = (
            self.env["sale.subscription.change"]
            .sudo()
            .search([("subscription_id", "=", self.id), ("state", "=", "scheduled")])
        )
        scheduled._cancel(why)
        return scheduled

    def _cv_apply_plan_change(self, preview, values, pending=None):
        self.ensure_one()
        with self._cv_tracking(pending=pending, **values) as tracking:
            preview["line"].write(
                {
                    "product_id": preview["product"].id,
                    "product_uom_qty": preview["quantity"],
                }
            )
        changes = tracking.movements
        if changes is None:
            # inside a larger change: recorded when it ends
            return pending or self.env["sale.subscription.change"]
        if not changes:
            # Same figures (e.g. two plans at one price): still a plan change.
            before = tracking.before[self.id]
            vals = dict(
                values,
                subscription_id=self.id,
                state="done",
                date=fields.Date.context_today(self),
                change_type=preview["change_type"],
                mrr_before=before["mrr"],
                mrr_after=self.mrr,
                from_product_id=before["plan"].id,
                to_product_id=preview["product"].id,
            )
            if pending:
                pending.sudo().write(vals)
                changes = pending
            else:
                changes = self.env["sale.subscription.change"].sudo().create(vals)
        if changes.proration_mode == "invoice_now" and changes.prorated_amount:
            changes._create_proration_invoice()
        return changes

    def action_change_plan(self):
        self.ensure_one()
        self.check_access("write")
        self._cv_check_open()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Change Plan"),
            "res_model": "sale.subscription.change.plan.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_subscription_id": self.id},
        }

    def action_view_changes(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_value.sale_subscription_change_action"
        )
        action["domain"] = [("subscription_id", "=", self.id)]
        action["context"] = {"search_default_group_by_state": 0}
        return action

    # ------------------------------------------------------------------
    # Retention
    # ------------------------------------------------------------------
    def _cv_lower_plans(self):
        """Lower tiers of the subscription's plan family, highest first."""
        self.ensure_one()
        if not self.plan_family_id:
            return self.env["product.product"]
        return self.env["product.product"].search(
            [
                ("plan_family_id", "=", self.plan_family_id.id),
                ("plan_tier", "<", self.plan_tier),
                ("sale_ok", "=", True),
                ("company_id", "in", [False, self.company_id.id]),
            ],
            order="plan_tier desc, id",
        )

    def _cv_retention_offer_mrr(self, discount):
        """The MRR the subscription would keep with ``discount`` % off every
        line, as ``_cv_apply_retention_discount`` grants it (a line's discount
        never goes below it)."""
        self.ensure_one()
        recurring_after = self.recurring_total
        for line in self.sale_subscription_line_ids:
            if line.discount >= discount:
                continue
            taxes = line.tax_ids.compute_all(
                line.price_unit * (1 - discount / 100.0),
                line.currency_id,
                line.product_uom_qty,
                product=line.product_id,
                partner=self.partner_id,
            )
            recurring_after += taxes["total_excluded"] - line.price_subtotal
        today = fields.Date.context_today(self)
        before = self._cv_state()
        if not before["running"]:
            # not billing yet: the figures it will have once it runs
            before.update(
                running=True,
                mrr=None,
                recurring=self._cv_monthly_amount(self.recurring_total),
            )
        if before["mrr"] is None:
            before["mrr"] = self._cv_to_company(before["recurring"], today)
        after = dict(before, recurring=self._cv_monthly_amount(recurring_after))
        return self._cv_mrr_after(before, after, today)

    def _cv_apply_retention_discount(self, discount, reason, close_reason):
        """Keep the customer with ``discount`` % off every line: the discount
        stays on the lines through later plan changes and price updates."""
        self.ensure_one()
        if float_is_zero(discount, precision_digits=2) or discount <= 0:
            raise UserError(
                self.env._(
                    "No retention offer is configured: set a retention discount in "
                    "the Sales settings."
                )
            )
        lines = self.sale_subscription_line_ids.filtered(
            lambda line: line.retention_discount < discount
        )
        with self._cv_tracking(
            reason_id=reason.id, close_reason_id=close_reason.id
        ) as tracking:
            lines.write({"retention_discount": discount})
        return tracking.movements
