# Copyright 2026 customer_value contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class SubscriptionPlanFeature(models.Model):
    _name = "subscription.plan.feature"
    _inherit = ["customer.value.input.mixin"]
    _description = "Subscription Plan Feature"
    _order = "family_id, sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    description = fields.Char(translate=True)
    family_id = fields.Many2one(
        "subscription.plan.family",
        string="Plan Family",
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(related="family_id.company_id", store=True)
    value_ids = fields.One2many(
        "subscription.plan.feature.value",
        "feature_id",
        string="Value per Plan",
        copy=True,
    )
