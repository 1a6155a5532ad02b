# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Customers: their feedback figures."""

from collections import defaultdict

from odoo import fields, models
from odoo.tools import SQL


class ResPartner(models.Model):
    _inherit = "res.partner"

    feedback_ids = fields.One2many(
        "customer.feedback",
        "commercial_partner_id",
        readonly=True,
        groups="sales_team.group_sale_salesman",
    )
    feedback_count = fields.Integer(
        compute="_compute_feedback_figures", groups="sales_team.group_sale_salesman"
    )
    feedback_followup_count = fields.Integer(
        compute="_compute_feedback_figures",
        string="Open Follow-ups",
        groups="sales_team.group_sale_salesman",
    )
    feedback_nps_category = fields.Selection(
        [("promoter", "Promoter"), ("passive", "Passive"), ("detractor", "Detractor")],
        compute="_compute_feedback_figures",
        string="NPS Category",
        help="The category of the customer's latest NPS answer.",
        groups="sales_team.group_sale_salesman",
    )
    feedback_last_scores = fields.Char(
        compute="_compute_feedback_figures",
        string="Latest Scores",
        help="The customer's latest answer to each metric.",
        groups="sales_team.group_sale_salesman",
    )

    def _compute_feedback_figures(self):
        Feedback = self.env["customer.feedback"]
        customers = self.commercial_partner_id
        counts = defaultdict(lambda: [0, 0])
        for partner, followup_state, count in Feedback._read_group(
            [("commercial_partner_id", "in", customers.ids)],
            ["commercial_partner_id", "followup_state"],
            ["__count"],
        ):
            counts[partner][0] += count
            if followup_state == "open":
                counts[partner][1] += count
        latest = defaultdict(dict)
        if customers.ids:
            # the latest answer per customer and metric, the user's records only
            query = Feedback._search(
                [
                    ("commercial_partner_id", "in", customers.ids),
                    ("state", "=", "answered"),
                ]
            )
            rows = self.env.execute_query(
                SQL(
                    """
                    SELECT DISTINCT ON (f.commercial_partner_id, f.metric)
                           f.commercial_partner_id, f.metric, f.score, f.category
                      FROM customer_feedback f
                     WHERE f.id IN %s
                     ORDER BY f.commercial_partner_id, f.metric,
                              f.date_answered DESC, f.id DESC
                    """,
                    query.subselect(),
                )
            )
            for partner_id, metric, score, category in rows:
                latest[partner_id][metric] = (score, category)
        for partner in self:
            customer = partner.commercial_partner_id
            partner.feedback_count, partner.feedback_followup_count = counts[customer]
            scores = latest[customer.id]
            partner.feedback_nps_category = scores.get("nps", (None, False))[1]
            partner.feedback_last_scores = (
                " · ".join(
                    f"{label} {scores[metric][0]}"
                    for metric, label in (
                        ("nps", "NPS"),
                        ("csat", "CSAT"),
                        ("ces", "CES"),
                    )
                    if metric in scores
                )
                or False
            )

    def action_view_feedback(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_value.customer_feedback_action"
        )
        action["domain"] = [
            ("commercial_partner_id", "=", self.commercial_partner_id.id)
        ]
        return action

    def _main_feedback_contact(self):
        """Whom to ask for feedback: this contact if it has an e-mail, else the
        customer's main contact (the company, else its first contact with an
        e-mail)."""
        partner = self[:1]
        if not partner or partner.email:
            return partner
        customer = partner.commercial_partner_id
        if customer.email:
            return customer
        return customer.child_ids.filtered("email")[:1] or partner
