# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Customers: the referrals they gave and their figures."""

from odoo import fields, models

from .customer_referral import create_referral_indexes


class ResPartner(models.Model):
    _inherit = "res.partner"

    referral_ids = fields.One2many(
        "customer.referral",
        "referrer_id",
        string="Referrals Given",
        readonly=True,
        groups="sales_team.group_sale_salesman",
    )
    referral_count = fields.Integer(
        compute="_compute_referral_figures",
        string="Referrals",
        groups="sales_team.group_sale_salesman",
    )
    referral_won_count = fields.Integer(
        compute="_compute_referral_figures",
        string="Referrals Won",
        groups="sales_team.group_sale_salesman",
    )
    referral_revenue = fields.Monetary(
        compute="_compute_referral_figures",
        string="Revenue from Referrals",
        currency_field="subscription_mrr_currency_id",
        groups="sales_team.group_sale_salesman",
    )

    def init(self):
        # the partners with a referral's e-mail or phone are found by index
        # (dropped by the uninstall hook)
        res = super().init()
        create_referral_indexes(self.env.cr, self._table)
        return res

    def _compute_referral_figures(self):
        figures = {
            referrer: (count, won, revenue)
            for referrer, count, won, revenue in self.env[
                "customer.referral"
            ]._read_group(
                [
                    ("referrer_id", "in", self.commercial_partner_id.ids),
                    ("company_id", "=", self.env.company.id),
                ],
                ["referrer_id"],
                ["__count", "won_count:sum", "revenue:sum"],
            )
        }
        for partner in self:
            (
                partner.referral_count,
                partner.referral_won_count,
                partner.referral_revenue,
            ) = figures.get(partner.commercial_partner_id, (0, 0, 0.0))

    def action_view_referrals(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_value.customer_referral_action"
        )
        partner = self.commercial_partner_id
        action["domain"] = [("referrer_id", "=", partner.id)]
        action["context"] = {"default_referrer_id": partner.id}
        return action

    def action_open_referral_intake(self):
        """The wizard where a salesperson enters the names a customer gives."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_value.customer_referral_intake_action"
        )
        action["context"] = {
            "default_referrer_contact_id": self.id,
        }
        return action
