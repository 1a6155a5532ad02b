# Copyright 2026 customer_value contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ProductTemplate(models.Model):
    _inherit = "product.template"

    plan_family_id = fields.Many2one(
        "subscription.plan.family",
        index=True,
        ondelete="restrict",
        help="Subscription plans of one family can be upgraded or downgraded into "
        "each other.",
    )
    plan_tier = fields.Integer(
        help="Rank of the plan in its family: the higher, the richer "
        "(Basic 1 < Pro 2 < Enterprise 3).",
    )
    plan_feature_value_ids = fields.One2many(
        "subscription.plan.feature.value", "product_tmpl_id", string="Plan Features"
    )

    @api.constrains("plan_family_id", "plan_tier")
    def _check_plan_tier(self):
        for tmpl in self.filtered("plan_family_id"):
            if tmpl.plan_tier <= 0:
                raise ValidationError(
                    self.env._(
                        'Plan "%(plan)s": the tier must be a positive number '
                        "(1 for the entry plan).",
                        plan=tmpl.name,
                    )
                )
        families = self.plan_family_id
        if not families:
            return
        clashes = self._read_group(
            [("plan_family_id", "in", families.ids)],
            ["plan_family_id", "plan_tier"],
            ["id:array_agg"],
            having=[("__count", ">", 1)],
        )
        for family, tier, ids in clashes:
            names = ", ".join(self.browse(ids).mapped("name"))
            raise ValidationError(
                self.env._(
                    'Plans %(plans)s share tier %(tier)s in family "%(family)s": '
                    "each plan of a family needs its own tier.",
                    plans=names,
                    tier=tier,
                    family=family.name,
                )
            )
