# Copyright 2026 customer_value contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Monthly recurring revenue of a subscription.

Two figures:

- ``recurring_mrr``: what the subscription's lines cost per month today, in the
  subscription's currency (zero when it brings no revenue);
- ``mrr``: the MRR booked in the company currency, the sum of the subscription's
  done movements. Each movement converts its own change at the rate of its
  date, so exchange-rate drift is never a customer movement, and the MRR report
  (the sum of all movements) always equals the MRR of the subscriptions.
"""

from odoo import api, fields, models

# Length of one recurrence unit in months: a month is 365/12 days, so daily,
# weekly, monthly and yearly prices of the same yearly amount give the same MRR.
MONTHS_PER_UNIT = {
    "days": 12.0 / 365.0,
    "weeks": 12.0 * 7.0 / 365.0,
    "months": 1.0,
    "years": 12.0,
}


class SaleSubscription(models.Model):
    _inherit = "sale.subscription"

    revenue_active = fields.Boolean(
        compute="_compute_recurring_mrr",
        store=True,
        string="Counts in MRR",
        help="In progress and not in trial: the subscription brings recurring revenue.",
    )
    recurring_mrr = fields.Monetary(
        string="Monthly Price",
        compute="_compute_recurring_mrr",
        store=True,
        currency_field="currency_id",
        help="The recurring price normalised to one month (a month is 365/12 "
        "days), in the subscription's currency. Zero while the subscription is "
        "not in progress or still in trial.",
    )
    mrr = fields.Monetary(
        string="MRR",
        compute="_compute_mrr",
        store=True,
        currency_field="company_currency_id",
        help="Monthly recurring revenue booked in the company currency: the sum of "
        "the subscription's MRR movements. A subscription in another currency "
        "keeps the rate of the day of each movement.",
    )
    change_ids = fields.One2many(
        "sale.subscription.change", "subscription_id", string="MRR Movements"
    )

    @api.depends(
        "sale_subscription_line_ids",
        "sale_subscription_line_ids.price_subtotal",
        "sale_subscription_line_ids.amount_tax_line_amount",
    )
    def _compute_total(self):
        # subscription_oca only depends on the one2many itself: a line edited on
        # its own (over XML-RPC, by code, by a plan change) left the totals stale.
        return super()._compute_total()

    @api.depends(
        "recurring_total",
        "currency_id",
        "template_id.recurring_rule_type",
        "template_id.recurring_interval",
        "stage_id.type",
        "trial_state",
    )
    def _compute_recurring_mrr(self):
        for sub in self:
            active = sub.stage_id.type == "in_progress" and sub.trial_state != "trial"
            sub.revenue_active = active
            sub.recurring_mrr = (
                sub._cv_monthly_amount(sub.recurring_total) if active else 0.0
            )

    @api.depends("change_ids.state", "change_ids.mrr_delta")
    def _compute_mrr(self):
        booked = dict(
            self.env["sale.subscription.change"]
            .sudo()
            ._read_group(
                [("subscription_id", "in", self.ids), ("state", "=", "done")],
                ["subscription_id"],
                ["mrr_delta:sum"],
            )
        )
        for sub in self:
            sub.mrr = booked.get(sub._origin, 0.0)

    def _cv_monthly_amount(self, recurring_amount):
        """Normalise an amount per recurrence period to one month (subscription
        currency)."""
        self.ensure_one()
        template = self.template_id
        months = MONTHS_PER_UNIT.get(template.recurring_rule_type or "months", 1.0) * (
            template.recurring_interval or 1
        )
        currency = self.currency_id or self.company_id.currency_id
        return currency.round(recurring_amount / months)

    def _cv_to_company(self, amount, date):
        """``amount`` in the subscription currency, in the company currency at
        the rate of ``date``."""
        self.ensure_one()
        company = self.company_id or self.env.company
        currency = self.currency_id or company.currency_id
        if currency != company.currency_id:
            return currency._convert(amount, company.currency_id, company, date)
        return company.currency_id.round(amount)
