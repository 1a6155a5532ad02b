# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Customers: the online touch, a newsletter opened or clicked.

Kept apart from the last personal contact (``last_contact_date``): the contact
rhythm, its check-ins and the "not contacted" lists count personal contact
only. Nothing is written when a recipient opens a mailing (the public tracking
route): the contact catch-up job reads the mailing traces opened or clicked
since its last run, every 15 minutes."""

from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

# the job reads the opens and clicks of the mailings sent within these days
# (by the mailing, indexed on the traces); the install reads them all
NEWSLETTER_RECENT_DAYS = 90


class ResPartner(models.Model):
    _inherit = "res.partner"

    last_newsletter_open_date = fields.Date(
        string="Last Newsletter Opened",
        readonly=True,
        copy=False,
        groups="sales_team.group_sale_salesman",
        help="Last day one of the customer's contacts opened or clicked a "
        "mass mailing (Email Marketing). An online touch, not a personal "
        "contact: the contact rhythm does not count it.",
    )

    @api.model
    def _newsletter_opens_query(self, since=None):
        """(customer, last day) of the mailings opened or clicked by the
        customers' contacts: the mailing contacts the customers' list job
        made from them, and the mailings sent to the contacts themselves
        (Email Marketing on contacts), since ``since`` (or ever)."""
        if since:
            recent = SQL(
                """
                AND (t.open_datetime >= %(since)s
                     OR t.links_click_datetime >= %(since)s)
                AND t.mass_mailing_id IN (
                    SELECT m.id FROM mailing_mailing m
                     WHERE m.sent_date IS NULL OR m.sent_date >= %(sent)s)
                """,
                since=since,
                sent=since - timedelta(days=NEWSLETTER_RECENT_DAYS),
            )
        else:
            recent = SQL(
                "AND (t.open_datetime IS NOT NULL"
                " OR t.links_click_datetime IS NOT NULL)"
            )
        return SQL(
            """
            SELECT p.commercial_partner_id AS id, max(o.day) AS day
              FROM (
                SELECT c.customer_partner_id AS partner_id,
                       GREATEST(t.open_datetime, t.links_click_datetime)::date AS day
                  FROM mailing_trace t
                  JOIN mailing_contact c ON c.id = t.res_id
                 WHERE t.model = 'mailing.contact'
                   AND c.customer_partner_id IS NOT NULL %(recent)s
                 UNION ALL
                SELECT t.res_id, GREATEST(t.open_datetime, t.links_click_datetime)::date
                  FROM mailing_trace t
                 WHERE t.model = 'res.partner' %(recent)s
              ) o
              JOIN res_partner p ON p.id = o.partner_id
          GROUP BY p.commercial_partner_id
            """,
            recent=recent,
        )

    @api.model
    def _backfill_newsletter_opens(self, since=None):
        """Move the customers' last newsletter opened forward from the
        mailings opened or clicked since ``since`` (or ever: at install), in
        one query. Returns the ids of the customers moved."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                UPDATE res_partner p
                   SET last_newsletter_open_date = o.day
                  FROM (%(opens)s) o
                 WHERE p.id = o.id
                   AND (p.last_newsletter_open_date IS NULL
                        OR p.last_newsletter_open_date < o.day)
             RETURNING p.id
                """,
                opens=self._newsletter_opens_query(since),
            )
        )
        moved = [row[0] for row in self.env.cr.fetchall()]
        self.invalidate_model(["last_newsletter_open_date"])
        return moved
