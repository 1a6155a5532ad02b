# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Customers: their vouchers and voucher figures."""

from collections import defaultdict

from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    voucher_ids = fields.One2many(
        "customer.voucher",
        "partner_id",
        string="Vouchers",
        readonly=True,
        groups="sales_team.group_sale_salesman",
    )
    voucher_count = fields.Integer(
        compute="_compute_voucher_figures", groups="sales_team.group_sale_salesman"
    )
    voucher_available_count = fields.Integer(
        compute="_compute_voucher_figures",
        string="Unused Vouchers",
        groups="sales_team.group_sale_salesman",
    )
    voucher_redemption_rate = fields.Float(
        compute="_compute_voucher_figures",
        string="Voucher Redemption",
        help="Redeemed vouchers out of the customer's vouchers (cancelled ones "
        "aside).",
        groups="sales_team.group_sale_salesman",
    )
    voucher_value_available = fields.Monetary(
        compute="_compute_voucher_figures",
        currency_field="subscription_mrr_currency_id",
        groups="sales_team.group_sale_salesman",
    )
    voucher_value_expired = fields.Monetary(
        compute="_compute_voucher_figures",
        string="Voucher Breakage",
        currency_field="subscription_mrr_currency_id",
        groups="sales_team.group_sale_salesman",
    )

    def _compute_voucher_figures(self):
        # One aggregate per customer and state; cancelled vouchers left out.
        figures = defaultdict(lambda: defaultdict(lambda: (0, 0.0)))
        for partner, state, count, value in self.env["customer.voucher"]._read_group(
            [
                ("partner_id", "in", self.commercial_partner_id.ids),
                ("company_id", "=", self.env.company.id),
                ("state", "!=", "cancelled"),
            ],
            ["partner_id", "state"],
            ["__count", "value:sum"],
        ):
            figures[partner][state] = (count, value)
        for partner in self:
            by_state = figures[partner.commercial_partner_id]
            count = sum(count for count, _value in by_state.values())
            partner.voucher_count = count
            partner.voucher_available_count = by_state["available"][0]
            partner.voucher_redemption_rate = (
                100.0 * by_state["redeemed"][0] / count if count else 0.0
            )
            partner.voucher_value_available = by_state["available"][1]
            partner.voucher_value_expired = by_state["expired"][1]

    def action_view_vouchers(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_value.customer_voucher_action"
        )
        partner = self.commercial_partner_id
        # the set the customer's figures count: this company's vouchers,
        # the unused ones first (the button's count)
        action["domain"] = [
            ("partner_id", "=", partner.id),
            ("company_id", "=", self.env.company.id),
        ]
        action["context"] = {
            "default_partner_id": partner.id,
            "search_default_available": 1,
        }
        return action
