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
    periodic_skipped = fields.Json(
        string="Customers Not Asked",
        readonly=True,
        copy=False,
        help="For the periodic trigger: the customers whose request could not "
        "be made, and when (not tried again within the period).",
    )

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
        before = self._read_triggers_in_use()
        touchpoints = super().create(vals_list)
        self._check_triggers_in_use(before)
        return touchpoints

    def write(self, vals):
        if "metric" in vals:
            self._check_metric_change(vals["metric"])
        if not {"trigger", "active"} & set(vals):
            return super().write(vals)
        before = self._read_triggers_in_use()
        result = super().write(vals)
        self._check_triggers_in_use(before)
        return result

    def _check_metric_change(self, metric):
        """The answers keep the metric they were given on: a touchpoint with
        answers keeps its metric (a new touchpoint asks with another)."""
        changed = self.filtered(lambda touchpoint: touchpoint.metric != metric)
        if not changed:
            return
        self.env["customer.feedback"].flush_model(["touchpoint_id", "state"])
        answered = self.env.execute_query(
            SQL(
                """
                SELECT DISTINCT touchpoint_id FROM customer_feedback
                 WHERE touchpoint_id IN %s AND state = 'answered'
                """,
                tuple(changed.ids),
            )
        )
        if answered:
            raise UserError(
                self.env._(
                    "Touchpoint %(name)s has answers given on its metric: changing "
                    "it would rewrite them. Archive it and create a touchpoint "
                    "with the new metric instead.",
                    name=self.browse(answered[0][0]).display_name,
                )
            )

    def unlink(self):
        before = self._read_triggers_in_use()
        result = super().unlink()
        self._check_triggers_in_use(before)
        return result

    @api.model
    @tools.ormcache()
    def _triggers_in_use(self):
        """The triggers of the active touchpoints (cached: business flows ask
        it at every sale, redemption and movement, and most have none)."""
        return self._read_triggers_in_use()

    @api.model
    def _read_triggers_in_use(self):
        self.flush_model(["trigger", "active"])
        return frozenset(
            trigger
            for (trigger,) in self.env.execute_query(
                SQL(
                    "SELECT DISTINCT trigger FROM customer_feedback_touchpoint "
                    "WHERE active"
                )
            )
        )

    @api.model
    def _check_triggers_in_use(self, before):
        """After touchpoints were created, edited or deleted: the cache of
        :meth:`_triggers_in_use` (Odoo's default cache, cleared in every
        worker) is cleared only when the triggers in use changed from
        ``before``, not at each new touchpoint, question or delay."""
        if self._read_triggers_in_use() != before:
            self.env.registry.clear_cache()

    @api.model
    def _trigger_feedback(self, trigger, documents, contact_of):
        """Ask for feedback at the active touchpoints of ``trigger`` about each
        of ``documents`` (any model), from the contact ``contact_of(document)``
        or, when it has no e-mail, the customer's main contact. Never blocks
        the business flow: a request that cannot be made is logged."""
        if trigger not in self._triggers_in_use() or not documents:
            return self.env["customer.feedback"]
        touchpoints = self.sudo().search([("trigger", "=", trigger)])
        requests = self.env["customer.feedback"].sudo()
        for document in documents:
            company = (
                document.company_id if "company_id" in document else self.env.company
            )
            contact = contact_of(document)._main_feedback_contact()
            for touchpoint in touchpoints:
                if touchpoint.company_id and touchpoint.company_id != company:
                    continue
                if contact:
                    requests |= touchpoint._request_about(document, contact, company)
        return requests

    def _request_about(self, document, contact, company):
        """Ask ``contact`` at this touchpoint about ``document``: the new
        request, or none when it cannot be made (logged: the business flow or
        the job goes on)."""
        Feedback = self.env["customer.feedback"].sudo()
        try:
            with self.env.cr.savepoint():
                return Feedback.browse(
                    Feedback.with_company(company).request_feedback(
                        self.id, contact.id, document._name, document.id
                    )
                )
        except (AccessError, UserError, ValidationError) as error:
            _logger.warning(
                "Feedback at %s for %s not requested: %s",
                self.display_name,
                document.display_name,
                error,
            )
            return Feedback

    @api.model
    def _catch_up_sales_confirmed(self, batch_size=500, days=7):
        """Ask about the sales confirmed since the touchpoints of "Sale order
        confirmed" were made (at most ``days`` back), not asked about yet:
        run by the sending job before it sends, so confirming an order costs
        nothing more (the request waits for the job anyway). Renewal orders of
        subscription_oca are not new sales. Returns the requests made and
        whether more orders remain."""
        if "sale_confirmed" not in self._triggers_in_use():
            return self.env["customer.feedback"], False
        now = fields.Datetime.now()
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT o.id, array_agg(t.id ORDER BY t.sequence, t.id)
                  FROM customer_feedback_touchpoint t
                  JOIN sale_order o
                    ON o.state = 'sale'
                   -- date_order is to the second
                   AND o.date_order >= GREATEST(
                           date_trunc('second', t.create_date), %(oldest)s)
                   AND (t.company_id IS NULL OR t.company_id = o.company_id)
                 WHERE t.active AND t.trigger = 'sale_confirmed'
                   AND o.order_subscription_id IS NULL
                   AND NOT EXISTS (
                       SELECT 1 FROM customer_feedback f
                        WHERE f.touchpoint_id = t.id AND f.res_model = 'sale.order'
                          AND f.res_id = o.id)
              GROUP BY o.id ORDER BY o.id LIMIT %(limit)s
                """,
                oldest=now - timedelta(days=days),
                limit=batch_size,
            )
        )
        requests = self.env["customer.feedback"].sudo()
        orders = self.env["sale.order"].sudo().browse([row[0] for row in rows])
        for order, (_order_id, touchpoint_ids) in zip(orders, rows, strict=True):
            contact = order.partner_id._main_feedback_contact()
            if not contact:
                continue
            for touchpoint in self.sudo().browse(touchpoint_ids):
                requests |= touchpoint._request_about(order, contact, order.company_id)
        return requests, len(rows) == batch_size

    def _cron_periodic_requests(self, batch_size=500):
        """Ask the active customers (a running subscription, or a sale
        confirmed within the period) at each periodic touchpoint, every N
        days: one request per customer and period, by batches, the customers
        asked longest ago (never asked first) before the others; the cron
        commits and calls again while some remain.

        A customer whose request cannot be made (e.g. its contact belongs to
        another company) does not stop the batch: it is said on the
        customer, and tried again the next period, not at each call."""
        now = fields.Datetime.now()
        Feedback = self.env["customer.feedback"].sudo()
        created = Feedback
        done = remaining = 0
        for touchpoint in self.sudo().search([("trigger", "=", "periodic")]):
            since = now - timedelta(days=touchpoint.period_days)
            skipped = touchpoint._periodic_skipped_since(since)
            rows = touchpoint._periodic_due_customers(since, skipped, batch_size)
            batch, failed = touchpoint._periodic_create(rows, now)
            batch._check_sendable()
            created |= batch
            done += len(rows)  # the failed ones too: they are dealt with
            if failed:
                day = fields.Date.to_string(now)
                skipped.update({str(customer): day for customer in failed})
            if (skipped or False) != (touchpoint.periodic_skipped or False):
                touchpoint.periodic_skipped = skipped or False
            if len(rows) == batch_size:
                remaining += touchpoint._periodic_due_customers(
                    since, skipped, None, count=True
                )
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return created

    def _periodic_skipped_since(self, since):
        """The customers whose request failed within the period: {id: day}."""
        self.ensure_one()
        day = fields.Date.to_string(since)
        return {
            customer: failed_on
            for customer, failed_on in (self.periodic_skipped or {}).items()
            if failed_on >= day
        }

    def _periodic_due_customers(self, since, skipped, limit, count=False):
        """(customer id, company id) of the active customers not asked at this
        touchpoint within the period, the customers asked longest ago first;
        with ``count``, how many there are."""
        self.ensure_one()
        companies = self.company_id or self.env["res.company"].search([])
        self.env.flush_all()
        due = SQL(
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
               AND customer.id != ALL(%(skipped)s::int[])
            """,
            companies=tuple(companies.ids),
            since=since,
            touchpoint=self.id,
            skipped=[int(customer) for customer in skipped],
        )
        if count:
            [(total,)] = self.env.execute_query(
                SQL("SELECT count(*) FROM (%s) due", due)
            )
            return total
        return self.env.execute_query(
            SQL(
                """
                SELECT due.id, due.company_id_of_sale
                  FROM (%(due)s) due
                  LEFT JOIN LATERAL (
                       SELECT max(f.date_scheduled) AS last_asked
                         FROM customer_feedback f
                        WHERE f.commercial_partner_id = due.id
                          AND f.touchpoint_id = %(touchpoint)s
                  ) asked ON TRUE
                 ORDER BY asked.last_asked NULLS FIRST, due.id
                 %(limit)s
                """,
                due=due,
                touchpoint=self.id,
                limit=SQL("LIMIT %s", limit) if limit else SQL(""),
            )
        )

    def _periodic_create(self, rows, now):
        """Create the requests of ``rows`` (customer id, company id): in one go,
        else customer by customer, each in its own savepoint. Returns the
        requests and the ids of the customers whose request failed."""
        self.ensure_one()
        Feedback = self.env["customer.feedback"].sudo()
        customers = self.env["res.partner"].browse([row[0] for row in rows])
        vals_by_customer = {}
        for (_customer_id, company_id), customer in zip(rows, customers, strict=True):
            contact = customer._main_feedback_contact()
            vals_by_customer.setdefault(customer, []).append(
                {
                    "touchpoint_id": self.id,
                    "partner_id": contact.id,
                    "company_id": company_id,
                    "date_scheduled": now,
                }
            )
        try:
            with self.env.cr.savepoint():
                return Feedback.create(
                    [
                        vals
                        for vals_list in vals_by_customer.values()
                        for vals in vals_list
                    ]
                ), []
        except (AccessError, UserError, ValidationError):
            _logger.info("%s: batch failed, customer by customer", self.display_name)
        created, failed = Feedback, []
        for customer, vals_list in vals_by_customer.items():
            try:
                with self.env.cr.savepoint():
                    created |= Feedback.create(vals_list)
            except (AccessError, UserError, ValidationError) as error:
                _logger.warning(
                    "Periodic feedback at %s for %s not requested: %s",
                    self.display_name,
                    customer.display_name,
                    error,
                )
                customer._message_log(
                    body=self.env._(
                        "Periodic feedback at %(touchpoint)s not requested: "
                        "%(error)s. Tried again in %(days)s days.",
                        touchpoint=self.display_name,
                        error=error.args[0] if error.args else repr(error),
                        days=self.period_days,
                    )
                )
                failed.append(customer.id)
        return created, failed

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
