# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Reminding the holders of their vouchers: the daily job that sends the due
steps of each voucher type's schedule, once each, and the reminders sent by
hand, which count alike."""

from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL

from .customer_voucher import MANUAL_REMINDER
from .mail_batch import send_mail_batch_safely


class CustomerVoucher(models.Model):
    _inherit = "customer.voucher"

    # ------------------------------------------------------------------
    # Reminders sent by hand
    # ------------------------------------------------------------------
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
    # The reminder job
    # ------------------------------------------------------------------
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
