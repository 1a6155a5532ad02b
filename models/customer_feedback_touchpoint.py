# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import logging
from datetime import timedelta

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# metric: (lowest score, highest score)
METRIC_SCALES = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}
METRICS = [
    ("nps", "NPS (0-10)"),
    ("csat", "CSAT (1-5)"),
    ("ces", "CES (1-7)"),
]
TRIGGERS = [
    ("manual", "Manual"),
    ("sale_confirmed", "Sale order confirmed"),
    ("migration_done", "Crossgrade migration done"),
    ("voucher_redeemed", "Voucher redeemed"),
    ("subscription_started", "Subscription started"),
    ("subscription_upgraded", "Subscription upgraded"),
    ("subscription_downgraded", "Subscription downgraded"),
    ("subscription_closed", "Subscription closed"),
    ("periodic", "Every N days, active customers"),
]


class CustomerFeedbackTouchpoint(models.Model):
    """A moment where the company asks its customers how it went: which
    metric, which question, when (trigger and delay), and who follows up an
    unhappy answer."""

    _name = "customer.feedback.touchpoint"
    _inherit = ["customer.value.input.mixin"]
    _description = "Feedback Touchpoint"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", index=True, help="Empty: the touchpoint serves all companies."
    )
    metric = fields.Selection(METRICS, required=True, default="nps")
    question = fields.Char(
        required=True,
        translate=True,
        compute="_compute_question",
        store=True,
        readonly=False,
        precompute=True,
        help="Asked in the e-mail and on the answer page.",
    )
    trigger = fields.Selection(TRIGGERS, required=True, default="manual")
    period_days = fields.Integer(
        string="Every (days)",
        default=90,
        help="For the periodic trigger: how often each active customer is asked.",
    )
    delay_days = fields.Integer(
        string="Delay (days)",
        help="Days between the trigger and the request (0: the next run of the "
        "sending job).",
    )
    mail_template_id = fields.Many2one(
        "mail.template",
        string="E-mail Template",
        domain=[("model", "=", "customer.feedback")],
        help="Empty: the addon's default feedback request e-mail.",
    )
    survey_id = fields.Many2one(
        "survey.survey",
        domain=[("question_ids.question_type", "=", "scale")],
        help="For a longer questionnaire: the e-mail links to this survey instead "
        "of the one-click scale, and the answer to its first scale question "
        "becomes the feedback's score.",
    )
    followup_user_id = fields.Many2one(
        "res.users",
        string="Follow-up Responsible",
        help="Follows up the unhappy answers of customers without a salesperson.",
    )
    followup_hours = fields.Integer(
        string="Follow-up Within (hours)",
        default=48,
        help="An unhappy answer gets a follow-up activity due within this time.",
    )
    feedback_count = fields.Integer(compute="_compute_feedback_count")

    @api.depends("metric")
    def _compute_question(self):
        # a default question follows the metric; a question of one's own stays
        defaults = self._default_questions()
        for touchpoint in self:
            if not touchpoint.question or touchpoint.question in defaults.values():
                touchpoint.question = defaults[touchpoint.metric]

    def _default_questions(self):
        return {
            "nps": self.env._(
                "How likely are you to recommend us to a friend or colleague?"
            ),
            "csat": self.env._("How satisfied are you with our service?"),
            "ces": self.env._(
                "How much do you agree: the company made it easy for me to handle "
                "my issue."
            ),
        }

    def _compute_feedback_count(self):
        counts = dict(
            self.env["customer.feedback"]._read_group(
                [("touchpoint_id", "in", self.ids)], ["touchpoint_id"], ["__count"]
            )
        )
        for touchpoint in self:
            touchpoint.feedback_count = counts.get(touchpoint, 0)

    @api.constrains("delay_days", "period_days", "followup_hours", "trigger")
    def _check_numbers(self):
        for touchpoint in self:
            if touchpoint.delay_days < 0 or touchpoint.followup_hours < 0:
                raise ValidationError(
                    self.env._(
                        "Touchpoint %(name)s: the delay and the follow-up time "
                        "cannot be negative.",
                        name=touchpoint.display_name,
                    )
                )
            if touchpoint.trigger == "periodic" and touchpoint.period_days <= 0:
                raise ValidationError(
                    self.env._(
                        "Touchpoint %(name)s: a periodic touchpoint asks every "
                        "N days; N must be positive.",
                        name=touchpoint.display_name,
                    )
                )

    @api.constrains("survey_id", "metric")
    def _check_survey(self):
        for touchpoint in self.filtered("survey_id"):
            question = touchpoint._survey_score_question()
            low, high = METRIC_SCALES[touchpoint.metric]
            if not question or (question.scale_min, question.scale_max) != (low, high):
                raise ValidationError(
                    self.env._(
                        "Touchpoint %(name)s: the first scale question of survey "
                        "%(survey)s must go from %(low)s to %(high)s, as %(metric)s "
                        "scores do.",
                        name=touchpoint.display_name,
                        survey=touchpoint.survey_id.display_name,
                        low=low,
                        high=high,
                        metric=dict(
                            self._fields["metric"]._description_selection(self.env)
                        )[touchpoint.metric],
                    )
                )

    def _survey_score_question(self):
        """The survey's first scale question: its answer is the score."""
        self.ensure_one()
        return self.survey_id.question_ids.filtered(
            lambda question: question.question_type == "scale"
        )[:1]

    # ------------------------------------------------------------------
    # Triggers
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        self.env.registry.clear_cache()  # _triggers_in_use
        return super().create(vals_list)

    def write(self, vals):
        if {"trigger", "active", "company_id"} & set(vals):
            self.env.registry.clear_cache()
        return super().write(vals)

    def unlink(self):
        self.env.registry.clear_cache()
        return super().unlink()

    @api.model
    @tools.ormcache()
    def _triggers_in_use(self):
        """The triggers of the active touchpoints (cached: business flows ask
        it at every sale, redemption and movement, and most have none)."""
        return frozenset(self.sudo().search([("active", "=", True)]).mapped("trigger"))

    @api.model
    def _trigger_feedback(self, trigger, documents, contact_of):
        """Ask for feedback at the active touchpoints of ``trigger`` about each
        of ``documents`` (any model), from the contact ``contact_of(document)``
        or, when it has no e-mail, the customer's main contact. Never blocks
        the business flow: a request that cannot be made is logged."""
        if trigger not in self._triggers_in_use() or not documents:
            return self.env["customer.feedback"]
        touchpoints = self.sudo().search([("trigger", "=", trigger)])
        Feedback = self.env["customer.feedback"].sudo()
        requests = Feedback
        for document in documents:
            company = (
                document.company_id if "company_id" in document else self.env.company
            )
            contact = contact_of(document)._main_feedback_contact()
            for touchpoint in touchpoints:
                if touchpoint.company_id and touchpoint.company_id != company:
                    continue
                if not contact:
                    continue
                try:
                    with self.env.cr.savepoint():
                        requests |= Feedback.browse(
                            Feedback.with_company(company).request_feedback(
                                touchpoint.id, contact.id, document._name, document.id
                            )
                        )
                except (AccessError, UserError, ValidationError) as error:
                    _logger.warning(
                        "Feedback at %s for %s not requested: %s",
                        touchpoint.display_name,
                        document.display_name,
                        error,
                    )
        return requests

    def _cron_periodic_requests(self, batch_size=500):
        """Ask the active customers (a running subscription, or a sale
        confirmed within the period) at each periodic touchpoint, every N
        days: one request per customer and period, by batches."""
        now = fields.Datetime.now()
        Feedback = self.env["customer.feedback"].sudo()
        created = Feedback
        for touchpoint in self.sudo().search([("trigger", "=", "periodic")]):
            since = now - timedelta(days=touchpoint.period_days)
            companies = touchpoint.company_id or self.env["res.company"].search([])
            self.env.flush_all()
            rows = self.env.execute_query(
                SQL(
                    """
                    SELECT DISTINCT customer.id, customer.company_id_of_sale
                      FROM (
                        SELECT s.commercial_partner_id AS id,
                               s.company_id AS company_id_of_sale
                          FROM sale_subscription s
                         WHERE s.revenue_active AND s.company_id IN %(companies)s
                        UNION
                        SELECT p.commercial_partner_id, o.company_id
                          FROM sale_order o
                          JOIN res_partner p ON p.id = o.partner_id
                         WHERE o.state = 'sale' AND o.date_order >= %(since)s
                           AND o.company_id IN %(companies)s
                      ) customer
                     WHERE NOT EXISTS (
                        SELECT 1 FROM customer_feedback f
                         WHERE f.commercial_partner_id = customer.id
                           AND f.touchpoint_id = %(touchpoint)s
                           AND f.date_scheduled >= %(since)s)
                     ORDER BY customer.id
                     LIMIT %(limit)s
                    """,
                    companies=tuple(companies.ids),
                    since=since,
                    touchpoint=touchpoint.id,
                    limit=batch_size,
                )
            )
            customers = self.env["res.partner"].browse([row[0] for row in rows])
            vals_list = []
            for (_customer_id, company_id), customer in zip(
                rows, customers, strict=True
            ):
                contact = customer._main_feedback_contact()
                if contact:
                    vals_list.append(
                        {
                            "touchpoint_id": touchpoint.id,
                            "partner_id": contact.id,
                            "company_id": company_id,
                            "date_scheduled": now,
                        }
                    )
            batch = Feedback.create(vals_list)
            batch._check_sendable()
            created |= batch
        self.env["ir.cron"]._notify_progress(done=len(created), remaining=0)
        return created

    def _scale(self):
        self.ensure_one()
        return METRIC_SCALES[self.metric]

    def action_view_feedback(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_value.customer_feedback_action"
        )
        action["domain"] = [("touchpoint_id", "=", self.id)]
        return action
