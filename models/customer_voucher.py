# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The voucher: its fields, figures and constraints. Issuing and correcting it
by hand (customer_voucher_issuing.py), its actions (customer_voucher_actions.py)
and its reminders (customer_voucher_reminding.py) extend it."""

import secrets

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .formatting import format_date

# Changed only by the voucher's actions (Redeem, Cancel, Extend), the sale that
# issues it and the reminder job, never by hand.
WORKFLOW_FIELDS = {
    "state",
    "extended",
    "redeem_date",
    "redeem_user_id",
    "reminder_count",
    "last_reminder_date",
    "reminded",
    "sale_order_id",
    "sale_line_id",
}
# Context key of the composer opened by Send Reminder: what it sends counts.
MANUAL_REMINDER = "customer_voucher_manual_reminder"
# What a Sales manager may correct on an available voucher (tracked in the
# chatter); a salesperson sets them only when creating a voucher by hand.
CORRECTABLE_FIELDS = {"value", "issue_date", "expiry_date", "type_id"}
# What may still change on a redeemed, expired or cancelled voucher.
CLOSED_EDITABLE_FIELDS = {"user_id"}


# No 0/O, 1/I/L: codes are read aloud and typed by customers.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


class CustomerVoucher(models.Model):
    """A voucher a customer holds: a training, support hours, a consulting
    day... issued by a sale or by hand, reminded until used or expired."""

    _name = "customer.voucher"
    _description = "Customer Voucher"
    _inherit = [
        "portal.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "customer.value.input.mixin",
    ]
    _order = "issue_date desc, id desc"
    _rec_name = "code"
    _check_company_auto = True

    # Identity
    # given at creation (the portal mixin makes it on the first link, a
    # write that two reminders of one voucher sent at once would collide on)
    access_token = fields.Char(
        copy=False, default=lambda self: secrets.token_urlsafe(32)
    )
    code = fields.Char(
        required=True,
        readonly=True,
        copy=False,
        index=True,
        default=lambda self: self._new_code(),
        help="Unique and unguessable: the customer quotes it to redeem.",
    )
    type_id = fields.Many2one(
        "customer.voucher.type",
        string="Voucher Type",
        required=True,
        ondelete="restrict",
        index=True,
        tracking=True,
        check_company=True,
    )
    category = fields.Selection(related="type_id.category", store=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    # Holder
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        help="The company (commercial partner) that holds the voucher.",
    )
    beneficiary_id = fields.Many2one(
        "res.partner",
        tracking=True,
        check_company=True,
        help="The contact who will use the voucher; the reminders go to them.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        index=True,
        default=lambda self: self.env.user,
        tracking=True,
    )
    # Origin
    sale_order_id = fields.Many2one(
        "sale.order",
        ondelete="restrict",
        index="btree_not_null",
        readonly=True,
        copy=False,
        check_company=True,
    )
    sale_line_id = fields.Many2one(
        "sale.order.line",
        string="Order Line",
        ondelete="set null",
        index="btree_not_null",
        readonly=True,
        copy=False,
    )
    subscription_id = fields.Many2one(
        "sale.subscription",
        ondelete="set null",
        index="btree_not_null",
        check_company=True,
        help="The subscription the voucher came with: it expires at the latest "
        "when the subscription ends.",
    )
    origin = fields.Selection(
        [("sale", "Sale"), ("manual", "Manual")],
        compute="_compute_origin",
        store=True,
    )
    # Validity and value
    issue_date = fields.Date(
        required=True, default=fields.Date.context_today, tracking=True, index=True
    )
    expiry_date = fields.Date(
        required=True,
        tracking=True,
        index=True,
        compute="_compute_expiry_date",
        store=True,
        readonly=False,
        precompute=True,
    )
    value = fields.Monetary(
        compute="_compute_value",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
    )
    state = fields.Selection(
        [
            ("available", "Available"),
            ("redeemed", "Redeemed"),
            ("expired", "Expired"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="available",
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    extended = fields.Boolean(readonly=True, copy=False)
    # Redemption
    redeem_date = fields.Date(string="Redeemed On", readonly=True, copy=False)
    redeem_note = fields.Char(
        string="Redeemed For", copy=False, help="What the voucher was used for."
    )
    redeem_user_id = fields.Many2one(
        "res.users", string="Redeemed By", readonly=True, copy=False
    )
    # Reminders
    reminder_ids = fields.One2many(
        "customer.voucher.reminder", "voucher_id", string="Reminders", readonly=True
    )
    reminder_count = fields.Integer(
        string="Reminders Sent", readonly=True, copy=False, default=0
    )
    last_reminder_date = fields.Date(string="Last Reminder", readonly=True, copy=False)
    reminded = fields.Boolean(
        readonly=True,
        copy=False,
        default=False,
        help="At least one reminder was sent.",
    )
    # Figures (stored, so that pivots aggregate them in SQL)
    user_can_correct = fields.Boolean(
        compute="_compute_user_can_correct",
        help="Whether the current user may correct the value, type and dates "
        "of a voucher already issued (Sales managers).",
    )
    redeemed_rate = fields.Float(
        string="Redemption Rate (%)",
        compute="_compute_figures",
        store=True,
        aggregator="avg",
        help="100 for a redeemed voucher, 0 otherwise: its average is the "
        "redemption rate.",
    )
    value_redeemed = fields.Monetary(compute="_compute_figures", store=True)
    value_expired = fields.Monetary(
        string="Breakage",
        compute="_compute_figures",
        store=True,
        help="Value of the vouchers that expired unused.",
    )
    value_available = fields.Monetary(compute="_compute_figures", store=True)

    _sql_constraints = [
        ("code_uniq", "unique(code)", "A voucher with this code already exists."),
    ]

    @api.model
    def _new_code(self):
        groups = (
            "".join(secrets.choice(CODE_ALPHABET) for _i in range(4)) for _g in range(4)
        )
        return "-".join(groups)  # 80 bits: not guessable

    @api.depends("sale_order_id")
    def _compute_origin(self):
        for voucher in self:
            voucher.origin = "sale" if voucher.sale_order_id else "manual"

    @api.depends("type_id", "issue_date", "subscription_id")
    def _compute_expiry_date(self):
        for voucher in self:
            if not voucher.type_id or not voucher.issue_date:
                voucher.expiry_date = voucher.expiry_date or voucher.issue_date
                continue
            voucher.expiry_date = voucher._capped_expiry(
                voucher.issue_date + relativedelta(days=voucher.type_id.validity_days)
            )

    @api.depends("type_id")
    def _compute_value(self):
        for voucher in self:
            voucher.value = voucher.type_id.currency_id._convert(
                voucher.type_id.value,
                voucher.currency_id or self.env.company.currency_id,
                voucher.company_id or self.env.company,
                voucher.issue_date or fields.Date.context_today(self),
            )

    @api.depends("state", "value")
    def _compute_figures(self):
        for voucher in self:
            state = voucher.state
            voucher.redeemed_rate = 100.0 if state == "redeemed" else 0.0
            voucher.value_redeemed = voucher.value if state == "redeemed" else 0.0
            voucher.value_expired = voucher.value if state == "expired" else 0.0
            voucher.value_available = voucher.value if state == "available" else 0.0

    def _capped_expiry(self, expiry):
        """``expiry``, or the end of the voucher's subscription if sooner."""
        self.ensure_one()
        sub = self.subscription_id
        if sub and self.type_id.subscription_cap and sub.date:
            return max(min(expiry, sub.date), self.issue_date or sub.date)
        return expiry

    @api.constrains("issue_date", "expiry_date", "value")
    def _check_dates_and_value(self):
        for voucher in self:
            if voucher.expiry_date < voucher.issue_date:
                raise ValidationError(
                    self.env._(
                        "Voucher %(code)s: the expiry date (%(expiry)s) is before the "
                        "issue date (%(issue)s).",
                        code=voucher.code,
                        expiry=format_date(self.env, voucher.expiry_date),
                        issue=format_date(self.env, voucher.issue_date),
                    )
                )
            if voucher.value < 0:
                raise ValidationError(
                    self.env._(
                        "Voucher %(code)s: the value cannot be negative.",
                        code=voucher.code,
                    )
                )

    @api.depends_context("uid")
    def _compute_user_can_correct(self):
        self.user_can_correct = self.env.user.has_group("sales_team.group_sale_manager")

    def _compute_access_url(self):  # pylint: disable=missing-return
        super()._compute_access_url()
        for voucher in self:
            voucher.access_url = f"/my/vouchers/{voucher.id}"
