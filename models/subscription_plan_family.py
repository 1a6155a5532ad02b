# Copyright 2026 customer_value contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models


class SubscriptionPlanFamily(models.Model):
    _name = "subscription.plan.family"
    _inherit = ["customer.value.input.mixin"]
    _description = "Subscription Plan Family"
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    description = fields.Html(
        translate=True, help="Shown to the customer above the plan comparison."
    )
    company_id = fields.Many2one("res.company", index=True)
    product_tmpl_ids = fields.One2many(
        "product.template", "plan_family_id", string="Plans"
    )
    feature_ids = fields.One2many(
        "subscription.plan.feature", "family_id", string="Features", copy=True
    )
    plan_count = fields.Integer(
        compute="_compute_plan_count",
    )

    _sql_constraints = [
        (
            "name_company_uniq",
            "unique(name, company_id)",
            "A plan family with this name already exists in this company.",
        ),
    ]

    @api.depends("product_tmpl_ids")
    def _compute_plan_count(self):
        counts = dict(
            self.env["product.template"]._read_group(
                [("plan_family_id", "in", self.ids)], ["plan_family_id"], ["__count"]
            )
        )
        for family in self:
            family.plan_count = counts.get(family, 0)

    def _get_plans(self):
        """Product templates of the family, lowest tier first."""
        self.ensure_one()
        return self.product_tmpl_ids.sorted(lambda tmpl: (tmpl.plan_tier, tmpl.id))

    def _get_feature_matrix(self):
        """Rows of the comparison table: (feature, [value or False per plan])."""
        self.ensure_one()
        plans = self._get_plans()
        values = {
            (value.feature_id, value.product_tmpl_id): value
            for value in self.feature_ids.value_ids
        }
        return plans, [
            (feature, [values.get((feature, plan)) for plan in plans])
            for feature in self.feature_ids.sorted(lambda f: (f.sequence, f.id))
        ]

    def action_view_plans(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sale.product_template_action"
        )
        action["domain"] = [("plan_family_id", "=", self.id)]
        action["context"] = {
            "default_plan_family_id": self.id,
            "default_subscribable": True,
        }
        return action
