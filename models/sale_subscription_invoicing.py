# Copyright 2026 customer_value contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Prorated plan changes on subscription_oca's invoices and renewal orders."""

from dateutil.relativedelta import relativedelta

from odoo import Command, models

from .formatting import format_date


class SaleSubscription(models.Model):
    _inherit = "sale.subscription"

    def _cv_period_billed(self):
        """Whether the current period was billed: by an invoice of the
        subscription (modes draft, invoice, invoice & send), by a renewal order
        (mode sale order & invoice) or by the sale order that created it."""
        self.ensure_one()
        return bool(self.invoice_ids or self.sale_order_ids or self.sale_order_id)

    def _cv_prorate(self, period_delta, effective_date):
        """Share of ``period_delta`` for the rest of the current billed period."""
        self.ensure_one()
        next_date = self.recurring_next_date
        template = self.template_id
        if not next_date or effective_date >= next_date or not self._cv_period_billed():
            return 0.0
        period_start = next_date - self._cv_period()
        total_days = (next_date - period_start).days
        remaining = (next_date - max(effective_date, period_start)).days
        if total_days <= 0 or not template:
            return 0.0
        return self.currency_id.round(period_delta * remaining / total_days)

    def _cv_proration_note(self, effective_date):
        """What the prorated amount of a change on ``effective_date`` covers,
        in words, or why there is none."""
        self.ensure_one()
        next_date = self.recurring_next_date
        if not next_date:
            return self.env._(
                "The subscription has no next invoice date: nothing is prorated."
            )
        if effective_date >= next_date:
            return self.env._(
                "The change starts with the period invoiced on %(date)s: nothing "
                "is prorated.",
                date=format_date(self.env, next_date),
            )
        if not self.template_id:
            return self.env._(
                "The subscription has no template (no billing period): nothing "
                "is prorated."
            )
        if not self._cv_period_billed():
            return self.env._(
                "The current period has not been invoiced: nothing is prorated. "
                "The next invoice, on %(date)s, bills the new plan.",
                date=format_date(self.env, next_date),
            )
        period_start = next_date - self._cv_period()
        return self.env._(
            "The difference for the %(days)s days from %(start)s to %(end)s, "
            "already invoiced at the current price.",
            days=(next_date - max(effective_date, period_start)).days,
            start=format_date(self.env, max(effective_date, period_start)),
            end=format_date(self.env, next_date),
        )

    def _cv_period(self):
        """Length of one billing period."""
        self.ensure_one()
        unit = self.template_id.recurring_rule_type or "months"
        return relativedelta(**{unit: self.template_id.recurring_interval or 1})

    def _cv_pending_prorations(self):
        return self.env["sale.subscription.change"].search(
            [
                ("subscription_id", "in", self.ids),
                ("state", "=", "done"),
                ("proration_mode", "=", "next_invoice"),
                ("prorated_amount", "!=", 0),
                ("proration_invoice_id", "=", False),
                ("proration_order_id", "=", False),
            ],
            order="date, id",
        )

    def _prepare_account_move(self, line_ids):
        values = super()._prepare_account_move(line_ids)
        pending = self.env["sale.subscription.change"].browse(
            self.env.context.get("cv_proration_change_ids", [])
        )
        values["invoice_line_ids"] = list(values.get("invoice_line_ids") or []) + [
            Command.create(change._prepare_proration_invoice_line())
            for change in pending
        ]
        return values

    def create_invoice(self):
        pending = self._cv_pending_prorations()
        invoice = super(
            SaleSubscription, self.with_context(cv_proration_change_ids=pending.ids)
        ).create_invoice()
        if invoice and pending:
            pending.sudo().proration_invoice_id = invoice
        return invoice

    def _prepare_sale_order(self, line_ids=False):
        values = super()._prepare_sale_order(line_ids)
        pending = self.env["sale.subscription.change"].browse(
            self.env.context.get("cv_proration_change_ids", [])
        )
        if pending:
            values["order_line"] = list(values.get("order_line") or []) + [
                Command.create(change._prepare_proration_order_line())
                for change in pending
            ]
        return values

    def create_sale_order(self):
        pending = self._cv_pending_prorations()
        order = super(
            SaleSubscription, self.with_context(cv_proration_change_ids=pending.ids)
        ).create_sale_order()
        if order and pending:
            pending.sudo().proration_order_id = order
        return order
