# Copyright 2026 customer_value contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SubscriptionPlanFeatureValue(models.Model):
    _name = "subscription.plan.feature.value"
    _inherit = ["customer.value.input.mixin"]
    _description = "Feature Value of a Plan"
    _order = "feature_id, product_tmpl_id"
    _rec_name = "display_value"

    feature_id = fields.Many2one(
        "subscription.plan.feature",
        required=True,
        ondelete="cascade",
        index=True,
    )
    family_id = fields.Many2one(related="feature_id.family_id", store=True)
    company_id = fields.Many2one(related="feature_id.company_id", store=True)
    product_tmpl_id = fields.Many2one(
        "product.template",
        string="Plan",
        required=True,
        ondelete="cascade",
        index=True,
        domain="[('plan_family_id', '=', family_id)]",
    )
    value_type = fields.Selection(
        [
            ("included", "Included"),
            ("quantity", "Quantity"),
            ("excluded", "Not included"),
        ],
        string="Availability",
        required=True,
        default="included",
    )
    value = fields.Char(
        translate=True, help='What the plan gives, for instance "5 seats".'
    )
    display_value = fields.Char(compute="_compute_display_value", string="Plan Value")

    _sql_constraints = [
        (
            "feature_plan_uniq",
            "unique(feature_id, product_tmpl_id)",
            "A feature has one value per plan.",
        ),
    ]

    @api.depends("value_type", "value")
    def _compute_display_value(self):
        labels = dict(self._fields["value_type"]._description_selection(self.env))
        for rec in self:
            if rec.value_type == "quantity":
                rec.display_value = rec.value or ""
            else:
                rec.display_value = labels.get(rec.value_type, "")

    @api.constrains("value_type", "value", "product_tmpl_id", "feature_id")
    def _check_value(self):
        for rec in self:
            if rec.value_type == "quantity" and not (rec.value or "").strip():
                raise ValidationError(
                    self.env._(
                        'Feature "%(feature)s" on plan "%(plan)s": give the quantity '
                        '(for instance "5 seats") or choose Included / Not included.',
                        feature=rec.feature_id.name,
                        plan=rec.product_tmpl_id.name,
                    )
                )
            if rec.product_tmpl_id.plan_family_id != rec.feature_id.family_id:
                raise ValidationError(
                    self.env._(
                        'Product "%(plan)s" is not a plan of the family "%(family)s".',
                        plan=rec.product_tmpl_id.name,
                        family=rec.feature_id.family_id.name,
                    )
                )
