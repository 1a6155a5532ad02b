# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Customers: the competitor products they use (crossgrade origins)."""

from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    crossgrade_origin_ids = fields.One2many(
        "crossgrade.origin",
        "partner_id",
        string="Competitor Products Used",
        help="Competitor products this customer uses now (crossgrade origins).",
        groups="sales_team.group_sale_salesman",
    )
    crossgrade_origin_count = fields.Integer(
        compute="_compute_crossgrade_origin_count",
        string="Crossgrade Origins",
        groups="sales_team.group_sale_salesman",
    )

    def _compute_crossgrade_origin_count(self):
        counts = dict(
            self.env["crossgrade.origin"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids)],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.crossgrade_origin_count = counts.get(
                partner.commercial_partner_id, 0
            )

    def action_view_crossgrade_origins(self):
        self.ensure_one()
        partner = self.commercial_partner_id
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_value.crossgrade_origin_action"
        )
        action["domain"] = [("partner_id", "=", partner.id)]
        action["context"] = {"default_partner_id": partner.id}
        return action
