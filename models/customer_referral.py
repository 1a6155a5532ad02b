# Copyright 2026 customer_value contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Referrals: a customer names people who could benefit; each valid name
becomes a lead, the customer is thanked, told what became of it and
rewarded with loyalty coupons (per N qualified names, and when a name
buys).

The model and its fields; the rest by concern: ``customer_referral_intake``
(the names given, the leads), ``customer_referral_matching`` (anti-abuse),
``customer_referral_reward`` (qualification, coupons),
``customer_referral_mail`` (mails to the referrer) and
``customer_referral_privacy`` (right to erasure)."""

import re
import uuid

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import email_normalize
from odoo.tools.sql import create_index

from .optional_float import OptionalFloat

REJECTION_REASONS = [
    ("self_referral", "Self-referral"),
    ("existing_customer", "Already a customer"),
    ("already_referred", "Already referred or in the pipeline"),
    ("invalid_contact", "Cannot be contacted"),
]
# One referral (and one reward) per referred person across all referrers in
# this many days; a lead lost longer ago may be referred again.
ALREADY_REFERRED_DAYS = 365
# The last digits of a phone number identify it whatever its format
# (+30 210 1234567, 00302101234567, 210-123-4567).
PHONE_KEY_DIGITS = 9
# The same expression in the queries and in the indexes that serve them.
PHONE_KEY_SQL = f"right(regexp_replace({{column}}, '\\D', '', 'g'), {PHONE_KEY_DIGITS})"
# (name, table, expression) of the indexes that find partners and leads by
# e-mail or phone (the leads' e-mails have Odoo's own)
REFERRAL_INDEXES = [
    (f"{table}_{column}_referral_key_index", table, PHONE_KEY_SQL.format(column=column))
    for table in ("res_partner", "crm_lead")
    for column in ("phone", "mobile")
] + [
    ("res_partner_email_normalized_referral_index", "res_partner", "email_normalized"),
    # a referral's company found among the customers by its name
    ("res_partner_lower_name_referral_index", "res_partner", "lower(name)"),
]


def create_referral_indexes(cr, table):
    """The indexes of ``table`` that find a referred person (created by the
    model of that table, dropped by the uninstall hook)."""
    for name, index_table, expression in REFERRAL_INDEXES:
        if index_table == table:
            create_index(cr, name, table, [expression])


# The sources of the names a customer gives on the portal: directly, or
# through the referral invitation's link (its UTM medium)
PORTAL_SOURCES = ("portal", "invoice", "order_mail")
PUBLIC_KEYS = ("name", "company_name", "email", "phone", "note", "consent")
# What a referrer is told of a name: received (in the pipeline, or not pursued
# for a reason they are not told), won or lost.
PORTAL_STATUS = [
    ("received", "Received"),
    ("won", "Became a customer"),
    ("lost", "Not for now"),
]
# The internal fields: the deal, why a name was refused, the rewards and the
# figures are for the sales team, never for the referrer.
SALESMAN = "sales_team.group_sale_salesman"
# What erasing a referred person blanks
PERSONAL_KEYS = ("name", "company_name", "email", "phone", "note")


def phone_key(number):
    digits = re.sub(r"\D", "", number or "")
    return digits[-PHONE_KEY_DIGITS:] if len(digits) >= 6 else False


class CustomerReferral(models.Model):
    _name = "customer.referral"
    _description = "Customer Referral"
    _inherit = ["mail.thread", "mail.activity.mixin", "customer.value.input.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Referred Person", required=True, tracking=True)
    company_name = fields.Char(string="Their Company")
    email = fields.Char(tracking=True)
    phone = fields.Char(tracking=True)
    note = fields.Text(help="What the customer says about the person's need.")
    consent = fields.Boolean(
        string="Agreed to Be Contacted",
        help="The customer confirms that the person agreed to be contacted.",
    )
    email_normalized = fields.Char(
        compute="_compute_contact_keys", store=True, index="btree_not_null"
    )
    phone_key = fields.Char(
        compute="_compute_contact_keys", store=True, index="btree_not_null"
    )
    referrer_id = fields.Many2one(
        "res.partner",
        required=True,
        index=True,
        # deleting (erasing) a customer deletes the names it gave; the leads
        # they became stay, without the link
        ondelete="cascade",
        tracking=True,
        domain="['|', ('is_company', '=', True), ('parent_id', '=', False)]",
        help="The customer who gave the name.",
    )
    referrer_contact_id = fields.Many2one(
        "res.partner",
        string="Given By",
        ondelete="set null",
        domain="[('commercial_partner_id', '=', referrer_id)]",
        help="The referrer's contact who gave the name; thanked and told the "
        "outcome (else the referrer).",
    )
    date = fields.Date(
        required=True, default=fields.Date.context_today, index=True, readonly=True
    )
    source = fields.Selection(
        [
            ("staff", "Staff"),
            ("portal", "Portal"),
            ("api", "API"),
            ("invoice", "Invoice Link"),
            ("order_mail", "Order E-mail Link"),
        ],
        required=True,
        default="staff",
        readonly=True,
        help="Where the names came from: entered by a salesperson, given on the "
        "portal (directly, or through the referral invitation's link on an "
        "invoice or an order confirmation e-mail), or sent by an integration.",
    )
    submission_ref = fields.Char(
        readonly=True, copy=False, index=True, help="Names given together."
    )
    state = fields.Selection(
        [
            ("submitted", "Submitted"),
            ("lead", "In Progress"),
            ("won", "Won"),
            ("lost", "Lost"),
            ("rejected", "Rejected"),
        ],
        compute="_compute_state",
        store=True,
        index=True,
        tracking=True,
        groups=SALESMAN,
    )
    portal_status = fields.Selection(
        PORTAL_STATUS,
        string="Status",
        compute="_compute_portal_status",
        help="What the referrer is told: a name refused looks like any name "
        "received and not (yet) pursued.",
    )
    rejection_reason = fields.Selection(
        REJECTION_REASONS, readonly=True, copy=False, tracking=True, groups=SALESMAN
    )
    lead_id = fields.Many2one(
        "crm.lead",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        check_company=True,
        groups=SALESMAN,
    )
    deleted_lead_state = fields.Selection(
        [("won", "Won"), ("lost", "Lost")],
        string="Outcome of the Deleted Lead",
        readonly=True,
        copy=False,
        groups=SALESMAN,
        help="The referral's lead was deleted: what it had become (won, else "
        "lost: nobody pursues it any more).",
    )
    qualified_date = fields.Date(
        string="Qualified On",
        readonly=True,
        copy=False,
        tracking=True,
        groups=SALESMAN,
        help="When the name proved real: its lead became an opportunity, moved "
        "past the first stage or was won, or a salesperson qualified it. Only "
        "qualified names count for the names reward.",
    )
    personal_data_erased = fields.Boolean(
        readonly=True,
        copy=False,
        groups=SALESMAN,
        help="The referred person's name, contact details and notes were erased "
        "(right to erasure).",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        compute="_compute_user_id",
        store=True,
        index=True,
        help="The lead's salesperson, else the referrer's.",
        groups=SALESMAN,
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    # stored: the analysis shows each amount with its currency (grouped by it)
    currency_id = fields.Many2one(related="company_id.currency_id", store=True)
    names_card_id = fields.Many2one(
        "loyalty.card",
        string="Names Reward",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
        help="The coupon earned by this name with the others given in its " "period.",
        groups=SALESMAN,
    )
    won_card_id = fields.Many2one(
        "loyalty.card",
        string="Won Reward",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
        help="The coupon earned when this name bought.",
        groups=SALESMAN,
    )
    names_reward_issued = fields.Boolean(
        readonly=True,
        copy=False,
        help="This referral completed the set of names that earned the coupon.",
        groups=SALESMAN,
    )
    reward_card_ids = fields.Many2many(
        "loyalty.card",
        compute="_compute_reward_card_ids",
        string="Rewards",
        groups=SALESMAN,
    )
    batch_referral_ids = fields.Many2many(
        "customer.referral", compute="_compute_batch_referral_ids"
    )
    # figures (the pivot's measures)
    given_count = fields.Integer(
        compute="_compute_figures",
        store=True,
        aggregator="sum",
        string="Names Given",
        groups=SALESMAN,
    )
    valid_count = fields.Integer(
        compute="_compute_figures",
        store=True,
        aggregator="sum",
        string="Valid",
        groups=SALESMAN,
    )
    won_count = fields.Integer(
        compute="_compute_figures",
        store=True,
        aggregator="sum",
        string="Won #",
        groups=SALESMAN,
    )
    conversion = OptionalFloat(
        string="Conversion (%)",
        compute="_compute_figures",
        store=True,
        aggregator="avg",
        help="100 for a valid referral won, 0 for another valid one (empty when "
        "rejected): its average is the share of valid referrals won.",
        groups=SALESMAN,
    )
    revenue = fields.Monetary(
        compute="_compute_revenue",
        store=True,
        help="Untaxed amount of the confirmed sale orders of the referral's lead.",
        groups=SALESMAN,
    )
    reward_count = fields.Integer(
        compute="_compute_reward_figures",
        store=True,
        string="Rewards Issued",
        help="Coupons issued and still valid: the won reward, and the names "
        "reward on the referral that completed its set.",
        groups=SALESMAN,
    )
    reward_used_count = fields.Integer(
        compute="_compute_reward_figures",
        store=True,
        string="Rewards Used",
        help="Coupons used on an order.",
        groups=SALESMAN,
    )

    @api.depends("email", "phone")
    def _compute_contact_keys(self):
        for referral in self:
            referral.email_normalized = email_normalize(referral.email or "")
            referral.phone_key = phone_key(referral.phone)

    @api.depends(
        "rejection_reason",
        "deleted_lead_state",
        "lead_id.active",
        "lead_id.probability",
        "lead_id.stage_id.is_won",
    )
    def _compute_state(self):
        for referral in self:
            lead = referral.lead_id
            if referral.rejection_reason:
                referral.state = "rejected"
            elif not lead:
                referral.state = referral.deleted_lead_state or "submitted"
            elif lead.active and (lead.stage_id.is_won or lead.probability == 100):
                referral.state = "won"
            elif not lead.active and not lead.probability:
                referral.state = "lost"
            else:
                referral.state = "lead"

    @api.depends("state")
    def _compute_portal_status(self):
        # sudo: the referrer's portal user reads the status, not the state
        for referral in self:
            state = referral.sudo().state
            referral.portal_status = state if state in ("won", "lost") else "received"

    @api.depends("lead_id.user_id", "referrer_id.user_id")
    def _compute_user_id(self):
        for referral in self:
            referral.user_id = referral.lead_id.user_id or referral.referrer_id.user_id

    @api.depends("names_card_id", "won_card_id")
    def _compute_reward_card_ids(self):
        for referral in self:
            referral.reward_card_ids = referral.names_card_id | referral.won_card_id

    def _compute_batch_referral_ids(self):
        for referral in self:
            referral.batch_referral_ids = (
                self.search(
                    [
                        ("submission_ref", "=", referral.submission_ref),
                        ("referrer_id", "=", referral.referrer_id.id),
                    ],
                    order="id",
                )
                if referral.submission_ref
                else referral
            )

    @api.depends("state")
    def _compute_figures(self):
        for referral in self:
            valid = referral.state != "rejected"
            referral.given_count = 1
            referral.valid_count = int(valid)
            referral.won_count = int(referral.state == "won")
            if not valid:
                referral.conversion = False
            else:
                referral.conversion = 100.0 if referral.state == "won" else 0.0

    @api.depends(
        "lead_id.order_ids.state",
        "lead_id.order_ids.amount_untaxed",
        "lead_id.order_ids.currency_id",
    )
    def _compute_revenue(self):
        for referral in self:
            total = 0.0
            for order in referral.lead_id.order_ids.filtered(
                lambda o: o.state == "sale"
            ):
                total += order.currency_id._convert(
                    order.amount_untaxed,
                    referral.currency_id,
                    referral.company_id,
                    order.date_order or fields.Date.today(),
                )
            referral.revenue = total

    @api.depends(
        "names_reward_issued",
        "names_card_id.active",
        "names_card_id.history_ids.used",
        "won_card_id.active",
        "won_card_id.history_ids.used",
    )
    def _compute_reward_figures(self):
        # a names coupon counts once, on the referral that completed its set
        for referral in self:
            cards = referral.won_card_id
            if referral.names_reward_issued:
                cards |= referral.names_card_id
            referral.reward_count = len(cards.filtered("active"))
            referral.reward_used_count = len(
                cards.filtered(lambda card: sum(card.history_ids.mapped("used")))
            )

    # Checks

    @api.constrains("name", "email", "phone")
    def _check_contact(self):
        for referral in self.filtered(lambda r: not r.sudo().personal_data_erased):
            message = referral._line_error(
                {
                    "name": referral.name,
                    "email": referral.email,
                    "phone": referral.phone,
                }
            )
            if message:
                raise ValidationError(message)

    @api.constrains("referrer_contact_id", "referrer_id")
    def _check_referrer_contact(self):
        for referral in self:
            contact = referral.referrer_contact_id
            if contact and contact.commercial_partner_id != referral.referrer_id:
                raise ValidationError(
                    self.env._(
                        "%(contact)s is not a contact of %(referrer)s.",
                        contact=contact.display_name,
                        referrer=referral.referrer_id.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            self._cv_check_input(vals_list)  # before the referrer is read
            self._check_source(vals_list, allowed=("staff",))
        for vals in vals_list:
            vals.setdefault("submission_ref", uuid.uuid4().hex)
            if vals.get("referrer_id"):
                referrer = self.env["res.partner"].browse(vals["referrer_id"])
                vals["referrer_id"] = referrer.commercial_partner_id.id
        referrals = super().create(vals_list)
        referrals.sudo()._process()
        return referrals

    @api.model
    def _check_source(self, vals_list, allowed=()):
        """Where names came from is said by the way they were given (the
        portal and its links, the API's ``submit``), not typed: a user
        creating a referral gives it as staff, nobody rewrites it."""
        for vals in vals_list:
            if "source" in vals and vals["source"] not in allowed:
                raise UserError(
                    self.env._(
                        "Where the names came from is recorded when they are "
                        "given; it cannot be set or changed by hand."
                    )
                )

    def write(self, vals):
        if not self.env.su:
            self._check_source([vals])
        protected = {"referrer_id", "email", "phone", "company_id"} & set(vals)
        erasing = self.env.su and vals.get("personal_data_erased")
        if protected and not erasing and any(referral.lead_id for referral in self):
            raise UserError(
                self.env._(
                    "A referral that became a lead keeps its referrer, contact "
                    "details and company: edit the lead instead."
                )
            )
        return super().write(vals)

    # Actions

    def action_view_lead(self):
        self._cv_check_one(self)
        if not self.lead_id:
            raise UserError(self.env._("This referral has no lead."))
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.lead",
            "res_id": self.lead_id.id,
            "view_mode": "form",
        }
