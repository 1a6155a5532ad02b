# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    crossgrade_explanation = fields.Char(
        compute="_compute_crossgrade_explanation",
        string="Crossgrade",
        help="Why the price of the sale order line invoiced here: the "
        "crossgrade price the customer got for migrating from a competitor.",
    )

    @api.depends("sale_line_ids")
    def _compute_crossgrade_explanation(self):
        for line in self:
            line.crossgrade_explanation = (
                line.sale_line_ids.filtered("crossgrade_explanation")[
                    :1
                ].crossgrade_explanation
                or False
            )
