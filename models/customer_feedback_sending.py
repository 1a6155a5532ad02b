# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Asking for feedback and sending the requests: throttling, opt-outs, the
hourly sending job (claim then send, one savepoint per failing request),
survey invitations and expiry."""

import logging
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from .assignee import first_given_work
from .cron_batch import write_by_batches
from .customer_feedback import THROTTLING_STATES
from .mail_batch import send_mail_batch_safely

_logger = logging.getLogger(__name__)


class CustomerFeedback(models.Model):
    _inherit = "customer.feedback"

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
        # the document is checked by create (it exists, the caller reads it)
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
        # first ask about the sales confirmed since the last run
        _asked, more_sales = self.env[
            "customer.feedback.touchpoint"
        ]._catch_up_sales_confirmed(batch_size)
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
        self.env["ir.cron"]._notify_progress(
            done=len(ids), remaining=remaining or int(more_sales)
        )
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
        return (
            first_given_work(
                (
                    self.touchpoint_id.followup_user_id,
                    self.company_id.feedback_followup_user_id,
                    self.touchpoint_id.create_uid,
                )
            )
            or self.env["res.users"]
        )

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
