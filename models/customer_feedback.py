# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import secrets

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv.expression import AND

from .customer_feedback_touchpoint import METRIC_SCALES
from .customer_value_input_mixin import is_record_id
from .optional_float import OptionalInteger

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
        precompute=True,
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

    @api.depends("commercial_partner_id.user_id")
    def _compute_user_id(self):
        # follows the customer's salesperson, who then sees the feedback; by
        # the stored customer: a new salesperson finds the requests in one
        # indexed search (not the customer's contacts, then their requests)
        for feedback in self:
            feedback.user_id = feedback.commercial_partner_id.user_id

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
        for vals in vals_list:
            if not isinstance(vals, dict):
                continue  # refused by the input check
            if not self.env.su:
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

    def _survey_url(self):
        self.ensure_one()
        answer = self.sudo().survey_user_input_id
        return f"{self.get_base_url()}{answer.get_start_url()}" if answer else False

    def _answer_url(self, score):
        self.ensure_one()
        return f"{self.get_base_url()}/feedback/{self.access_token}/{score}"

    def _scale_scores(self):
        self.ensure_one()
        low, high = METRIC_SCALES[self.metric]
        return list(range(low, high + 1))

    def _scale_ends(self):
        """What the two ends of the scale mean, in the contact's words:
        "0 = not at all likely, 10 = extremely likely"."""
        self.ensure_one()
        low, high = METRIC_SCALES[self.metric]
        labels = {
            "nps": (self.env._("not at all likely"), self.env._("extremely likely")),
            "csat": (self.env._("very unsatisfied"), self.env._("very satisfied")),
            "ces": (self.env._("very difficult"), self.env._("very easy")),
        }[self.metric]
        return self.env._(
            "%(low)s = %(low_label)s, %(high)s = %(high_label)s",
            low=low,
            low_label=labels[0],
            high=high,
            high_label=labels[1],
        )

    def _greeting_name(self):
        """The person greeted in the request: the contact, not a company."""
        self.ensure_one()
        partner = self.partner_id
        return partner.name if partner and not partner.is_company else ""

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
