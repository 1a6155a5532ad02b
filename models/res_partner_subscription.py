# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Customers: their current MRR and its history."""

from odoo import fields, models
from odoo.tools import SQL

from .sale_subscription_change import ADJUSTMENT_TYPES


class ResPartner(models.Model):
    _inherit = "res.partner"

    subscription_mrr = fields.Monetary(
        compute="_compute_subscription_mrr",
        string="Current MRR",
        currency_field="subscription_mrr_currency_id",
        help="Monthly recurring revenue of the customer's subscriptions in progress "
        "(company currency).",
        groups="sales_team.group_sale_salesman",
    )
    subscription_mrr_currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_subscription_mrr",
        groups="sales_team.group_sale_salesman",
    )
    subscription_change_ids = fields.One2many(
        "sale.subscription.change",
        "partner_id",
        string="MRR History",
        domain=[("state", "=", "done")],
        groups="sales_team.group_sale_salesman",
    )
    last_subscription_change_id = fields.Many2one(
        "sale.subscription.change",
        compute="_compute_subscription_mrr",
        string="Last MRR Movement",
        groups="sales_team.group_sale_salesman",
    )

    def _current_mrr(self, company):
        """{commercial partner: MRR of its running subscriptions in
        ``company``} for these partners' commercial partners, within the
        subscriptions the user may read; one aggregate query."""
        return dict(
            self.env["sale.subscription"]._read_group(
                [
                    ("commercial_partner_id", "in", self.commercial_partner_id.ids),
                    ("company_id", "=", company.id),
                    ("revenue_active", "=", True),
                ],
                ["commercial_partner_id"],
                ["mrr:sum"],
            )
        )

    def _compute_subscription_mrr(self):
        commercial = self.commercial_partner_id
        company = self.env.company
        mrr = self._current_mrr(company)
        last = {}
        Change = self.env["sale.subscription.change"]
        if commercial:
            Change.flush_model(["partner_id", "company_id", "state", "date"])
            query = Change._search(
                [
                    ("partner_id", "in", commercial.ids),
                    ("company_id", "=", company.id),
                    ("state", "=", "done"),
                    # a correction of the history is no change of the customer
                    ("change_type", "not in", ADJUSTMENT_TYPES),
                ]
            )
            self.env.cr.execute(
                SQL(
                    "SELECT DISTINCT ON (%(partner)s) %(partner)s, %(id)s "
                    "FROM %(from)s WHERE %(where)s "
                    "ORDER BY %(partner)s, %(date)s DESC, %(id)s DESC",
                    partner=Change._field_to_sql(Change._table, "partner_id", query),
                    id=Change._field_to_sql(Change._table, "id", query),
                    date=Change._field_to_sql(Change._table, "date", query),
                    **{"from": query.from_clause, "where": query.where_clause},
                )
            )
            last = dict(self.env.cr.fetchall())
        for partner in self:
            partner.subscription_mrr_currency_id = company.currency_id
            partner.subscription_mrr = mrr.get(partner.commercial_partner_id, 0.0)
            partner.last_subscription_change_id = Change.browse(
                last.get(partner.commercial_partner_id.id)
            )

    def action_view_subscription_changes(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_value.sale_subscription_change_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        return action
