# Copyright 2026 customer_value contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models

OUTCOMES = [
    ("saved_by_downgrade", "Saved by a downgrade"),
    ("saved_by_offer", "Saved by a retention offer"),
    ("churned", "Churned"),
]


class SaleSubscriptionRetention(models.Model):
    _name = "sale.subscription.retention"
    _inherit = ["customer.value.input.mixin"]
    _description = "Subscription Cancellation Request"
    _order = "date desc, id desc"
    _check_company_auto = True

    subscription_id = fields.Many2one(
        "sale.subscription",
        required=True,
        index=True,
        ondelete="restrict",
    )
    company_id = fields.Many2one(
        related="subscription_id.company_id", store=True, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        check_company=True,
    )
    date = fields.Date(required=True, default=fields.Date.context_today, index=True)
    user_id = fields.Many2one(
        "res.users", string="Handled by", default=lambda self: self.env.user
    )
    close_reason_id = fields.Many2one(
        "sale.subscription.close.reason",
        string="Reason to Cancel",
        ondelete="restrict",
    )
    outcome = fields.Selection(OUTCOMES, required=True, index=True)
    saved = fields.Float(
        string="Retention Rate (%)",
        compute="_compute_saved",
        store=True,
        aggregator="avg",
        help="100 when the customer stayed, 0 when they left: its average is the "
        "retention rate (saved / asked to cancel).",
    )
    from_product_id = fields.Many2one("product.product", string="Plan Before")
    to_product_id = fields.Many2one("product.product", string="Plan After")
    discount = fields.Float(string="Offered Discount (%)", aggregator="avg")
    mrr_before = fields.Monetary(string="MRR Before", currency_field="currency_id")
    mrr_kept = fields.Monetary(
        string="MRR Kept",
        currency_field="currency_id",
        help="The MRR the customer still brings after the outcome.",
    )
    change_id = fields.Many2one(
        "sale.subscription.change", string="Movement", ondelete="set null"
    )

    @api.depends("outcome")
    def _compute_saved(self):
        for rec in self:
            rec.saved = 0.0 if rec.outcome == "churned" else 100.0
