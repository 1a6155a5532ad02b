# Copyright 2026 customer_value contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Referrals: a customer names people who could benefit; each valid name
becomes a lead, the customer is thanked, told what became of it and
rewarded with loyalty coupons (per N names, and when a name buys)."""

import logging
import re
import uuid
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import email_normalize, single_email_re

from .optional_float import OptionalFloat

_logger = logging.getLogger(__name__)

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
] + [("res_partner_email_normalized_referral_index", "res_partner", "email_normalized")]
PUBLIC_KEYS = ("name", "company_name", "email", "phone", "note", "consent")


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
        ondelete="restrict",
        tracking=True,
        domain="['|', ('is_company', '=', True), ('parent_id', '=', False)]",
        help="The customer who gave the name.",
    )
    referrer_contact_id = fields.Many2one(
        "res.partner",
        string="Given By",
        ondelete="restrict",
        domain="[('commercial_partner_id', '=', referrer_id)]",
        help="The referrer's contact who gave the name; thanked and told the "
        "outcome (else the referrer).",
    )
    date = fields.Date(
        required=True, default=fields.Date.context_today, index=True, readonly=True
    )
    source = fields.Selection(
        [("staff", "Staff"), ("portal", "Portal"), ("api", "API")],
        required=True,
        default="staff",
        readonly=True,
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
    )
    rejection_reason = fields.Selection(
        REJECTION_REASONS, readonly=True, copy=False, tracking=True
    )
    lead_id = fields.Many2one(
        "crm.lead",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
        check_company=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        compute="_compute_user_id",
        store=True,
        index=True,
        help="The lead's salesperson, else the referrer's.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    names_card_id = fields.Many2one(
        "loyalty.card",
        string="Names Reward",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
        help="The coupon earned by this name with the others given in its " "period.",
    )
    won_card_id = fields.Many2one(
        "loyalty.card",
        string="Won Reward",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
        help="The coupon earned when this name bought.",
    )
    names_reward_issued = fields.Boolean(
        readonly=True,
        copy=False,
        help="This referral completed the set of names that earned the coupon.",
    )
    reward_card_ids = fields.Many2many(
        "loyalty.card", compute="_compute_reward_card_ids", string="Rewards"
    )
    batch_referral_ids = fields.Many2many(
        "customer.referral", compute="_compute_batch_referral_ids"
    )
    # figures (the pivot's measures)
    valid_count = fields.Integer(
        compute="_compute_figures", store=True, aggregator="sum", string="Valid"
    )
    won_count = fields.Integer(
        compute="_compute_figures", store=True, aggregator="sum", string="Won #"
    )
    conversion = OptionalFloat(
        string="Conversion (%)",
        compute="_compute_figures",
        store=True,
        aggregator="avg",
        help="100 for a valid referral won, 0 for another valid one (empty when "
        "rejected): its average is the share of valid referrals won.",
    )
    revenue = fields.Monetary(
        compute="_compute_revenue",
        store=True,
        help="Untaxed amount of the confirmed sale orders of the referral's lead.",
    )
    reward_count = fields.Integer(
        compute="_compute_reward_figures",
        store=True,
        string="Rewards Issued",
        help="Coupons issued and still valid: the won reward, and the names "
        "reward on the referral that completed its set.",
    )
    reward_used_count = fields.Integer(
        compute="_compute_reward_figures",
        store=True,
        string="Rewards Used",
        help="Coupons used on an order.",
    )

    @api.depends("email", "phone")
    def _compute_contact_keys(self):
        for referral in self:
            referral.email_normalized = email_normalize(referral.email or "")
            referral.phone_key = phone_key(referral.phone)

    @api.depends(
        "rejection_reason",
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
                referral.state = "submitted"
            elif lead.active and (lead.stage_id.is_won or lead.probability == 100):
                referral.state = "won"
            elif not lead.active and not lead.probability:
                referral.state = "lost"
            else:
                referral.state = "lead"

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
        for referral in self:
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

    @api.model
    def _line_error(self, line):
        """Why ``line`` (a dict of the public keys) cannot be a referral, or
        False."""
        if not isinstance(line, dict):
            return self.env._("Expected a dictionary of referral values, got %r.", line)
        unknown = set(line) - set(PUBLIC_KEYS)
        if unknown:
            return self.env._(
                "Unknown keys %(keys)s; a referral takes %(allowed)s.",
                keys=", ".join(sorted(map(str, unknown))),
                allowed=", ".join(PUBLIC_KEYS),
            )
        for key in PUBLIC_KEYS:
            value = line.get(key)
            expected = bool if key == "consent" else str
            if value not in (None, False) and not isinstance(value, expected):
                return self.env._(
                    "%(key)s: %(value)r is not valid.", key=key, value=value
                )
        name = (line.get("name") or "").strip()
        email = (line.get("email") or "").strip()
        phone = (line.get("phone") or "").strip()
        if not name:
            return self.env._("The name of the person is missing.")
        if not email and not phone:
            return self.env._("%s: give an e-mail address or a phone number.", name)
        if email and not single_email_re.match(email):
            return self.env._(
                "%(name)s: %(email)s is not a valid e-mail address.",
                name=name,
                email=email,
            )
        return False

    # Intake

    @api.model
    def submit(self, referrer_id, referrals, source="api"):
        """Record the names ``referrals`` (a list of dicts with the keys
        name, company_name, email, phone, note, consent) given by the
        customer ``referrer_id`` (a company or one of its contacts).

        Returns one dict per line, in order: ``{"id", "name", "state",
        "rejection_reason"}`` for a line recorded, ``{"error": message}``
        for a line refused (nothing written for it). The referrer gets one
        thank-you e-mail listing the names received."""
        if not self.env.user.has_group("sales_team.group_sale_salesman"):
            raise AccessError(
                self.env._("Only salespeople can record referrals for a customer.")
            )
        if source not in ("staff", "api"):
            raise ValidationError(
                self.env._("Source must be 'staff' or 'api', not %r.", source)
            )
        contact = self._cv_browse("res.partner", referrer_id, self.env._("Referrer"))
        if not contact:
            raise ValidationError(self.env._("Referrer: a customer is required."))
        contact.check_access("read")
        return self.sudo()._submit(contact, referrals, source)

    @api.model
    def _submit_portal(self, contact, referrals):
        """The names a customer's portal user gives, within the daily cap.
        Each must have agreed to be contacted."""
        if not referrals:
            raise ValidationError(self.env._("Enter at least one name."))
        company = self.env.company
        referrer = contact.commercial_partner_id
        given_today = self.search_count(
            [
                ("referrer_id", "=", referrer.id),
                ("company_id", "=", company.id),
                ("source", "=", "portal"),
                ("date", "=", fields.Date.context_today(self)),
            ]
        )
        return self._submit(
            contact,
            referrals,
            "portal",
            limit=max(company.referral_portal_daily_cap - given_today, 0),
            require_consent=True,
        )

    @api.model
    def _submit(self, contact, referrals, source, limit=None, require_consent=False):
        """Check each line, create the valid ones together (leads, rewards)
        and thank the referrer. ``limit``: how many lines may be recorded
        (the portal's daily cap); ``require_consent``: each line must say
        the person agreed to be contacted (the portal)."""
        if not isinstance(referrals, list | tuple) or not referrals:
            raise ValidationError(
                self.env._("Give a list of referrals (name, e-mail or phone...).")
            )
        referrer = contact.commercial_partner_id
        ref = uuid.uuid4().hex
        results, vals_list = [], []
        for line in referrals:
            error = self._line_error(line)
            if not error and require_consent and not line.get("consent"):
                error = self.env._(
                    "%s: please confirm that this person agreed to be contacted.",
                    line["name"],
                )
            if not error and limit is not None and len(vals_list) >= limit:
                error = self.env._(
                    "%s: the limit of referrals for today is reached; please "
                    "send this name tomorrow.",
                    line["name"],
                )
            if error:
                results.append({"error": error})
                continue
            results.append(None)
            vals_list.append(
                {
                    **{key: line.get(key) for key in PUBLIC_KEYS if line.get(key)},
                    "name": line["name"].strip(),
                    "referrer_id": referrer.id,
                    "referrer_contact_id": contact.id,
                    "source": source,
                    "submission_ref": ref,
                    "company_id": self.env.company.id,
                }
            )
        created = iter(self.create(vals_list))
        for index, result in enumerate(results):
            if result is None:
                referral = next(created)
                results[index] = {
                    "id": referral.id,
                    "name": referral.name,
                    "state": referral.state,
                    "rejection_reason": referral.rejection_reason or False,
                }
        return results

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            self._cv_check_input(vals_list)  # before the referrer is read
        for vals in vals_list:
            vals.setdefault("submission_ref", uuid.uuid4().hex)
            if vals.get("referrer_id"):
                referrer = self.env["res.partner"].browse(vals["referrer_id"])
                vals["referrer_id"] = referrer.commercial_partner_id.id
        referrals = super().create(vals_list)
        referrals.sudo()._process()
        return referrals

    def write(self, vals):
        protected = {"referrer_id", "email", "phone", "company_id"} & set(vals)
        if protected and any(referral.lead_id for referral in self):
            raise UserError(
                self.env._(
                    "A referral that became a lead keeps its referrer, contact "
                    "details and company: edit the lead instead."
                )
            )
        return super().write(vals)

    def _process(self):
        """Reject or turn into leads the new referrals (in order: a name
        given twice in one submission counts once), then reward the names
        and thank the referrers."""
        for referral in self:
            reason = referral._rejection_reason()
            if reason:
                referral.rejection_reason = reason
            else:
                referral._create_lead()
        self._issue_names_rewards()
        if not self.env.context.get("referral_no_mail"):
            self._send_thanks()

    def _rejection_reason(self):
        self.ensure_one()
        referrer = self.referrer_id
        email, key = self.email_normalized, self.phone_key
        if not email and not key:
            return "invalid_contact"
        partners = self._matching_partners()
        if partners.filtered(lambda p: p.commercial_partner_id == referrer):
            return "self_referral"
        if partners.commercial_partner_id.filtered("customer_rank"):
            return "existing_customer"
        if (
            email
            and not key
            and self.env["mail.blacklist"]
            .sudo()
            .search_count([("email", "=", email)], limit=1)
        ):
            return "invalid_contact"
        since = fields.Date.context_today(self) - timedelta(days=ALREADY_REFERRED_DAYS)
        if self.search_count(
            [
                # the earlier ones: a name given twice in one call counts once
                ("id", "<", self.id),
                ("rejection_reason", "=", False),
                ("date", ">=", since),
                ("company_id", "=", self.company_id.id),
                *self._key_domain(),
            ],
            limit=1,
        ):
            return "already_referred"
        if self._matching_leads(since):
            return "already_referred"
        return False

    def _contact_sql(self):
        """SQL conditions (and their parameters) matching the referral's
        e-mail or phone in a table with email_normalized, phone, mobile."""
        self.ensure_one()
        conditions, params = [], []
        if self.email_normalized:
            conditions.append("email_normalized = %s")
            params.append(self.email_normalized)
        if self.phone_key:
            for column in ("phone", "mobile"):
                conditions.append(f"{PHONE_KEY_SQL.format(column=column)} = %s")
                params.append(self.phone_key)
        return conditions, params

    def _matching_partners(self):
        """Partners (archived too) with the referral's e-mail or phone."""
        self.ensure_one()
        conditions, params = self._contact_sql()
        self.env["res.partner"].flush_model(["email_normalized", "phone", "mobile"])
        self.env.cr.execute(
            f"SELECT id FROM res_partner WHERE {' OR '.join(conditions)}",  # noqa: S608
            params,
        )
        return self.env["res.partner"].browse(row[0] for row in self.env.cr.fetchall())

    def _matching_leads(self, since):
        """Leads of the company with the referral's e-mail or phone: open
        ones, and lost (archived) ones closed since ``since``."""
        self.ensure_one()
        conditions, params = self._contact_sql()
        self.env["crm.lead"].flush_model(
            ["email_normalized", "phone", "mobile", "active", "date_closed"]
        )
        self.env.cr.execute(
            f"""SELECT id FROM crm_lead
                 WHERE ({" OR ".join(conditions)})
                   AND (company_id = %s OR company_id IS NULL)
                   AND (active OR date_closed >= %s OR date_closed IS NULL)
                   AND id != ALL(%s)""",  # noqa: S608
            [*params, self.company_id.id, since, self.lead_id.ids or [0]],
        )
        return self.env["crm.lead"].browse(row[0] for row in self.env.cr.fetchall())

    def _lead_assignment(self):
        """(salesperson, team) of the referral's lead: the sales teams'
        assignment rules when they run and the company chose them, else the
        referrer's salesperson."""
        referrer = self.referrer_id
        company = self.company_id
        rules = (
            self.env["ir.config_parameter"].sudo().get_param("crm.lead.auto.assignment")
        )
        if company.referral_assignment == "team" and rules:
            return self.env["res.users"], self.env["crm.team"]
        user = referrer.user_id
        if not user.active or company not in user.company_ids:
            # the salesperson recording the names, else the team leader
            recorder = self.env.user
            user = (
                recorder
                if recorder._is_internal() and not recorder._is_superuser()
                else self.env["res.users"]
            )
        team = self.env["crm.team"]._get_default_team_id(
            user_id=user.id, domain=[("company_id", "in", [company.id, False])]
        )
        user = user or team.user_id
        return user, team

    def _create_lead(self):
        self.ensure_one()
        user, team = self._lead_assignment()
        use_leads = (
            self.env.ref("crm.group_use_lead")
            in self.env.ref("base.group_user").implied_ids
        )
        referrer = self.referrer_id
        lead = (
            self.env["crm.lead"]
            .with_company(self.company_id)
            .with_context(mail_create_nosubscribe=True)
            .create(
                {
                    "name": self.env._(
                        "%(name)s, referred by %(referrer)s",
                        name=self.name,
                        referrer=referrer.name,
                    ),
                    "type": "lead" if use_leads else "opportunity",
                    "contact_name": self.name,
                    "partner_name": self.company_name or False,
                    "email_from": self.email or False,
                    "phone": self.phone or False,
                    "description": self.note or False,
                    **self._lead_link_values(),
                    "source_id": self.env.ref("customer_value.utm_source_referral").id,
                    "user_id": user.id,
                    "team_id": team.id,
                    "company_id": self.company_id.id,
                }
            )
        )
        self.lead_id = lead
        owner = user or team.user_id
        if owner:
            lead.activity_schedule(
                "mail.mail_activity_data_call",
                user_id=owner.id,
                summary=self.env._("First contact: referred by %s", referrer.name),
                note=self.note or False,
            )
        return lead

    def _lead_link_values(self):
        """What links a lead to this referral and its referrer."""
        self.ensure_one()
        return {
            "referral_id": self.id,
            "referrer_partner_id": self.referrer_id.id,
            "referred": self.referrer_id.name,
        }

    # Rewards

    def _issue_names_rewards(self):
        """A names coupon per N valid referrals of a referrer given within
        the period, each referral counted once."""
        for company in self.company_id:
            program = company.referral_names_program_id
            count = company.referral_names_count
            if not program or count <= 0:
                continue
            since = fields.Date.context_today(self) - timedelta(
                days=company.referral_names_period_days or ALREADY_REFERRED_DAYS
            )
            for referrer in self.filtered(
                lambda r, company=company: r.company_id == company
            ).referrer_id:
                pending = self.search(
                    [
                        ("referrer_id", "=", referrer.id),
                        ("company_id", "=", company.id),
                        ("rejection_reason", "=", False),
                        ("names_card_id", "=", False),
                        ("date", ">=", since),
                    ],
                    order="date, id",
                )
                while len(pending) >= count:
                    earned, pending = pending[:count], pending[count:]
                    card = self._create_card(program, referrer)
                    earned.names_card_id = card
                    earned[-1].names_reward_issued = True
                    earned._message_log_batch(
                        {
                            referral.id: self.env._(
                                "Names reward %s issued to the referrer.", card.code
                            )
                            for referral in earned
                        }
                    )

    @api.model
    def _create_card(self, program, referrer):
        """A coupon of ``program`` for ``referrer``, announced by the
        program's own "at creation" mail. A mail that cannot be made (no PDF
        engine for the coupon report...) does not cancel the reward: the
        reason is logged on the coupon, which can be sent again from it."""
        points = max(program.reward_ids.mapped("required_points") or [1])
        card = (
            self.env["loyalty.card"]
            .with_context(loyalty_no_mail=True)
            .create(
                {
                    "program_id": program.id,
                    "partner_id": referrer.id,
                    "points": points,
                }
            )
            .with_context(loyalty_no_mail=False)
        )
        try:
            with self.env.cr.savepoint():
                card._send_creation_communication()
        except UserError as error:
            _logger.warning("Referral reward %s: mail not sent: %s", card.code, error)
            card._message_log(
                body=self.env._("The reward mail could not be sent: %s", error)
            )
        return card

    def _check_won_reward(self, paid=False):
        """Issue (or give back) the won reward of these referrals: their lead
        is won and its first sale order confirmed (or its first invoice
        paid, if the company says so); once per referred person."""
        for referral in self.filtered(lambda r: r.lead_id and not r.rejection_reason):
            company = referral.company_id
            program = company.referral_won_program_id
            if not program:
                continue
            orders = referral.lead_id.order_ids.filtered(lambda o: o.state == "sale")
            earned = referral.state == "won" and orders
            if earned and company.referral_won_on == "invoice":
                earned = paid or any(
                    move.payment_state in ("paid", "in_payment")
                    for move in orders.invoice_ids
                    if move.move_type == "out_invoice" and move.state == "posted"
                )
            card = referral.won_card_id
            if earned and not card:
                if referral._person_won_rewarded():
                    continue
                referral.won_card_id = referral._create_card(
                    program, referral.referrer_id
                )
                referral.message_post(
                    body=self.env._(
                        "Won reward %s issued to the referrer.",
                        referral.won_card_id.code,
                    ),
                )
            elif earned and not card.active:
                card.active = True
                referral._message_log(
                    body=self.env._("Won reward %s given back.", card.code)
                )
            elif not orders and card.active and not card.use_count:
                card.active = False
                referral._message_log(
                    body=self.env._(
                        "Won reward %s withdrawn: the sale was cancelled before "
                        "the reward was used.",
                        card.code,
                    )
                )

    def _key_domain(self):
        """Records of the same person: same normalised e-mail or phone."""
        self.ensure_one()
        keys = [
            (field, "=", self[field])
            for field in ("email_normalized", "phone_key")
            if self[field]
        ]
        return ["|", *keys] if len(keys) == 2 else keys

    def _person_won_rewarded(self):
        self.ensure_one()
        return bool(
            self.search_count(
                [
                    ("id", "!=", self.id),
                    ("won_card_id", "!=", False),
                    *self._key_domain(),
                ],
                limit=1,
            )
        )

    def _on_lead_change(self, before):
        """After a write on their leads: tell the referrers of the referrals
        newly won or lost, and reward the won ones."""
        changed = self.filtered(lambda r: r.state != before.get(r))
        changed.filtered(lambda r: r.state in ("won", "lost"))._send_outcome()
        changed._check_won_reward()

    # Mails

    def _send_thanks(self):
        # the names of each submission, all created by now; one mail each
        self.invalidate_model(["batch_referral_ids"])
        self.browse(
            {
                referral.submission_ref: referral.id for referral in reversed(self)
            }.values()
        )._post_template("customer_value.mail_template_referral_thanks")

    def _send_outcome(self):
        self._post_template("customer_value.mail_template_referral_outcome")

    def _post_template(self, xmlid):
        """Post the mail template ``xmlid`` on each referral (a comment: it
        goes to the referrer)."""
        template = self.env.ref(xmlid, raise_if_not_found=False)
        if not template:
            return
        for referral in self:
            referral.message_post_with_source(
                template, message_type="comment", subtype_xmlid="mail.mt_comment"
            )

    def _mail_recipient(self):
        self.ensure_one()
        return self.referrer_contact_id or self.referrer_id

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
