# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Customers: the contact rhythm.

The last contact date is not written while users post messages or plan
meetings (that would lock and update the customer in every chatter post and
incoming e-mail): the job ``_cron_contact_catch_up`` reads what happened since
its last run from the tables, every 15 minutes."""

from collections import defaultdict
from datetime import timedelta

from psycopg2.errors import LockNotAvailable, SerializationFailure

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

# the last message id the catch-up job has read past (all messages up to it
# were counted), and when it last ran (meetings and feedback answers since)
CONTACT_WATERMARK = "customer_value.contact_message_watermark"
CONTACT_LAST_RUN = "customer_value.contact_last_run"
# a message committed later than this after its creation (a long transaction)
# may be missed: the job reads the messages of the last hour again each run
LATE_COMMIT_MARGIN = timedelta(hours=1)


class ResPartner(models.Model):
    _inherit = "res.partner"

    # ------------------------------------------------------------------
    # Contact rhythm
    # ------------------------------------------------------------------
    last_contact_date = fields.Date(
        string="Last Contact",
        readonly=True,
        copy=False,
        index=True,
        groups="sales_team.group_sale_salesman",
        help="Last e-mail to or from the customer's contacts, call or meeting "
        "done, or feedback answer.",
    )
    contact_cadence_days = fields.Integer(
        string="Contact Every (days)",
        default=lambda self: self.env.company.contact_cadence_days or 30,
        groups="sales_team.group_sale_salesman",
        help="How often the customer should hear from us.",
    )
    next_contact_date = fields.Date(
        string="Next Contact",
        compute="_compute_next_contact_date",
        store=True,
        index=True,
        groups="sales_team.group_sale_salesman",
    )
    days_since_contact = fields.Integer(
        string="Days Without Contact",
        compute="_compute_days_since_contact",
        groups="sales_team.group_sale_salesman",
    )

    @api.depends("last_contact_date", "contact_cadence_days")
    def _compute_next_contact_date(self):
        for partner in self:
            partner.next_contact_date = partner.last_contact_date and (
                partner.last_contact_date
                + timedelta(days=partner.contact_cadence_days or 0)
            )

    def _compute_days_since_contact(self):
        today = fields.Date.context_today(self)
        for partner in self:
            last = partner.commercial_partner_id.last_contact_date
            partner.days_since_contact = (today - last).days if last else 0

    @api.constrains("contact_cadence_days")
    def _check_contact_cadence_days(self):
        if any(partner.contact_cadence_days < 0 for partner in self):
            raise ValidationError(
                self.env._("The contact rhythm cannot be a negative number of days.")
            )

    @api.model
    def _note_contact(self, partner_ids, when=None):
        """The customers of ``partner_ids`` (contacts or companies) were in
        touch on ``when`` (today by default): move their last contact forward,
        in one query. The employees' own partners are left out, as in
        ``_contacts_since_query``."""
        ids = tuple({pid for pid in partner_ids if pid})
        if not ids or self.env.context.get("cv_contact_noted"):
            return
        day = fields.Date.to_date(when) if when else fields.Date.context_today(self)
        self.flush_model(
            ["commercial_partner_id", "contact_cadence_days", "last_contact_date"]
        )
        self.env.cr.execute(
            SQL(
                """
                UPDATE res_partner p
                   SET last_contact_date = %(day)s,
                       next_contact_date = %(day)s::date + p.contact_cadence_days
                 WHERE p.id IN (SELECT c.commercial_partner_id FROM res_partner c
                                 WHERE c.id IN %(ids)s
                                   AND NOT EXISTS (SELECT 1 FROM res_users u
                                                    WHERE u.partner_id = c.id
                                                      AND NOT u.share))
                   AND (p.last_contact_date IS NULL OR p.last_contact_date < %(day)s)
             RETURNING p.id
                """,
                day=day,
                ids=ids,
            )
        )
        moved = [row[0] for row in self.env.cr.fetchall()]
        self.invalidate_model(["last_contact_date", "next_contact_date"])
        if moved:
            self.browse(moved)._contact_resumed(day)

    def _contact_resumed(self, day):
        """The customers ``self`` were in touch on ``day`` (their last contact
        moved, at most once a day each): their "Check in" activity opened
        before is done (that closing is no contact itself), and the health of
        those whose reasons held the silence is recomputed (the others'
        health does not depend on it)."""
        activity_type = self.env.ref(
            "customer_value.mail_activity_check_in", raise_if_not_found=False
        )
        if activity_type:
            activities = (
                self.env["mail.activity"]
                .sudo()
                .search(
                    [
                        ("res_model", "=", "res.partner"),
                        ("res_id", "in", self.ids),
                        ("activity_type_id", "=", activity_type.id),
                        # asked before that contact
                        ("create_date", "<", day + timedelta(days=1)),
                    ]
                )
            )
            if activities:
                activities.with_context(cv_contact_noted=True).action_feedback(
                    feedback=self.env._("The customer was in touch.")
                )
        silent = (
            self.env["customer.health.reason"]
            .sudo()
            ._read_group(
                [("partner_id", "in", self.ids), ("rule_id.code", "=", "no_contact")],
                ["company_id"],
                ["partner_id:array_agg"],
            )
        )
        for company, partner_ids in silent:
            self.browse(partner_ids).with_company(company)._refresh_health()

    @api.model
    def _contacts_since_query(self, since=None, message_ids=None, touched_since=None):
        """(customer, last day) of what counts as a contact, since ``since`` (or
        ever): e-mails to or from the customer's contacts and messages to them
        (not internal notes), activities done on the customer (not the
        "Check in" the job closes itself), meetings held, feedback answers. The
        employees' own partners are left out.

        The catch-up job gives ``message_ids``, a range ``(after, up_to)`` of
        message ids (read by the primary key: ``mail_message`` is large and its
        dates have no index), and ``touched_since``: the meetings held, created
        or changed and the feedback answered since then."""
        if message_ids:
            since_msg = SQL("AND m.id > %s AND m.id <= %s", *message_ids)
        elif since:
            since_msg = SQL("AND m.date >= %s", since)
        else:
            since_msg = SQL("")
        if touched_since:
            since_event = SQL(
                "AND (e.start >= %s OR e.write_date >= %s)",
                touched_since,
                touched_since,
            )
            since_feedback = SQL("AND f.date_answered >= %s", touched_since)
        elif since:
            since_event = SQL("AND e.start >= %s", since)
            since_feedback = SQL("AND f.date_answered >= %s", since)
        else:
            since_event = since_feedback = SQL("")
        check_in = self.env.ref(
            "customer_value.mail_activity_check_in", raise_if_not_found=False
        )
        root = self.env.ref("base.partner_root", raise_if_not_found=False)
        return SQL(
            """
            SELECT c.commercial_partner_id AS id, max(t.day) AS day
              FROM (
                SELECT r.res_partner_id AS partner_id, m.date::date AS day
                  FROM mail_message m
                  JOIN mail_message_res_partner_rel r ON r.mail_message_id = m.id
             LEFT JOIN mail_message_subtype st ON st.id = m.subtype_id
                 WHERE (m.message_type = 'email'
                        OR (m.message_type = 'comment'
                            AND NOT COALESCE(m.is_internal, false)
                            AND NOT COALESCE(st.internal, false))) %(since_msg)s
                 UNION ALL
                SELECT m.author_id, m.date::date
                  FROM mail_message m
             LEFT JOIN mail_message_subtype st ON st.id = m.subtype_id
                 WHERE m.author_id IS NOT NULL
                   AND (m.message_type = 'email'
                        OR (m.message_type = 'comment'
                            AND NOT COALESCE(m.is_internal, false)
                            AND NOT COALESCE(st.internal, false))) %(since_msg)s
                 UNION ALL
                SELECT m.res_id, m.date::date
                  FROM mail_message m
                 WHERE m.mail_activity_type_id IS NOT NULL
                   AND m.model = 'res.partner' %(since_msg)s
                   -- the "Check in" closed by the job (a contact was seen)
                   AND NOT (m.mail_activity_type_id IS NOT DISTINCT FROM %(check_in)s
                            AND m.author_id IS NOT DISTINCT FROM %(root)s)
                 UNION ALL
                SELECT r.res_partner_id, e.start::date
                  FROM calendar_event e
                  JOIN calendar_event_res_partner_rel r ON r.calendar_event_id = e.id
                 WHERE e.active AND e.start <= %(now)s %(since_event)s
                 UNION ALL
                SELECT f.partner_id, f.date_answered::date
                  FROM customer_feedback f
                 WHERE f.state = 'answered' %(since_feedback)s
              ) t
              JOIN res_partner c ON c.id = t.partner_id
             WHERE NOT EXISTS (SELECT 1 FROM res_users u
                                WHERE u.partner_id = c.id AND NOT u.share)
          GROUP BY c.commercial_partner_id
            """,
            since_msg=since_msg,
            since_event=since_event,
            since_feedback=since_feedback,
            now=fields.Datetime.now(),
            check_in=check_in.id if check_in else None,
            root=root.id if root else None,
        )

    @api.model
    def _backfill_last_contact(self, since=None, **ranges):
        """Set the last contact dates from what happened (since ``since``, or
        ever: at install), in one query (``ranges``: see
        ``_contacts_since_query``). Returns the ``(customer id, day)`` of the
        customers whose last contact moved."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                UPDATE res_partner p
                   SET last_contact_date = last.day,
                       next_contact_date = last.day
                           + COALESCE(p.contact_cadence_days, 0)
                  FROM (%(contacts)s) last
                 WHERE p.id = last.id
                   AND (p.last_contact_date IS NULL OR p.last_contact_date < last.day)
             RETURNING p.id, last.day
                """,
                contacts=self._contacts_since_query(since, **ranges),
            )
        )
        moved = self.env.cr.fetchall()
        self.invalidate_model(["last_contact_date", "next_contact_date"])
        return moved

    @api.model
    def _init_contact_watermark(self):
        """Everything until now was counted (at install, at the upgrade that
        brought the job): the job starts from the last message."""
        self.env.cr.execute("SELECT COALESCE(max(id), 0) FROM mail_message")
        self._set_contact_job_param(CONTACT_WATERMARK, self.env.cr.fetchone()[0])
        self._set_contact_job_param(
            CONTACT_LAST_RUN, fields.Datetime.to_string(fields.Datetime.now())
        )

    @api.model
    def _get_contact_job_param(self, key):
        """The job's own state, read past ``get_param``'s cache (written by
        ``_set_contact_job_param``)."""
        self.env.cr.execute(
            "SELECT value FROM ir_config_parameter WHERE key = %s", [key]
        )
        row = self.env.cr.fetchone()
        return row and row[0]

    @api.model
    def _set_contact_job_param(self, key, value):
        """Store the job's state in a system parameter by SQL: ``set_param``
        would clear the caches of every worker at each run."""
        value = str(value)
        self.env.cr.execute(
            "UPDATE ir_config_parameter"
            "   SET value = %s, write_date = now() AT TIME ZONE 'UTC'"
            " WHERE key = %s RETURNING id",
            [value, key],
        )
        if self.env.cr.fetchone():
            self.env["ir.config_parameter"].invalidate_model(["value"])
        else:
            self.env["ir.config_parameter"].sudo().set_param(key, value)

    def _cron_contact_catch_up(self, batch_size=50000):
        """Every 15 minutes: move the customers' last contact forward from the
        messages, activities done, meetings and feedback answers since the last
        run (by batches of ``batch_size`` message ids while a backlog
        remains)."""
        remaining = self._catch_up_contacts(batch_size)
        self.env["ir.cron"]._notify_progress(done=1, remaining=int(remaining))

    @api.model
    def _catch_up_contacts(self, batch_size=50000):
        """Read the contacts since the last run: the messages past the
        watermark (at most ``batch_size`` ids), the meetings held, created or
        changed and the feedback answered since the last run (both with an
        overlap of ``LATE_COMMIT_MARGIN``); and, apart, the newsletters
        opened or clicked since then (``last_newsletter_open_date``). Moving a
        date forward again is a no-op, so reading twice is harmless. The
        customers whose last contact moved get their check-in closed and their
        health refreshed. Returns whether messages remain past the batch."""
        if not self._lock_contact_job():
            return False
        now = fields.Datetime.now()
        watermark = int(self._get_contact_job_param(CONTACT_WATERMARK) or 0)
        last_run = fields.Datetime.to_datetime(
            self._get_contact_job_param(CONTACT_LAST_RUN)
        ) or now - timedelta(days=2)
        self.env.flush_all()
        self.env.cr.execute("SELECT COALESCE(max(id), 0) FROM mail_message")
        last_id = self.env.cr.fetchone()[0]
        up_to = max(watermark, min(last_id, watermark + batch_size))
        moved = self._backfill_last_contact(
            message_ids=(watermark, up_to),
            touched_since=min(last_run, now) - LATE_COMMIT_MARGIN,
        )
        by_day = defaultdict(list)
        for partner_id, day in moved:
            by_day[day].append(partner_id)
        for day, partner_ids in sorted(by_day.items()):
            self.browse(partner_ids)._contact_resumed(day)
        self._note_document_activities(watermark, up_to)
        # the online touch, apart: newsletters opened or clicked since
        self._backfill_newsletter_opens(since=min(last_run, now) - LATE_COMMIT_MARGIN)
        # the watermark passes the messages older than the margin, up to the
        # first recent one: a message with a lower id still uncommitted (its id
        # taken, not yet visible) is read next time, unless its transaction
        # began more than the margin ago
        self.env.cr.execute(
            SQL(
                """
                SELECT min(id) - 1 FROM mail_message
                 WHERE id > %s AND id <= %s AND create_date >= %s
                """,
                watermark,
                up_to,
                now - LATE_COMMIT_MARGIN,
            )
        )
        first_recent = self.env.cr.fetchone()[0]
        new_watermark = up_to if first_recent is None else first_recent
        if new_watermark != watermark:
            self._set_contact_job_param(CONTACT_WATERMARK, new_watermark)
        self._set_contact_job_param(CONTACT_LAST_RUN, fields.Datetime.to_string(now))
        return new_watermark == up_to < last_id

    @api.model
    def _lock_contact_job(self):
        """One catch-up at a time (the 15-minute job and the daily rhythm job
        may meet): False when another one holds the watermark."""
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    "SELECT id FROM ir_config_parameter WHERE key = %s"
                    " FOR NO KEY UPDATE NOWAIT",
                    [CONTACT_WATERMARK],
                    log_exceptions=False,
                )
        except (LockNotAvailable, SerializationFailure):
            return False
        return True

    @api.model
    def _note_document_activities(self, after_id, up_to_id):
        """Activities done (a call, a meeting) on a document of a customer (an
        order, a lead), in the messages ``after_id < id <= up_to_id``, are a
        contact with the document's customer on the day they were done."""
        self.env.cr.execute(
            SQL(
                """
                SELECT m.model, m.res_id, max(m.date)::date
                  FROM mail_message m
                 WHERE m.id > %s AND m.id <= %s
                   AND m.mail_activity_type_id IS NOT NULL
                   AND m.model IS NOT NULL AND m.model != 'res.partner'
                   AND m.res_id IS NOT NULL
              GROUP BY m.model, m.res_id
                """,
                after_id,
                up_to_id,
            )
        )
        days = defaultdict(dict)
        for model, res_id, day in self.env.cr.fetchall():
            days[model][res_id] = day
        by_day = defaultdict(set)
        for model, day_of in days.items():
            if model not in self.env or "partner_id" not in self.env[model]._fields:
                continue
            field = self.env[model]._fields["partner_id"]
            if field.type != "many2one" or field.comodel_name != "res.partner":
                continue
            # sudo: the job reads the customer of any document
            for record in self.env[model].sudo().browse(list(day_of)).exists():
                if record.partner_id:
                    by_day[day_of[record.id]].add(record.partner_id.id)
        for day, partner_ids in sorted(by_day.items()):
            self._note_contact(partner_ids, day)

    def _cron_contact_rhythm(self, batch_size=1000):
        """One "Check in" activity for the account owner of each customer past
        its contact rhythm, never a second one while it is open."""
        today = fields.Date.context_today(self)
        activity_type = self.env.ref("customer_value.mail_activity_check_in")
        # the contacts of the last minutes first (planned meetings held since
        # the last catch-up count too): no check-in for a customer just heard
        self._catch_up_contacts()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT p.id FROM res_partner p
                 WHERE p.id IN (%(customers)s) AND p.active
                   AND p.contact_cadence_days > 0
                   AND (p.next_contact_date IS NULL OR p.next_contact_date <= %(today)s)
                   AND NOT EXISTS (
                       SELECT 1 FROM mail_activity a
                        WHERE a.res_model = 'res.partner' AND a.res_id = p.id
                          AND a.activity_type_id = %(type)s)
                   -- someone to give the check-in to: their salesperson, else
                   -- the company's responsible (else nobody, and they would
                   -- be selected again at each call)
                   AND (EXISTS (
                           SELECT 1 FROM res_users u
                            WHERE u.id = p.user_id AND u.active AND NOT u.share
                              AND u.id != %(superuser)s)
                        OR EXISTS (
                           SELECT 1 FROM res_company c
                             JOIN res_users r ON r.id = c.customer_responsible_id
                            WHERE c.id = COALESCE(p.company_id, %(company)s)
                              AND r.active AND NOT r.share))
              ORDER BY p.id LIMIT %(limit)s
                """,
                customers=self._customers_query(),
                today=today,
                type=activity_type.id,
                superuser=SUPERUSER_ID,
                company=self.env.company.id,
                limit=batch_size,
            )
        )
        partners = self.browse([row[0] for row in rows])
        # what else they may need: their next offers, read for the batch
        notes = partners._next_offers_note()
        activities = partners._schedule_owner_activities(
            activity_type,
            self.env._("Check in with the customer"),
            today,
            note=lambda partner: notes.get(partner.id, False),
        )
        self.env["ir.cron"]._notify_progress(
            done=len(partners), remaining=int(len(partners) == batch_size)
        )
        return activities
