# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models

CHECK_CATEGORIES = [
    ("infrastructure", "Infrastructure"),
    ("database", "Database"),
    ("network", "Network"),
    ("people", "People and training"),
    ("continuity", "Continuity and rollback"),
    ("other", "Other"),
]


class CrossgradeCheckTemplate(models.Model):
    _name = "crossgrade.check.template"
    _inherit = ["customer.value.input.mixin"]
    _description = "Migration Check Template"
    _order = "sequence, id"
    _check_company_auto = True

    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    description = fields.Text(translate=True)
    category = fields.Selection(CHECK_CATEGORIES, required=True, default="other")
    blocking = fields.Boolean(
        help="An open blocking check raises the risk of the migration and "
        "prevents marking it done."
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company")
    competitor_ids = fields.Many2many(
        "crossgrade.competitor",
        string="Competitors",
        check_company=True,
        help="Only for migrations from these competitors; empty means all.",
    )
    competitor_product_ids = fields.Many2many(
        "crossgrade.competitor.product",
        string="Competitor Products",
        check_company=True,
        help="Only for migrations from these competitor products; empty means " "all.",
    )

    @api.model
    def _for_origin(self, origin):
        """Templates that apply to a migration from ``origin``."""
        return self.search(
            [
                ("company_id", "in", [False, origin.company_id.id]),
                "|",
                ("competitor_ids", "=", False),
                ("competitor_ids", "in", origin.competitor_id.ids),
                "|",
                ("competitor_product_ids", "=", False),
                ("competitor_product_ids", "in", origin.competitor_product_id.ids),
            ]
        )
