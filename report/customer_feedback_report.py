# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models
from odoo.tools import SQL

from ..models.customer_feedback import CATEGORIES, SOURCES, STATES
from ..models.customer_feedback_touchpoint import METRICS
from .sql_view import create_sql_view

ASKED = ("sent", "answered", "expired")


class CustomerFeedbackReport(models.Model):
    """One row per request for feedback, with its figures as measures whose
    average is the usual score: NPS = average of +100 (promoter), 0 (passive)
    and -100 (detractor) over the NPS answers; CSAT = % satisfied; CES =
    average score and % easy; response rate = % of the requests sent that were
    answered. A measure is empty (NULL) on the rows it does not concern, so
    that the averages of any group are right."""

    _name = "customer.feedback.report"
    _description = "Customer Feedback Analysis"
    _auto = False
    _order = "date desc"
    _rec_name = "feedback_id"
    _depends = {
        "customer.feedback": [
            "date_answered",
            "date_requested",
            "date_scheduled",
            "touchpoint_id",
            "metric",
            "state",
            "category",
            "source",
            "score",
            "partner_id",
            "commercial_partner_id",
            "user_id",
            "company_id",
            "res_model",
            "res_id",
            "followup_state",
            "followup_user_id",
            "followup_date_open",
            "followup_deadline",
            "followup_date_done",
        ],
        "res.partner": ["country_id"],
        "sale.subscription": ["commercial_partner_id", "revenue_active"],
        "sale.subscription.line": [
            "sale_subscription_id",
            "product_id",
            "price_subtotal",
        ],
        "product.template": ["plan_family_id"],
    }

    feedback_id = fields.Many2one("customer.feedback", readonly=True)
    date = fields.Datetime(
        readonly=True, help="When the customer answered, else when they were asked."
    )
    date_requested = fields.Datetime(string="Requested On", readonly=True)
    touchpoint_id = fields.Many2one("customer.feedback.touchpoint", readonly=True)
    metric = fields.Selection(METRICS, readonly=True)
    state = fields.Selection(STATES, string="Status", readonly=True)
    category = fields.Selection(CATEGORIES, readonly=True)
    source = fields.Selection(SOURCES, string="Answered Through", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Contact", readonly=True)
    commercial_partner_id = fields.Many2one(
        "res.partner", string="Customer", readonly=True
    )
    category_ids = fields.Many2many(
        related="commercial_partner_id.category_id", string="Customer Tags"
    )
    country_id = fields.Many2one("res.country", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    plan_family_id = fields.Many2one(
        "subscription.plan.family",
        readonly=True,
        help="The plan family of the subscription the feedback is about, else of "
        "the customer's running subscription.",
    )
    company_id = fields.Many2one("res.company", readonly=True)
    followup_state = fields.Selection(
        [("open", "Open"), ("resolved", "Resolved")], string="Follow-up", readonly=True
    )
    followup_user_id = fields.Many2one(
        "res.users", string="Follow-up By", readonly=True
    )
    # measures (averages ignore the empty rows)
    score = fields.Float(string="Average Score", readonly=True, aggregator="avg")
    nps = fields.Float(string="NPS", readonly=True, aggregator="avg")
    promoter_rate = fields.Float(string="% Promoters", readonly=True, aggregator="avg")
    detractor_rate = fields.Float(
        string="% Detractors", readonly=True, aggregator="avg"
    )
    csat_rate = fields.Float(
        string="CSAT (% satisfied)", readonly=True, aggregator="avg"
    )
    ces_score = fields.Float(string="CES (average)", readonly=True, aggregator="avg")
    ces_easy_rate = fields.Float(string="CES (% easy)", readonly=True, aggregator="avg")
    response_rate = fields.Float(
        string="Response Rate (%)", readonly=True, aggregator="avg"
    )
    request_count = fields.Integer(string="Requests Sent", readonly=True)
    answer_count = fields.Integer(string="Answers", readonly=True)
    throttled_count = fields.Integer(string="Not Sent: Asked Recently", readonly=True)
    opted_out_count = fields.Integer(string="Not Sent: Opted Out", readonly=True)
    no_email_count = fields.Integer(string="Not Sent: No E-mail", readonly=True)
    followup_count = fields.Integer(string="Follow-ups", readonly=True)
    followup_hours = fields.Float(
        string="Hours to Resolve",
        readonly=True,
        aggregator="avg",
        help="From the unhappy answer to the follow-up's resolution.",
    )
    followup_on_time_rate = fields.Float(
        string="% Resolved in Time",
        readonly=True,
        aggregator="avg",
        help="Follow-ups resolved by their due time, among those resolved or "
        "overdue.",
    )

    def _query(self):
        return SQL(
            """
            WITH family_of_subscription AS NOT MATERIALIZED (
                SELECT DISTINCT ON (s.id)
                       s.id AS subscription_id, s.commercial_partner_id,
                       s.revenue_active, t.plan_family_id
                  FROM sale_subscription s
                  JOIN sale_subscription_line l ON l.sale_subscription_id = s.id
                  JOIN product_product p ON p.id = l.product_id
                  JOIN product_template t ON t.id = p.product_tmpl_id
                 WHERE t.plan_family_id IS NOT NULL
                 ORDER BY s.id, l.price_subtotal DESC, l.id
            ), family_of_customer AS NOT MATERIALIZED (
                SELECT DISTINCT ON (commercial_partner_id)
                       commercial_partner_id, plan_family_id
                  FROM family_of_subscription
                 WHERE revenue_active
                 ORDER BY commercial_partner_id, subscription_id DESC
            )
            SELECT f.id AS id,
                   f.id AS feedback_id,
                   COALESCE(f.date_answered, f.date_requested, f.date_scheduled)
                       AS date,
                   f.date_requested,
                   f.touchpoint_id,
                   f.metric,
                   f.state,
                   f.category,
                   f.source,
                   f.partner_id,
                   f.commercial_partner_id,
                   customer.country_id,
                   f.user_id,
                   COALESCE(document_family.plan_family_id,
                            customer_family.plan_family_id) AS plan_family_id,
                   f.company_id,
                   f.followup_state,
                   f.followup_user_id,
                   CASE WHEN f.state = 'answered' THEN f.score END AS score,
                   CASE WHEN f.state = 'answered' AND f.metric = 'nps' THEN
                        CASE f.category WHEN 'promoter' THEN 100.0
                                        WHEN 'detractor' THEN -100.0
                                        ELSE 0.0 END
                   END AS nps,
                   CASE WHEN f.state = 'answered' AND f.metric = 'nps' THEN
                        CASE WHEN f.category = 'promoter' THEN 100.0 ELSE 0.0 END
                   END AS promoter_rate,
                   CASE WHEN f.state = 'answered' AND f.metric = 'nps' THEN
                        CASE WHEN f.category = 'detractor' THEN 100.0 ELSE 0.0 END
                   END AS detractor_rate,
                   CASE WHEN f.state = 'answered' AND f.metric = 'csat' THEN
                        CASE WHEN f.category = 'satisfied' THEN 100.0 ELSE 0.0 END
                   END AS csat_rate,
                   CASE WHEN f.state = 'answered' AND f.metric = 'ces'
                        THEN f.score END AS ces_score,
                   CASE WHEN f.state = 'answered' AND f.metric = 'ces' THEN
                        CASE WHEN f.category = 'easy' THEN 100.0 ELSE 0.0 END
                   END AS ces_easy_rate,
                   CASE WHEN f.state IN %(asked)s THEN
                        CASE WHEN f.state = 'answered' THEN 100.0 ELSE 0.0 END
                   END AS response_rate,
                   (f.state IN %(asked)s)::int AS request_count,
                   (f.state = 'answered')::int AS answer_count,
                   (f.state = 'throttled')::int AS throttled_count,
                   (f.state = 'opted_out')::int AS opted_out_count,
                   (f.state = 'no_email')::int AS no_email_count,
                   (f.followup_state IS NOT NULL)::int AS followup_count,
                   CASE WHEN f.followup_state = 'resolved' THEN
                        EXTRACT(EPOCH FROM f.followup_date_done
                                - COALESCE(f.followup_date_open, f.date_answered))
                        / 3600.0
                   END AS followup_hours,
                   CASE WHEN f.followup_state = 'resolved' THEN
                        CASE WHEN f.followup_date_done <= f.followup_deadline
                             THEN 100.0 ELSE 0.0 END
                        WHEN f.followup_state = 'open'
                             AND f.followup_deadline < now() at time zone 'UTC'
                        THEN 0.0
                   END AS followup_on_time_rate
              FROM customer_feedback f
              JOIN res_partner customer ON customer.id = f.commercial_partner_id
         LEFT JOIN family_of_subscription document_family
                ON f.res_model = 'sale.subscription'
               AND document_family.subscription_id = f.res_id
         LEFT JOIN family_of_customer customer_family
                ON customer_family.commercial_partner_id = f.commercial_partner_id
            """,
            asked=ASKED,
        )

    def init(self):
        create_sql_view(self)
