# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models


class CrossgradeCompetitor(models.Model):
    _name = "crossgrade.competitor"
    _description = "Competitor"
    _inherit = ["mail.thread", "customer.value.input.mixin"]
    _order = "name"
    _check_company_auto = True

    name = fields.Char(required=True, translate=False, tracking=True)
    website = fields.Char()
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company",
        help="Leave empty to share this competitor between all companies.",
    )
    note = fields.Html()
    product_ids = fields.One2many(
        "crossgrade.competitor.product",
        "competitor_id",
        string="Products",
        context={"active_test": False},
    )
    product_count = fields.Integer(compute="_compute_counts")
    origin_count = fields.Integer(compute="_compute_counts")

    _sql_constraints = [
        (
            "name_company_uniq",
            "unique(name, company_id)",
            "A competitor with this name already exists.",
        ),
    ]

    @api.depends("product_ids")
    def _compute_counts(self):
        products = dict(
            self.env["crossgrade.competitor.product"]._read_group(
                [("competitor_id", "in", self.ids)], ["competitor_id"], ["__count"]
            )
        )
        origins = dict(
            self.env["crossgrade.origin"]._read_group(
                [("competitor_id", "in", self.ids)], ["competitor_id"], ["__count"]
            )
        )
        for competitor in self:
            competitor.product_count = products.get(competitor, 0)
            competitor.origin_count = origins.get(competitor, 0)

    def action_view_origins(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_value.crossgrade_origin_action"
        )
        action["domain"] = [("competitor_id", "=", self.id)]
        action["context"] = {"default_competitor_id": self.id}
        return action
