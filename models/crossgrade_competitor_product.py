# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models


class CrossgradeCompetitorProduct(models.Model):
    _name = "crossgrade.competitor.product"
    _inherit = ["customer.value.input.mixin"]
    _description = "Competitor Product"
    _order = "competitor_id, name"
    _check_company_auto = True

    name = fields.Char(required=True)
    competitor_id = fields.Many2one(
        "crossgrade.competitor",
        required=True,
        ondelete="restrict",
        index=True,
        check_company=True,
    )
    company_id = fields.Many2one(related="competitor_id.company_id", store=True)
    active = fields.Boolean(default=True)
    description = fields.Text()
    replacement_product_ids = fields.Many2many(
        "product.product",
        string="Replacement Products",
        help="Our products that replace this competitor product.",
        check_company=True,
    )

    _sql_constraints = [
        (
            "name_competitor_uniq",
            "unique(name, competitor_id)",
            "This competitor already has a product with this name.",
        ),
    ]

    @api.depends("name", "competitor_id.name")
    def _compute_display_name(self):
        for product in self:
            product.display_name = f"{product.competitor_id.name} {product.name}"
