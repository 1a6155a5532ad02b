# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import logging
import secrets
from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from .cron_batch import write_by_batches
from .customer_value_input_mixin import is_record_id
from .formatting import format_date
from .mail_batch import send_mail_batch_safely

_logger = logging.getLogger(__name__)


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

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            self._check_manual_create(vals_list)
        self._check_codes_free(vals_list)
        Partner = self.env["res.partner"]
        for vals in vals_list:
            if isinstance(vals, dict) and is_record_id(vals.get("partner_id")):
                partner = Partner.browse(vals["partner_id"])
                vals["partner_id"] = partner.commercial_partner_id.id
                vals.setdefault("beneficiary_id", partner.id)
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            self._check_manual_write(vals)
        self._check_codes_free([vals])
        if is_record_id(vals.get("partner_id")):
            partner = self.env["res.partner"].browse(vals["partner_id"])
            vals["partner_id"] = partner.commercial_partner_id.id
        return super().write(vals)

    def _check_manual_write(self, vals):
        """What users may change by hand (the actions write as superuser)."""
        names = set(vals) if isinstance(vals, dict) else set()
        workflow = names & WORKFLOW_FIELDS
        if workflow:
            raise AccessError(
                self.env._(
                    "%(fields)s of a voucher change only through its actions "
                    "(Redeem, Cancel, Extend), not by hand.",
                    fields=self._field_labels(workflow),
                )
            )
        closed = self.filtered(lambda voucher: voucher.state != "available")
        if closed and names - CLOSED_EDITABLE_FIELDS:
            states = dict(self._fields["state"]._description_selection(self.env))
            raise UserError(
                self.env._(
                    "Voucher %(code)s is %(state)s: it cannot be changed any more.",
                    code=closed[0].code,
                    state=states[closed[0].state].lower(),
                )
            )
        if names & CORRECTABLE_FIELDS and not self.env.user.has_group(
            "sales_team.group_sale_manager"
        ):
            raise AccessError(
                self.env._(
                    "Only Sales managers can correct %(fields)s of a voucher.",
                    fields=self._field_labels(names & CORRECTABLE_FIELDS),
                )
            )

    @api.model
    def _check_manual_create(self, vals_list):
        for vals in vals_list:
            given = {
                name
                for name, value in (vals.items() if isinstance(vals, dict) else ())
                if name in WORKFLOW_FIELDS
                and value not in (False, None, 0, "available")
            }
            if given:
                raise AccessError(
                    self.env._(
                        "%(fields)s of a voucher are set by its actions and by the "
                        "sale that issues it, not by hand.",
                        fields=self._field_labels(given),
                    )
                )

    @api.model
    def _field_labels(self, names):
        return ", ".join(
            sorted(self._fields[name]._description_string(self.env) for name in names)
        )

    @api.model
    def _check_codes_free(self, vals_list):
        """Refuse taken codes with a message (not a database error)."""
        codes = [vals["code"] for vals in vals_list if vals.get("code")]
        if not codes:
            return
        taken = self.with_context(active_test=False).sudo().search(
            [("code", "in", codes)]
        ).mapped("code") + [code for code in codes if codes.count(code) > 1]
        if taken:
            raise ValidationError(
                self.env._(
                    "A voucher with the code %(codes)s already exists.",
                    codes=", ".join(sorted(set(taken))),
                )
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_history(self):
        # sudo: the reminder log counts whoever may read it
        if any(
            voucher.state != "cancelled" or voucher.sudo().reminder_ids
            for voucher in self
        ):
            raise UserError(
                self.env._(
                    "A voucher is part of the customer's history: cancel it "
                    "instead of deleting it."
                )
            )

    @api.depends_context("uid")
    def _compute_user_can_correct(self):
        self.user_can_correct = self.env.user.has_group("sales_team.group_sale_manager")

    def _compute_access_url(self):  # pylint: disable=missing-return
        super()._compute_access_url()
        for voucher in self:
            voucher.access_url = f"/my/vouchers/{voucher.id}"

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def _check_state(self, allowed, action):
        labels = dict(self._fields["state"]._description_selection(self.env))
        today = fields.Date.context_today(self)
        for voucher in self:
            state = voucher.state
            if state == "available" and voucher.expiry_date < today:
                state = "expired"
            if state not in allowed:
                raise UserError(
                    self.env._(
                        "Voucher %(code)s cannot be %(action)s: it is %(state)s.",
                        code=voucher.code,
                        action=action,
                        state=labels[state].lower(),
                    )
                )

    def action_redeem(self, note=None):
        """Mark the vouchers as used; ``note``: what they were redeemed for."""
        self.check_access("write")
        self._check_state(("available",), self.env._("redeemed"))
        for voucher in self:
            # sudo: the workflow fields change only through the actions
            voucher.sudo().write(
                {
                    "state": "redeemed",
                    "redeem_date": fields.Date.context_today(self),
                    "redeem_note": note or voucher.redeem_note or False,
                    "redeem_user_id": self.env.uid,
                }
            )
        self.env["customer.feedback.touchpoint"]._trigger_feedback(
            "voucher_redeemed",
            self,
            lambda voucher: voucher.beneficiary_id or voucher.partner_id,
        )
        return True

    def action_cancel(self):
        """Cancel unused vouchers (a redeemed voucher stays redeemed)."""
        self.check_access("write")
        self._check_state(("available", "expired"), self.env._("cancelled"))
        self.sudo().write({"state": "cancelled"})
        return True

    def action_extend(self):
        """Extend the validity once, within the type's window around expiry
        (managers)."""
        if not self.env.user.has_group("sales_team.group_sale_manager"):
            raise AccessError(
                self.env._("Only Sales managers can extend the validity of a voucher.")
            )
        self.check_access("write")
        today = fields.Date.context_today(self)
        for voucher in self:
            voucher._check_state(("available", "expired"), self.env._("extended"))
            voucher_type = voucher.type_id
            if voucher.extended:
                raise UserError(
                    self.env._(
                        "Voucher %(code)s was already extended once.", code=voucher.code
                    )
                )
            if voucher_type.extension_days <= 0:
                raise UserError(
                    self.env._(
                        "Vouchers of type %(type)s cannot be extended.",
                        type=voucher_type.name,
                    )
                )
            window = relativedelta(days=voucher_type.extension_window_days)
            if not (
                voucher.expiry_date - window <= today <= voucher.expiry_date + window
            ):
                raise UserError(
                    self.env._(
                        "Voucher %(code)s can be extended from %(start)s to %(end)s "
                        "only (%(days)s days around its expiry).",
                        code=voucher.code,
                        start=format_date(self.env, voucher.expiry_date - window),
                        end=format_date(self.env, voucher.expiry_date + window),
                        days=voucher_type.extension_window_days,
                    )
                )
            expiry = voucher._capped_expiry(
                max(voucher.expiry_date, today)
                + relativedelta(days=voucher_type.extension_days)
            )
            if expiry <= voucher.expiry_date or expiry < today:
                raise UserError(
                    self.env._(
                        "Voucher %(code)s cannot be extended beyond the end of its "
                        "subscription (%(end)s).",
                        code=voucher.code,
                        end=voucher.subscription_id.date,
                    )
                )
            voucher.sudo().write(
                {"expiry_date": expiry, "extended": True, "state": "available"}
            )
        return True

    def _reminder_template(self):
        """The type's reminder e-mail, or the module's default one."""
        self.ensure_one()
        return self.type_id.mail_template_id or self.env.ref(
            "customer_value.mail_template_voucher_reminder"
        )

    def action_send_reminder(self):
        """Open the reminder e-mail composer for one voucher."""
        self._cv_check_one(self)
        self.check_access("write")
        template = self._reminder_template()
        return {
            "type": "ir.actions.act_window",
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_model": self._name,
                "default_res_ids": self.ids,
                "default_template_id": template.id,
                "default_composition_mode": "comment",
                MANUAL_REMINDER: True,
            },
        }

    @api.returns("mail.message", lambda value: value.id)
    def message_post(self, **kwargs):
        message = super().message_post(**kwargs)
        if self.env.context.get(MANUAL_REMINDER) and message.message_type in (
            "comment",
            "email",
        ):
            self._cv_log_manual_reminder()
        return message

    def _cv_log_manual_reminder(self):
        """A reminder sent by hand counts like one of the daily job: logged,
        counted on the voucher, in the reminder-effect figures."""
        today = fields.Date.context_today(self)
        # sudo: the log and the counters change only this way and by the job
        for voucher in self.sudo():
            self.env["customer.voucher.reminder"].sudo().create(
                {
                    "voucher_id": voucher.id,
                    "partner_id": (voucher.beneficiary_id or voucher.partner_id).id,
                    "status": "sent",
                    "manual": True,
                }
            )
            voucher.write(
                {
                    "reminder_count": voucher.reminder_count + 1,
                    "last_reminder_date": today,
                    "reminded": True,
                }
            )

    # ------------------------------------------------------------------
    # Crons
    # ------------------------------------------------------------------
    @api.model
    def _cron_expire(self, batch_size=1000):
        """Expire the available vouchers past their expiry date, by batches."""
        today = fields.Date.context_today(self)
        return write_by_batches(
            self,
            [("state", "=", "available"), ("expiry_date", "<", today)],
            {"state": "expired"},
            batch_size,
            order="expiry_date, id",
        )

    def _due_reminders_query(self, today, limit, lock=True):
        """The latest due step of each available voucher not reminded of it
        yet, locking the vouchers (a concurrent run skips them)."""
        return SQL(
            """
            SELECT v.id, due.step_id
              FROM customer_voucher v
              JOIN LATERAL (
                    SELECT s.id AS step_id
                      FROM customer_voucher_reminder_step s,
                           LATERAL (SELECT CASE s.anchor
                                           WHEN 'issue' THEN v.issue_date + s.days
                                           ELSE v.expiry_date - s.days
                                           END AS day) d
                     WHERE s.type_id = v.type_id
                       AND d.day <= %(today)s
                       AND d.day BETWEEN v.issue_date AND v.expiry_date
                  ORDER BY d.day DESC, s.id DESC
                     LIMIT 1
                   ) due ON TRUE
             WHERE v.state = 'available'
               AND v.expiry_date >= %(today)s
               AND NOT EXISTS (
                    SELECT 1 FROM customer_voucher_reminder r
                     WHERE r.voucher_id = v.id AND r.step_id = due.step_id)
          ORDER BY v.id
             LIMIT %(limit)s
            %(lock)s
            """,
            today=today,
            limit=limit,
            lock=SQL("FOR NO KEY UPDATE OF v SKIP LOCKED") if lock else SQL(""),
        )

    @api.model
    def _cron_send_reminders(self, batch_size=500):
        """Send one batch of due reminders; the cron commits and calls again
        while some remain (``ir.cron._notify_progress``).

        Each schedule step is sent at most once per voucher: the log line is
        claimed (unique voucher/step) in the same transaction that queues the
        e-mail, so an interrupted batch leaves nothing behind and a concurrent
        run skips the vouchers this one locked. A late run sends only the latest
        due step of each voucher.
        """
        today = fields.Date.context_today(self)
        self.env.flush_all()
        self.env.cr.execute(self._due_reminders_query(today, batch_size))
        pairs = self.env.cr.fetchall()
        sent = self._send_reminders(pairs) if pairs else self.browse()
        remaining = 0
        if len(pairs) == batch_size:
            self.env.cr.execute(
                SQL(
                    "SELECT count(*) FROM (%s) due",
                    self._due_reminders_query(today, None, lock=False),
                )
            )
            remaining = self.env.cr.fetchone()[0]
        self.env["ir.cron"]._notify_progress(done=len(pairs), remaining=remaining)
        return sent

    def _send_reminders(self, pairs):
        """Log and queue the reminders of ``pairs`` [(voucher_id, step_id)]."""
        cr = self.env.cr
        vouchers = self.browse([voucher_id for voucher_id, _step in pairs])
        cr.execute(
            SQL(
                """
                SELECT v.id, p.id, p.email_normalized,
                       bl.id IS NOT NULL AS blacklisted
                  FROM customer_voucher v
                  JOIN res_partner p ON p.id = COALESCE(v.beneficiary_id, v.partner_id)
             LEFT JOIN mail_blacklist bl
                    ON bl.email = p.email_normalized AND bl.active
                 WHERE v.id IN %s
                """,
                tuple(vouchers.ids),
            )
        )
        recipients = {row[0]: row[1:] for row in cr.fetchall()}
        now = fields.Datetime.now()
        rows = []
        for voucher_id, step_id in pairs:
            partner_id, email, blacklisted = recipients[voucher_id]
            status = "opted_out" if blacklisted else "sent" if email else "no_email"
            rows.append(
                SQL(
                    "(%s, %s, %s, %s, %s)", voucher_id, step_id, partner_id, status, now
                )
            )
        # Claim the steps: a step already logged (by a run that committed in the
        # meantime) is not returned, so not sent.
        cr.execute(
            SQL(
                """
                INSERT INTO customer_voucher_reminder
                       (voucher_id, step_id, company_id, partner_id, status, date,
                        create_uid, write_uid, create_date, write_date)
                SELECT t.voucher_id, t.step_id, v.company_id, t.partner_id,
                       t.status, t.date, %(uid)s, %(uid)s, %(now)s, %(now)s
                  FROM (VALUES %(rows)s)
                       AS t(voucher_id, step_id, partner_id, status, date)
                  JOIN customer_voucher v ON v.id = t.voucher_id
                ON CONFLICT (voucher_id, step_id) DO NOTHING
             RETURNING id, voucher_id, status
                """,
                uid=self.env.uid,
                now=now,
                rows=SQL(", ").join(rows),
            )
        )
        claimed = cr.fetchall()
        to_send = self.browse([vid for _id, vid, status in claimed if status == "sent"])
        skipped = {vid: status for _id, vid, status in claimed if status != "sent"}
        log_ids = {vid: log_id for log_id, vid, _status in claimed}
        mails = self.env["mail.mail"]
        failed = {}  # voucher id -> error
        by_template = defaultdict(list)
        for voucher in to_send:
            by_template[voucher._reminder_template()].append(voucher.id)
        for template, voucher_ids in by_template.items():
            mails |= send_mail_batch_safely(template, voucher_ids, failed)
        if failed:
            cr.execute(
                SQL(
                    "UPDATE customer_voucher_reminder SET status = 'failed' "
                    "WHERE id IN %s",
                    tuple(log_ids[vid] for vid in failed),
                )
            )
            to_send -= self.browse(list(failed))
            self.browse(list(failed))._message_log_batch(
                {
                    vid: self.env._(
                        "Reminder not sent: %(error)s",
                        error=error.args[0] if error.args else repr(error),
                    )
                    for vid, error in failed.items()
                }
            )
        if mails:
            cr.execute(
                SQL(
                    """
                    UPDATE customer_voucher_reminder r SET mail_id = t.mail_id
                      FROM (VALUES %s) AS t(log_id, mail_id)
                     WHERE r.id = t.log_id
                    """,
                    SQL(", ").join(
                        SQL("(%s, %s)", log_ids[mail.res_id], mail.id) for mail in mails
                    ),
                )
            )
        if to_send:
            cr.execute(
                SQL(
                    """
                    UPDATE customer_voucher
                       SET reminder_count = reminder_count + 1,
                           last_reminder_date = %s,
                           reminded = TRUE,
                           write_uid = %s,
                           write_date = %s
                     WHERE id IN %s
                    """,
                    fields.Date.context_today(self),
                    self.env.uid,
                    now,
                    tuple(to_send.ids),
                )
            )
        if skipped:
            messages = {
                "opted_out": self.env._(
                    "Reminder not sent: %(partner)s opted out of e-mails."
                ),
                "no_email": self.env._(
                    "Reminder not sent: %(partner)s has no e-mail address."
                ),
            }
            skipped_vouchers = self.browse(list(skipped))
            skipped_vouchers._message_log_batch(
                {
                    voucher.id: messages[skipped[voucher.id]]
                    % {
                        "partner": (
                            voucher.beneficiary_id or voucher.partner_id
                        ).display_name
                    }
                    for voucher in skipped_vouchers
                }
            )
        self.env.invalidate_all()
        return to_send
