# Copyright 2026 customer_value contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, models


class SaleSubscriptionLine(models.Model):
    _inherit = "sale.subscription.line"

    # Edits of lines change the recurring revenue: whatever the entry point
    # (subscription form, line created over XML-RPC, code), the subscription
    # records the movement once, after the change.

    @api.model_create_multi
    def create(self, vals_list):
        if self.env.context.get("cv_tracking"):
            return super().create(vals_list)
        subs = self.env["sale.subscription"].browse(
            {
                vals["sale_subscription_id"]
                for vals in vals_list
                if vals.get("sale_subscription_id")
            }
        )
        before = subs._cv_snapshot()
        lines = super(SaleSubscriptionLine, self.with_context(cv_tracking=True)).create(
            vals_list
        )
        lines.sale_subscription_id.with_context(cv_tracking=True)._cv_record_movements(
            before
        )
        return lines.with_env(self.env)

    def write(self, vals):
        if self.env.context.get("cv_tracking"):
            return super().write(vals)
        subs = self.sale_subscription_id | self.env["sale.subscription"].browse(
            vals.get("sale_subscription_id") or []
        )
        before = subs._cv_snapshot()
        res = super(SaleSubscriptionLine, self.with_context(cv_tracking=True)).write(
            vals
        )
        subs.with_context(cv_tracking=True)._cv_record_movements(before)
        return res

    def unlink(self):
        if self.env.context.get("cv_tracking"):
            return super().unlink()
        subs = self.sale_subscription_id
        before = subs._cv_snapshot()
        res = super(SaleSubscriptionLine, self.with_context(cv_tracking=True)).unlink()
        subs.with_context(cv_tracking=True)._cv_record_movements(before)
        return res
