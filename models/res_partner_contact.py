# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Customers: the contact rhythm."""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL


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
    def _contacts_since_query(self, since=None, meetings_only=False):
        """(customer, last day) of what counts as a contact, since ``since`` (or
        ever): e-mails to or from the customer's contacts and messages to them
        (not internal notes), activities done on the customer, meetings held,
        feedback answers. The employees' own partners are left out."""
        since_msg = SQL("AND m.date >= %s", since) if since else SQL("")
        if meetings_only:
            since_msg = SQL("AND false")
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
                 UNION ALL
                SELECT r.res_partner_id, e.start::date
                  FROM calendar_event e
                  JOIN calendar_event_res_partner_rel r ON r.calendar_event_id = e.id
                 WHERE e.active AND e.start <= %(now)s %(since_event)s
                 UNION ALL
                SELECT f.partner_id, f.date_answered::date
                  FROM customer_feedback f
                 WHERE f.state = 'answered' %(since_feedback)s %(meetings_only)s
              ) t
              JOIN res_partner c ON c.id = t.partner_id
             WHERE NOT EXISTS (SELECT 1 FROM res_users u
                                WHERE u.partner_id = c.id AND NOT u.share)
          GROUP BY c.commercial_partner_id
            """,
            since_msg=since_msg,
            since_event=SQL("AND e.start >= %s", since) if since else SQL(""),
            since_feedback=SQL("AND f.date_answered >= %s", since)
            if since
            else SQL(""),
            meetings_only=SQL("AND false") if meetings_only else SQL(""),
            now=fields.Datetime.now(),
        )

    @api.model
    def _backfill_last_contact(self, since=None, meetings_only=False):
        """Set the last contact dates from what happened (since ``since``, or
        ever: at install), in one query."""
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
                """,
                contacts=self._contacts_since_query(since, meetings_only),
            )
        )
        self.invalidate_model(["last_contact_date", "next_contact_date"])

    def _cron_contact_rhythm(self, batch_size=1000):
        """One "Check in" activity for the account owner of each customer past
        its contact rhythm, never a second one while it is open."""
        today = fields.Date.context_today(self)
        activity_type = self.env.ref("customer_value.mail_activity_check_in")
        # meetings held since yesterday's run (planned ones count once held)
        self._backfill_last_contact(
            since=fields.Datetime.now() - timedelta(days=2), meetings_only=True
        )
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
              ORDER BY p.id LIMIT %(limit)s
                """,
                customers=self._customers_query(),
                today=today,
                type=activity_type.id,
                limit=batch_size,
            )
        )
        partners = self.browse([row[0] for row in rows])
        activities = partners._schedule_owner_activities(
            activity_type, self.env._("Check in with the customer"), today
        )
        self.env["ir.cron"]._notify_progress(
            done=len(partners), remaining=int(len(partners) == batch_size)
        )
        return activities
