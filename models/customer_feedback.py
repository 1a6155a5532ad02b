# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import logging
import secrets
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv.expression import AND
from odoo.tools import SQL

from .cron_batch import write_by_batches
from .customer_feedback_touchpoint import METRIC_SCALES
from .customer_value_input_mixin import is_record_id
from .mail_batch import send_mail_batch_safely
from .optional_float import OptionalInteger

_logger = logging.getLogger(__name__)

STATES = [
    ("scheduled", "Scheduled"),
    ("sent", "Sent"),
    ("answered", "Answered"),
    ("expired", "Expired"),
    ("throttled", "Not sent: asked recently"),
    ("opted_out", "Not sent: opted out"),
    ("no_email", "Not sent: no e-mail address"),
]
CATEGORIES = [
    ("promoter", "Promoter"),
    ("passive", "Passive"),
    ("detractor", "Detractor"),
    ("satisfied", "Satisfied"),
    ("neutral", "Neutral"),
    ("unsatisfied", "Unsatisfied"),
    ("easy", "Easy"),
    ("hard", "Hard"),
]
SOURCES = [
    ("email", "E-mail"),
    ("portal", "Portal"),
    ("survey", "Survey"),
    ("staff", "Staff"),
    ("api", "API"),
]
# the categories that call for a follow-up
UNHAPPY = {"detractor", "unsatisfied", "hard"}
# who answered: the customer (e-mail link, portal, survey) or staff for them
CUSTOMER_SOURCES = ("email", "portal", "survey")
STAFF_SOURCES = ("staff", "api")
# written by the addon's steps only (sending, answering, following up): refused
# on create and write for everyone else, the superuser excepted
WORKFLOW_FIELDS = {
    "state",
    "score",
    "comment",
    "source",
    "date_requested",
    "date_answered",
    "date_expiry",
    "access_token",
    "survey_user_input_id",
    "followup_state",
    "followup_date_open",
    "followup_deadline",
    "followup_outcome",
    "followup_note",
    "followup_date_done",
}
# what the request is about: fixed once it was sent
REQUEST_FIELDS = {"partner_id", "touchpoint_id", "company_id", "res_model", "res_id"}
STAFF = "sales_team.group_sale_salesman"
# the requests that count as "asked" for the throttle: an expired request was
# asked too, and one scheduled will be
THROTTLING_STATES = ("scheduled", "sent", "answered", "expired")


def score_category(metric, score):
    """NPS: promoter 9-10, passive 7-8, detractor 0-6; CSAT: satisfied 4-5,
    neutral 3, unsatisfied 1-2; CES: easy 5-7, neutral 4, hard 1-3."""
    if metric == "nps":
        return "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"
    if metric == "csat":
        return "satisfied" if score >= 4 else "neutral" if score == 3 else "unsatisfied"
    return "easy" if score >= 5 else "neutral" if score == 4 else "hard"


class CustomerFeedback(models.Model):
    """One request for feedback to one contact, about one touchpoint (and the
    document it is about), and its answer."""

    _name = "customer.feedback"
    _inherit = ["mail.thread", "mail.activity.mixin", "customer.value.input.mixin"]
    _description = "Customer Feedback"
    _order = "date_scheduled desc, id desc"
    _rec_names_search = ["partner_id", "touchpoint_id"]
    _check_company_auto = True

    # Erasing a person (GDPR) erases what was asked of them and what they
    # answered; the figures are then computed without them.
    partner_id = fields.Many2one(
        "res.partner",
        string="Contact",
        required=True,
        ondelete="cascade",
        index=True,
        tracking=True,
        check_company=True,
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id",
        string="Customer",
        store=True,
        index=True,
    )
    touchpoint_id = fields.Many2one(
        "customer.feedback.touchpoint",
        required=True,
        ondelete="restrict",
        index=True,
        check_company=True,
    )
    metric = fields.Selection(related="touchpoint_id.metric", store=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    user_id = fields.Many2one(
        "res.users",
        string="Account Owner",
        compute="_compute_user_id",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        help="The customer's salesperson: follows up the unhappy answers.",
    )
    res_model = fields.Char(string="Document Model", index=True)
    res_id = fields.Many2oneReference(string="Document", model_field="res_model")
    document_name = fields.Char(compute="_compute_document_name")
    access_token = fields.Char(
        required=True,
        readonly=True,
        copy=False,
        groups=STAFF,
        default=lambda self: secrets.token_urlsafe(32),
        help="Unguessable key of the answer links.",
    )
    state = fields.Selection(
        STATES, required=True, default="scheduled", tracking=True, index=True
    )
    date_scheduled = fields.Datetime(
        string="Send On", default=fields.Datetime.now, index=True
    )
    date_requested = fields.Datetime(string="Requested On", readonly=True)
    date_answered = fields.Datetime(string="Answered On", readonly=True)
    date_expiry = fields.Date(string="Expires On", readonly=True)
    # empty until answered (0 is an answer: the worst NPS)
    score = OptionalInteger(readonly=True, aggregator="avg", tracking=True)
    comment = fields.Text(readonly=True)
    category = fields.Selection(
        CATEGORIES, compute="_compute_category", store=True, index=True
    )
    source = fields.Selection(SOURCES, readonly=True)
    # Closing the loop: what staff did about an answer is internal
    followup_user_id = fields.Many2one(
        "res.users", string="Follow-up By", tracking=True, groups=STAFF
    )
    followup_state = fields.Selection(
        [("open", "Open"), ("resolved", "Resolved")],
        string="Follow-up",
        readonly=True,
        tracking=True,
        index=True,
        groups=STAFF,
    )
    survey_user_input_id = fields.Many2one(
        "survey.user_input",
        string="Survey Answers",
        readonly=True,
        copy=False,
        ondelete="set null",
        index="btree_not_null",
        groups=STAFF,
    )
    followup_overdue = fields.Boolean(
        compute="_compute_followup_overdue",
        search="_search_followup_overdue",
        groups=STAFF,
    )
    followup_date_open = fields.Datetime(
        string="Follow-up Opened On", readonly=True, groups=STAFF
    )
    followup_deadline = fields.Datetime(
        string="Follow-up Due", readonly=True, groups=STAFF
    )
    followup_outcome = fields.Selection(
        [
            ("solved", "Problem solved"),
            ("explained", "Explained, nothing to change"),
            ("compensated", "Compensated"),
            ("improvement", "Improvement planned"),
            ("not_reached", "Customer not reached"),
        ],
        string="Follow-up Outcome",
        readonly=True,
        tracking=True,
        groups=STAFF,
    )
    followup_note = fields.Text(string="Follow-up Note", readonly=True, groups=STAFF)
    followup_date_done = fields.Datetime(
        string="Follow-up Done On", readonly=True, groups=STAFF
    )

    _sql_constraints = [
        ("access_token_uniq", "unique(access_token)", "Feedback tokens are unique."),
    ]

    @api.depends("partner_id.commercial_partner_id.user_id")
    def _compute_user_id(self):
        # follows the customer's salesperson, who then sees the feedback
        for feedback in self:
            feedback.user_id = feedback.partner_id.commercial_partner_id.user_id

    @api.depends("res_model", "res_id")
    @api.depends_context("uid")
    def _compute_document_name(self):
        """The document's name, read with the reader's own rights: a document
        the reader may not read is named as such, never read in sudo."""
        for feedback in self:
            name = False
            if feedback.res_model in self.env and feedback.res_id:
                document = self.env[feedback.res_model].browse(feedback.res_id)
                if not document.exists():
                    name = False
                elif document.has_access("read"):
                    name = document.display_name
                else:
                    name = self.env._("(a document you cannot read)")
            feedback.document_name = name

    @api.depends("state", "score", "metric")
    def _compute_category(self):
        for feedback in self:
            feedback.category = (
                score_category(feedback.metric, feedback.score)
                if feedback.state == "answered" and feedback.metric
                else False
            )

    @api.depends("followup_state", "followup_deadline")
    def _compute_followup_overdue(self):
        now = fields.Datetime.now()
        for feedback in self:
            feedback.followup_overdue = bool(
                feedback.followup_state == "open"
                and feedback.followup_deadline
                and feedback.followup_deadline < now
            )

    def _search_followup_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Search overdue follow-ups with = True/False."))
        overdue = [
            ("followup_state", "=", "open"),
            ("followup_deadline", "<", fields.Datetime.now()),
        ]
        return overdue if (operator == "=") == value else ["!", *AND([overdue])]

    @api.depends("touchpoint_id", "partner_id")
    def _compute_display_name(self):
        for feedback in self:
            touchpoint, partner = feedback.touchpoint_id, feedback.partner_id
            feedback.display_name = f"{touchpoint.name or ''} - {partner.name or ''}"

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                if not isinstance(vals, dict):
                    continue  # refused by the input check
                self._check_workflow_fields(
                    {k: v for k, v in vals.items() if k != "state" or v != "scheduled"}
                )
                if vals.get("res_model") or vals.get("res_id"):
                    self._check_document(vals.get("res_model"), vals.get("res_id"))
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su and isinstance(vals, dict):
            self._check_workflow_fields(vals)
            if REQUEST_FIELDS & set(vals):
                asked = self.filtered(lambda feedback: feedback.state != "scheduled")
                if asked:
                    raise UserError(
                        self.env._(
                            "%(feedback)s was already sent: whom it asks and what "
                            "about cannot change any more.",
                            feedback=asked[0].display_name,
                        )
                    )
            if {"res_model", "res_id"} & set(vals):
                for feedback in self:
                    self._check_document(
                        vals.get("res_model", feedback.res_model),
                        vals.get("res_id", feedback.res_id),
                    )
        return super().write(vals)

    @api.model
    def _check_workflow_fields(self, vals):
        """Answers, states and follow-ups are written by the addon's steps
        only (sending, the answer pages, ``record_answer``, Resolve)."""
        workflow = WORKFLOW_FIELDS & set(vals)
        if workflow:
            raise AccessError(
                self.env._(
                    "%(fields)s of a feedback request change only through its "
                    "actions (sending, answering, resolving the follow-up), not "
                    "by hand.",
                    fields=", ".join(
                        sorted(
                            self._fields[name]._description_string(self.env)
                            for name in workflow
                        )
                    ),
                )
            )

    # ------------------------------------------------------------------
    # Asking
    # ------------------------------------------------------------------
    @api.model
    def request_feedback(self, touchpoint_id, partner_id, res_model=None, res_id=None):
        """Ask ``partner_id`` for feedback at ``touchpoint_id`` (about the
        document ``res_model``/``res_id``). Returns the new feedback's id; its
        state says whether it will be sent or why not (throttled, opted out,
        no e-mail)."""
        self.check_access("create")
        touchpoint = self._cv_browse(
            "customer.feedback.touchpoint", touchpoint_id, self.env._("Touchpoint")
        )
        partner = self._cv_browse("res.partner", partner_id, self.env._("Contact"))
        if not touchpoint or not partner:
            raise ValidationError(self.env._("Give the touchpoint and the contact."))
        if not touchpoint.active:
            raise ValidationError(
                self.env._(
                    "Touchpoint %(name)s is archived: it asks nothing any more.",
                    name=touchpoint.display_name,
                )
            )
        company = self.env.company
        if touchpoint.company_id and touchpoint.company_id != company:
            raise ValidationError(
                self.env._(
                    "Touchpoint %(touchpoint)s belongs to %(company)s.",
                    touchpoint=touchpoint.display_name,
                    company=touchpoint.company_id.name,
                )
            )
        if partner.company_id and partner.company_id != company:
            raise ValidationError(
                self.env._(
                    "%(partner)s is a contact of %(company)s, not of %(current)s.",
                    partner=partner.display_name,
                    company=partner.company_id.name,
                    current=company.name,
                )
            )
        self._check_document(res_model, res_id)
        feedback = self.create(
            {
                "touchpoint_id": touchpoint.id,
                "partner_id": partner.id,
                "company_id": company.id,
                "res_model": res_model or False,
                "res_id": res_id or False,
                "date_scheduled": fields.Datetime.now()
                + timedelta(days=touchpoint.delay_days),
            }
        )
        feedback._check_sendable()
        return feedback.id

    @api.model
    def _check_document(self, res_model, res_id):
        """The document a request is about must exist and be readable by the
        caller (who chose it), in the caller's company rules."""
        if bool(res_model) != bool(res_id):
            raise ValidationError(
                self.env._("Give both the document's model and its id, or neither.")
            )
        if not res_model:
            return
        unknown = ValidationError(
            self.env._(
                "Unknown document %(model)r, %(id)r.", model=res_model, id=res_id
            )
        )
        if (
            not isinstance(res_model, str)
            or res_model not in self.env
            or not is_record_id(res_id)
        ):
            raise unknown
        document = self.env[res_model].browse(res_id)
        if not document.exists():
            raise unknown
        # the caller must be able to read the document it asks about
        document.check_access("read")

    def _check_sendable(self, throttle=True):
        """Record why scheduled requests will not be sent: no e-mail, opted out
        (mail.blacklist) or, with ``throttle``, the contact was asked within the
        company's throttle period (across all touchpoints). Not retried."""
        scheduled = self.filtered(lambda f: f.state == "scheduled")
        blacklisted = set(
            self.env["mail.blacklist"]
            .sudo()
            .search([("email", "in", scheduled.partner_id.mapped("email_normalized"))])
            .mapped("email")
        )
        for feedback in scheduled:
            email = feedback.partner_id.email_normalized
            if not email or email in blacklisted:
                feedback.sudo().state = "opted_out" if email else "no_email"
        if throttle:
            scheduled.filtered(lambda f: f.state == "scheduled")._throttle()
        self.flush_recordset(["state"])

    def _throttle(self):
        """Mark ``throttled`` the requests whose contact is asked by another
        request within the company's throttle period of their date (the
        scheduled date, or now once due): one query for the batch.

        A request asked already (sent, answered or expired) counts within
        the period either side of its date of asking; a scheduled one only
        when it comes before (a request planned later never blocks an
        earlier one: it is throttled in turn when it falls due, as the
        sending job checks again). Of two scheduled at the same time, the
        first one made is kept: one order for every check, so that of
        requests made concurrently (from the form, over RPC, by two jobs)
        exactly one is sent."""
        if not self:
            return
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT f.id
                  FROM customer_feedback f
                  JOIN res_company c ON c.id = f.company_id
                 CROSS JOIN LATERAL (
                       SELECT GREATEST(f.date_scheduled, %(now)s) AS day,
                              c.feedback_throttle_days * interval '1 day' AS span
                 ) t
                 WHERE f.id IN %(ids)s AND c.feedback_throttle_days > 0
                   AND EXISTS (
                       SELECT 1 FROM customer_feedback o
                        WHERE o.partner_id = f.partner_id AND o.id != f.id
                          AND o.state IN %(asked)s
                          AND CASE WHEN o.state = 'scheduled' THEN
                                   o.date_scheduled > t.day - t.span
                                   AND (o.date_scheduled < f.date_scheduled
                                        OR (o.date_scheduled = f.date_scheduled
                                            AND o.id < f.id))
                              ELSE
                                   COALESCE(o.date_requested, o.date_scheduled)
                                       > t.day - t.span
                                   AND COALESCE(o.date_requested, o.date_scheduled)
                                       < t.day + t.span
                              END)
                """,
                ids=tuple(self.ids),
                asked=THROTTLING_STATES,
                now=fields.Datetime.now(),
            )
        )
        # sudo: the state changes only through the addon's own steps
        self.browse([row[0] for row in rows]).sudo().state = "throttled"

    # ------------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------------
    def _due_requests_query(self, now, limit, lock=True):
        return SQL(
            """
            SELECT id FROM customer_feedback
             WHERE state = 'scheduled' AND date_scheduled <= %(now)s
             ORDER BY date_scheduled, id
             %(limit)s %(lock)s
            """,
            now=now,
            limit=SQL("LIMIT %s", limit) if limit else SQL(""),
            lock=SQL("FOR NO KEY UPDATE SKIP LOCKED") if lock else SQL(""),
        )

    def _cron_send_requests(self, batch_size=500):
        """Send one batch of due requests; the cron commits and calls again
        while some remain (``ir.cron._notify_progress``).

        Each request is sent at most once: it is claimed (scheduled -> sent)
        in the same transaction that queues its e-mail, so an interrupted
        batch leaves nothing behind and is sent by the next run, and a
        concurrent run skips the requests this one locked (the same mechanism
        as the voucher reminders, and the same batch sending)."""
        now = fields.Datetime.now()
        self.env.flush_all()
        self.env.cr.execute(self._due_requests_query(now, batch_size))
        ids = [row[0] for row in self.env.cr.fetchall()]
        sent = self.browse(ids)._send_requests() if ids else self.browse()
        remaining = 0
        if len(ids) == batch_size:
            self.env.cr.execute(
                SQL(
                    "SELECT count(*) FROM (%s) due",
                    self._due_requests_query(now, None, False),
                )
            )
            remaining = self.env.cr.fetchone()[0]
        self.env["ir.cron"]._notify_progress(done=len(ids), remaining=remaining)
        return sent

    def _send_requests(self):
        """Claim and queue the e-mails of these scheduled requests. A request
        that cannot be made (its survey closed, its e-mail template broken)
        does not stop the others: it is tried again tomorrow, said on the
        request and given to the touchpoint's responsible as an activity."""
        # the contact may have opted out or lost their e-mail since, or been
        # asked by another request made from the form, over RPC or
        # concurrently: throttled now, so that only one of them is sent
        self._check_sendable()
        today = fields.Date.context_today(self)
        cr = self.env.cr
        cr.execute(
            SQL(
                """
                UPDATE customer_feedback f
                   SET state = 'sent', date_requested = %(now)s,
                       date_expiry = %(today)s::date + c.feedback_expiry_days
                  FROM res_company c
                 WHERE c.id = f.company_id AND f.id IN %(ids)s
                   AND f.state = 'scheduled'
             RETURNING f.id
                """,
                now=fields.Datetime.now(),
                today=today,
                ids=tuple(self.ids),
            )
        )
        claimed = self.browse([row[0] for row in cr.fetchall()])
        self.invalidate_recordset(["state", "date_requested", "date_expiry"])
        failed = {}
        claimed._create_survey_invitations(failed)
        by_template = defaultdict(list)
        defaults = self._default_templates()
        for feedback in claimed.filtered(lambda f: f.id not in failed):
            by_template[feedback._request_template(defaults)].append(feedback.id)
        for template, feedback_ids in by_template.items():
            send_mail_batch_safely(template, feedback_ids, failed)
        if failed:
            # not sent: tried again tomorrow, and said on the request
            failed_requests = self.browse(list(failed))
            failed_requests.sudo().write(
                {
                    "state": "scheduled",
                    "date_requested": False,
                    "date_expiry": False,
                    "date_scheduled": fields.Datetime.now() + timedelta(days=1),
                }
            )
            failed_requests._message_log_batch(
                {
                    fid: self.env._(
                        "Request not sent: %(error)s",
                        error=error.args[0] if error.args else repr(error),
                    )
                    for fid, error in failed.items()
                }
            )
            failed_requests._notify_not_sent()
            claimed -= failed_requests
        return claimed

    def _sending_responsible(self):
        """Who hears of a request that cannot be sent: the touchpoint's
        responsible, else the company's, else the manager who made the
        touchpoint; never the superuser. Nobody when none is active."""
        self.ensure_one()
        for user in (
            self.touchpoint_id.followup_user_id,
            self.company_id.feedback_followup_user_id,
            self.touchpoint_id.create_uid,
        ):
            if user.active and user._is_internal() and not user._is_superuser():
                return user
        return self.env["res.users"]

    def _notify_not_sent(self):
        """One to-do for the touchpoint's responsible on each request not
        sent, not one a day while it keeps failing."""
        todo = self.env.ref("mail.mail_activity_data_todo")
        for feedback in self:
            user = feedback._sending_responsible()
            if not user or feedback.activity_ids.filtered(
                lambda a, user=user: a.activity_type_id == todo and a.user_id == user
            ):
                continue
            # sudo: the sending job informs whoever it may be
            feedback.sudo().with_context(
                mail_activity_quick_update=True
            ).activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Feedback request not sent"),
                note=self.env._(
                    "The request could not be made (see its history): fix the "
                    "touchpoint %(touchpoint)s; it is tried again every day.",
                    touchpoint=feedback.touchpoint_id.display_name,
                ),
                user_id=user.id,
            )

    def _default_templates(self):
        """The addon's request e-mails: (one-click scale, survey link)."""
        return (
            self.env.ref("customer_value.mail_template_feedback_request"),
            self.env.ref("customer_value.mail_template_feedback_survey"),
        )

    def _request_template(self, defaults=None):
        self.ensure_one()
        scale, survey = defaults or self._default_templates()
        touchpoint = self.touchpoint_id
        default = survey if touchpoint.survey_id else scale
        return touchpoint.mail_template_id or default

    def _create_survey_invitations(self, failed=None):
        """Give each request of a touchpoint with a survey its own answer
        (``survey.user_input``) for the contact, as the survey's own invitation
        does. A survey that takes no answer any more (closed, archived) fails
        its request alone: it goes into ``failed`` (id -> error) when given,
        else the error is raised."""
        for feedback in self.filtered(
            lambda f: f.touchpoint_id.survey_id and not f.survey_user_input_id
        ):
            try:
                with self.env.cr.savepoint():
                    # sudo: the salesperson asking may not be a survey officer
                    answer = feedback.touchpoint_id.survey_id.sudo()._create_answer(
                        partner=feedback.partner_id, check_attempts=False
                    )
                    feedback.sudo().survey_user_input_id = answer
            except (UserError, ValidationError, AccessError) as error:
                if failed is None:
                    raise
                _logger.warning(
                    "customer.feedback %s: survey answer not created: %s",
                    feedback.id,
                    error,
                )
                failed[feedback.id] = error

    def _survey_url(self):
        self.ensure_one()
        answer = self.sudo().survey_user_input_id
        return f"{self.get_base_url()}{answer.get_start_url()}" if answer else False

    def _apply_survey_answer(self):
        """The survey of this request was completed: its first scale answer is
        the score, its first free-text answer the comment."""
        self.ensure_one()
        answer = self.sudo().survey_user_input_id
        question = self.touchpoint_id._survey_score_question()
        lines = answer.user_input_line_ids.filtered(lambda line: not line.skipped)
        score_line = lines.filtered(lambda line: line.question_id == question)[:1]
        text_line = lines.filtered(lambda line: line.answer_type == "text_box")[:1]
        if not score_line:
            self.message_post(
                body=self.env._("The survey was completed without a score.")
            )
            return
        try:
            self._apply_answer(
                score_line.value_scale, text_line.value_text_box or None, "survey"
            )
        except (UserError, ValidationError) as error:
            # e.g. completed after the request expired: said, not raised
            self.message_post(
                body=self.env._(
                    "Survey answer not recorded: %(error)s", error=error.args[0]
                )
            )

    def _answer_url(self, score):
        self.ensure_one()
        return f"{self.get_base_url()}/feedback/{self.access_token}/{score}"

    def _scale_scores(self):
        self.ensure_one()
        low, high = METRIC_SCALES[self.metric]
        return list(range(low, high + 1))

    def _text_direction(self):
        """Right-to-left for the contact's language (Persian)."""
        self.ensure_one()
        lang = self.env["res.lang"]._lang_get(self.partner_id.lang or "en_US")
        return lang.direction if lang else "ltr"

    def _selection_label(self, fname):
        """The label of this record's value of selection ``fname``, in the
        user's language."""
        self.ensure_one()
        labels = dict(self._fields[fname]._description_selection(self.env))
        return labels.get(self[fname], "")

    def _is_expired(self):
        self.ensure_one()
        return self.state == "expired" or bool(
            self.date_expiry and self.date_expiry < fields.Date.context_today(self)
        )

    def _cron_expire(self, batch_size=1000):
        """Expire the requests past their expiry date, by batches."""
        today = fields.Date.context_today(self)
        return write_by_batches(
            self,
            [("state", "=", "sent"), ("date_expiry", "<", today)],
            {"state": "expired"},
            batch_size,
            order="date_expiry, id",
        )
