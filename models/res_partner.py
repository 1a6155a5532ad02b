# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from collections import defaultdict

from odoo import fields, models
from odoo.tools import SQL


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

    def _compute_subscription_mrr(self):
        commercial = self.commercial_partner_id
        company = self.env.company
        mrr = dict(
            self.env["sale.subscription"]._read_group(
                [
                    ("commercial_partner_id", "in", commercial.ids),
                    ("company_id", "=", company.id),
                    ("revenue_active", "=", True),
                ],
                ["commercial_partner_id"],
                ["mrr:sum"],
            )
        )
        last = {}
        Change = self.env["sale.subscription.change"]
        if commercial:
            Change.flush_model(["partner_id", "company_id", "state", "date"])
            query = Change._search(
                [
                    ("partner_id", "in", commercial.ids),
                    ("company_id", "=", company.id),
                    ("state", "=", "done"),
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

    # Vouchers

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

    # Customer feedback

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
