# Copyright 2026 customer_value contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import logging

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare

from .formatting import format_amount, format_date

_logger = logging.getLogger(__name__)

CHANGE_TYPES = [
    ("new", "New"),
    ("upgrade", "Upgrade"),
    ("downgrade", "Downgrade"),
    ("expansion", "Expansion"),
    ("contraction", "Contraction"),
    ("cross_sell", "Cross-sell"),
    ("churn", "Churn"),
    ("reactivation", "Reactivation"),
    ("adjustment", "Adjustment"),
]
# Corrections of the recorded history (opening adjustments), not customer
# movements: in the MRR (so the report reconciles) but not in the flows of the
# MRR bridge, the goals or the customer health.
ADJUSTMENT_TYPES = ("adjustment",)
# Movement types that lower the recurring revenue: they need a reason.
FALLING_TYPES = ("downgrade", "contraction", "churn")
# What may still change on a done movement: its note, and the invoice or
# order that charged its prorated amount. Nothing else of it changes.
EDITABLE_WHEN_DONE = {"note", "proration_invoice_id", "proration_order_id"}


class SaleSubscriptionChange(models.Model):
    _name = "sale.subscription.change"
    _inherit = ["customer.value.input.mixin"]
    _description = "Subscription MRR Movement"
    _order = "date desc, id desc"

    subscription_id = fields.Many2one(
        "sale.subscription",
        required=True,
        index=True,
        ondelete="restrict",
    )
    company_id = fields.Many2one(
        related="subscription_id.company_id", store=True, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id", string="Currency")
    subscription_currency_id = fields.Many2one(
        related="subscription_id.currency_id", string="Subscription Currency"
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        compute="_compute_partner_id",
        store=True,
        index=True,
        help="The commercial partner: churn and retention are counted per customer.",
    )
    date = fields.Date(required=True, index=True, default=fields.Date.context_today)
    state = fields.Selection(
        [("scheduled", "Scheduled"), ("done", "Done"), ("cancelled", "Cancelled")],
        required=True,
        default="done",
        index=True,
    )
    change_type = fields.Selection(
        CHANGE_TYPES, string="Type", required=True, index=True
    )
    mrr_before = fields.Monetary(string="MRR Before", currency_field="currency_id")
    mrr_after = fields.Monetary(string="MRR After", currency_field="currency_id")
    mrr_delta = fields.Monetary(
        string="MRR Change",
        compute="_compute_mrr_delta",
        store=True,
        currency_field="currency_id",
    )
    from_product_id = fields.Many2one(
        "product.product", string="From", ondelete="restrict", index="btree_not_null"
    )
    to_product_id = fields.Many2one(
        "product.product", string="To", ondelete="restrict", index="btree_not_null"
    )
    quantity = fields.Float(
        digits="Product Unit of Measure",
        help="Quantity of the new plan, for a scheduled plan change.",
    )
    reason_id = fields.Many2one("sale.subscription.change.reason", ondelete="restrict")
    close_reason_id = fields.Many2one(
        "sale.subscription.close.reason",
        ondelete="restrict",
        help="Why the customer asked to close the subscription.",
    )
    note = fields.Text()
    opening = fields.Boolean(
        string="Opening Balance",
        readonly=True,
        help="Recorded when the addon was installed or upgraded, for a subscription "
        "that ran before: its start, or an adjustment of its history.",
    )
    user_id = fields.Many2one(
        "res.users", string="Done by", default=lambda self: self.env.user
    )
    prorated_amount = fields.Monetary(
        currency_field="subscription_currency_id",
        help="Price difference for the rest of the period already invoiced.",
    )
    proration_mode = fields.Selection(
        [("next_invoice", "On the next invoice"), ("invoice_now", "One-off invoice")],
        default="next_invoice",
    )
    proration_invoice_id = fields.Many2one(
        "account.move", readonly=True, ondelete="set null", index="btree_not_null"
    )
    proration_order_id = fields.Many2one(
        "sale.order", readonly=True, ondelete="set null", index="btree_not_null"
    )

    @api.depends("subscription_id.partner_id.commercial_partner_id")
    def _compute_partner_id(self):
        for change in self:
            # Keep the customer of the history when the subscription moves.
            if not change.partner_id:
                change.partner_id = change.subscription_id.commercial_partner_id

    @api.depends("mrr_before", "mrr_after")
    def _compute_mrr_delta(self):
        for change in self:
            change.mrr_delta = change.mrr_after - change.mrr_before

    @api.depends("subscription_id", "change_type", "date")
    @api.depends_context("lang")
    def _compute_display_name(self):
        # the type and the date in the reader's language and date format
        types = dict(self._fields["change_type"]._description_selection(self.env))
        for change in self:
            change.display_name = " · ".join(
                part
                for part in (
                    change.subscription_id.display_name or "",
                    types.get(change.change_type, ""),
                    format_date(self.env, change.date) if change.date else "",
                )
            )

    @api.constrains(
        "change_type",
        "mrr_before",
        "mrr_after",
        "reason_id",
        "close_reason_id",
        "state",
    )
    def _check_reason(self):
        for change in self:
            if change.state != "cancelled":
                change._check_reason_given(
                    change.change_type,
                    change.mrr_before,
                    change.mrr_after,
                    change.reason_id or change.close_reason_id,
                    change.subscription_id,
                )

    @api.model
    def _reason_required(self, change_type, mrr_before, mrr_after):
        """A change that lowers the MRR needs a reason: the one rule, used by
        the movements, the plan change and its wizard."""
        return change_type in FALLING_TYPES or (
            float_compare(
                mrr_after,
                mrr_before,
                precision_rounding=self.env.company.currency_id.rounding,
            )
            < 0
        )

    @api.model
    def _check_reason_given(self, change_type, mrr_before, mrr_after, reason, sub):
        if reason or not self._reason_required(change_type, mrr_before, mrr_after):
            return
        raise ValidationError(
            self.env._(
                "A reason is required: the %(type)s of %(name)s lowers its MRR "
                "from %(before)s to %(after)s. Set the reason for this change "
                "(or the close reason) and try again.",
                type=dict(CHANGE_TYPES)[change_type].lower(),
                name=sub.display_name,
                before=format_amount(self.env, mrr_before, sub.company_currency_id),
                after=format_amount(self.env, mrr_after, sub.company_currency_id),
            )
        )

    @api.constrains("quantity", "state")
    def _check_quantity(self):
        for change in self:
            if change.state == "scheduled" and change.quantity <= 0:
                raise ValidationError(
                    self.env._("A scheduled plan change needs a positive quantity.")
                )

    def write(self, vals):
        # Done movements are history, for everyone (superuser included).
        if set(vals) - EDITABLE_WHEN_DONE and any(
            change.state == "done" for change in self
        ):
            raise UserError(
                self.env._(
                    "A done MRR movement is history: only its note can be "
                    "changed. Record a new change of the subscription instead."
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_done(self):
        if any(change.state == "done" for change in self):
            raise UserError(
                self.env._(
                    "A done MRR movement is history and cannot be deleted. Cancel a "
                    "scheduled change instead."
                )
            )

    # ------------------------------------------------------------------
    # Scheduled plan changes
    # ------------------------------------------------------------------
    def action_cancel(self):
        """Cancel scheduled plan changes."""
        self.subscription_id.check_access("write")
        not_scheduled = self.filtered(lambda c: c.state != "scheduled")
        if not_scheduled:
            raise UserError(
                self.env._(
                    "Only a scheduled change can be cancelled; %(changes)s is not.",
                    changes=", ".join(not_scheduled.mapped("display_name")),
                )
            )
        self._cancel()
        return True

    def _cancel(self, why=None):
        """Cancel scheduled changes, noting it (and ``why``) on the subscription."""
        for change in self:
            change.sudo().state = "cancelled"
            if why:
                message = self.env._(
                    "Scheduled plan change to %(plan)s on %(date)s cancelled: "
                    "%(why)s.",
                    plan=change.to_product_id.display_name,
                    date=format_date(self.env, change.date),
                    why=why,
                )
            else:
                message = self.env._(
                    "Scheduled plan change to %(plan)s on %(date)s cancelled.",
                    plan=change.to_product_id.display_name,
                    date=format_date(self.env, change.date),
                )
            change.subscription_id.message_post(body=message)

    def _apply_scheduled(self):
        """Carry out a due scheduled change; it becomes the done movement."""
        self.ensure_one()
        sub = self.subscription_id.with_company(self.company_id)
        values = {
            "reason_id": self.reason_id.id,
            "note": self.note,
            "date": self.date,
            "user_id": self.user_id.id,
            "proration_mode": self.proration_mode,
        }
        if sub.stage_id.type == "post":
            self._cancel(self.env._("the subscription is closed"))
            return self
        if sub.plan_product_id != self.from_product_id:
            self._cancel(
                self.env._(
                    "the plan is %(plan)s now, not %(planned)s any more",
                    plan=sub.plan_product_id.display_name,
                    planned=self.from_product_id.display_name,
                )
            )
            return self
        preview = sub._cv_plan_change_preview(
            self.to_product_id,
            self.quantity or None,
            max(self.date, fields.Date.context_today(self)),
        )
        values["prorated_amount"] = preview["prorated_amount"]
        return sub._cv_apply_plan_change(preview, values, pending=self)

    @api.model
    def _cron_apply_scheduled_changes(self, batch_size=200):
        """Apply the scheduled plan changes that are due, by batches. Each change
        is applied in its own savepoint: one that fails stays scheduled and is
        logged on its subscription without blocking the others."""
        today = fields.Date.context_today(self)
        domain = [("state", "=", "scheduled"), ("date", "<=", today)]
        changes = self.search(domain, limit=batch_size, order="date, id")
        for change in changes:
            try:
                with self.env.cr.savepoint():
                    change._apply_scheduled()
            # One change that cannot be applied (Odoo's UserError family: a
            # plan archived, a reason missing, a rule...) must not stop the
            # job for the others: it is cancelled and noted on its
            # subscription. Other errors (database, code) stop the batch,
            # which rolls back and runs again.
            except UserError as error:
                _logger.info(
                    "Scheduled plan change %s not applied: %s", change.id, error
                )
                change.state = "cancelled"
                change.subscription_id.message_post(
                    body=self.env._(
                        "Scheduled plan change to %(plan)s could not be applied and "
                        "was cancelled: %(error)s",
                        plan=change.to_product_id.display_name,
                        error=error.args[0] if error.args else repr(error),
                    )
                )
        remaining = self.search_count(domain) if len(changes) == batch_size else 0
        self.env["ir.cron"]._notify_progress(done=len(changes), remaining=remaining)
        return changes

    # ------------------------------------------------------------------
    # Proration
    # ------------------------------------------------------------------
    def _proration_label(self):
        self.ensure_one()
        return self.env._(
            "Prorated %(type)s from %(from)s to %(to)s (%(date)s to %(end)s)",
            type=dict(CHANGE_TYPES)[self.change_type].lower(),
            to=self.to_product_id.display_name or "",
            date=format_date(self.env, self.date),
            end=format_date(self.env, self.subscription_id.recurring_next_date),
            **{"from": self.from_product_id.display_name or ""},
        )

    def _prepare_proration_invoice_line(self):
        self.ensure_one()
        product = self.to_product_id
        account = (
            product.property_account_income_id
            or product.categ_id.property_account_income_categ_id
        )
        values = {
            "product_id": product.id,
            "name": self._proration_label(),
            "quantity": 1.0,
            "price_unit": self.prorated_amount,
            "tax_ids": [
                fields.Command.set(
                    self.subscription_id.sale_subscription_line_ids.filtered(
                        lambda line: line.product_id == product
                    )[:1].tax_ids.ids
                )
            ],
            "product_uom_id": product.uom_id.id,
        }
        if account:
            values["account_id"] = account.id
        return values

    def _prepare_proration_order_line(self):
        self.ensure_one()
        return {
            "product_id": self.to_product_id.id,
            "name": self._proration_label(),
            "product_uom_qty": 1.0,
            "price_unit": self.prorated_amount,
        }

    def _create_proration_invoice(self):
        """One-off invoice (or credit note when the change lowers the price) for
        the prorated amount."""
        self.ensure_one()
        sub = self.subscription_id
        line = self._prepare_proration_invoice_line()
        move_type = "out_invoice"
        if self.prorated_amount < 0:
            move_type = "out_refund"
            line["price_unit"] = -self.prorated_amount
        move = (
            self.env["account.move"]
            .sudo()
            .with_company(sub.company_id)
            .create(
                {
                    "move_type": move_type,
                    "partner_id": sub.partner_id.id,
                    "currency_id": sub.currency_id.id,
                    "invoice_origin": sub.name,
                    "invoice_user_id": sub.user_id.id,
                    "subscription_id": sub.id,
                    "invoice_line_ids": [fields.Command.create(line)],
                }
            )
        )
        self.sudo().proration_invoice_id = move
        return move
