# Copyright 2026 customer_value contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models


class SaleSubscriptionLine(models.Model):
    _inherit = "sale.subscription.line"

    retention_discount = fields.Float(
        string="Retention Discount (%)",
        readonly=True,
        copy=False,
        help="Discount granted to keep the customer: the line's discount never "
        "goes below it, through plan changes and price updates.",
    )

    @api.depends("retention_discount")
    def _compute_discount(self):
        # subscription_oca recomputes the discount from the pricelist when the
        # product, price or quantity changes: the retention discount stays.
        res = super()._compute_discount()
        for line in self:
            if line.retention_discount > line.discount:
                line.discount = line.retention_discount
        return res

    # Edits of lines change the recurring revenue: whatever the entry point
    # (subscription form, line created over XML-RPC, code), the subscription
    # records the movement once, after the change.

    @api.model_create_multi
    def create(self, vals_list):
        subs = self.env["sale.subscription"].browse(
            {
                vals["sale_subscription_id"]
                for vals in vals_list
                if vals.get("sale_subscription_id")
            }
        )
        with subs._cv_tracking():
            return super().create(vals_list)

    def write(self, vals):
        subs = self.sale_subscription_id | self.env["sale.subscription"].browse(
            vals.get("sale_subscription_id") or []
        )
        with subs._cv_tracking():
            return super().write(vals)

    def unlink(self):
        with self.sale_subscription_id._cv_tracking():
            return super().unlink()
