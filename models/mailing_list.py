# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Email Marketing: the mailing list of the current customers' contacts.

One list for the database (``customer_value.mailing_list_customers``: a
mailing list has no company), kept in sync by a daily job in SQL. The job adds
the contacts with an e-mail of the current customers of every company (a
running subscription, or a confirmed sale in the last 12 months), never one
who opted out of the list (the opted-out subscription row stays, Odoo's own)
or whose address is blacklisted; it removes only the subscriptions it added
itself, of customers no longer current. Contacts added by hand stay."""

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

# a customer with a confirmed sale within these months is current
CURRENT_CUSTOMER_MONTHS = 12


class MailingList(models.Model):
    _inherit = "mailing.list"

    @api.model
    def _cv_current_customers_query(self):
        """The commercial partners who are current customers, in every
        company: a running subscription (``revenue_active``: in progress and
        not in trial) or a confirmed sale within ``CURRENT_CUSTOMER_MONTHS``."""
        since = fields.Datetime.now() - relativedelta(months=CURRENT_CUSTOMER_MONTHS)
        return SQL(
            """
            SELECT s.commercial_partner_id FROM sale_subscription s
             WHERE s.revenue_active AND s.commercial_partner_id IS NOT NULL
             UNION
            SELECT p.commercial_partner_id
              FROM sale_order o JOIN res_partner p ON p.id = o.partner_id
             WHERE o.state = 'sale' AND o.date_order >= %(since)s
            """,
            since=since,
        )

    @api.model
    def _cv_customer_contacts_to_add(self, mailing_list, limit):
        """(partner id, name, e-mail) of the current customers' contacts with
        an e-mail (the company and its contacts or invoice addresses) not on
        the list yet, by any contact of the same partner or the same address,
        subscribed or opted out, and not blacklisted. One per address; the
        employees' own partners are left out."""
        return self.env.execute_query(
            SQL(
                """
                SELECT DISTINCT ON (p.email_normalized)
                       p.id, p.name, p.email, p.email_normalized
                  FROM res_partner p
                 WHERE p.commercial_partner_id IN (%(customers)s)
                   AND p.active AND p.email_normalized IS NOT NULL
                   AND COALESCE(p.type, 'contact') IN ('contact', 'invoice')
                   AND NOT EXISTS (SELECT 1 FROM res_users u
                                    WHERE u.partner_id = p.id AND NOT u.share)
                   AND NOT EXISTS (SELECT 1 FROM mail_blacklist b
                                    WHERE b.email = p.email_normalized AND b.active)
                   AND NOT EXISTS (SELECT 1 FROM mailing_subscription s
                                     JOIN mailing_contact c ON c.id = s.contact_id
                                    WHERE s.list_id = %(list)s
                                      AND c.customer_partner_id = p.id)
                   AND NOT EXISTS (SELECT 1 FROM mailing_subscription s
                                     JOIN mailing_contact c ON c.id = s.contact_id
                                    WHERE s.list_id = %(list)s
                                      AND c.email_normalized = p.email_normalized)
              ORDER BY p.email_normalized, p.id
                 LIMIT %(limit)s
                """,
                customers=self._cv_current_customers_query(),
                list=mailing_list.id,
                limit=limit,
            )
        )

    @api.model
    def _cv_customer_subscriptions_to_remove(self, mailing_list, limit):
        """The subscriptions the job added whose contact is no longer a
        current customer's contact with an e-mail (former customer, contact
        archived or deleted). Opted-out rows are kept: they remember the
        choice."""
        rows = self.env.execute_query(
            SQL(
                """
                SELECT s.id FROM mailing_subscription s
                  JOIN mailing_contact c ON c.id = s.contact_id
                 WHERE s.list_id = %(list)s AND s.cv_synced
                   AND NOT COALESCE(s.opt_out, false)
                   AND NOT EXISTS (
                       SELECT 1 FROM res_partner p
                        WHERE p.id = c.customer_partner_id AND p.active
                          AND p.email_normalized IS NOT NULL
                          AND p.commercial_partner_id IN (%(customers)s))
              ORDER BY s.id
                 LIMIT %(limit)s
                """,
                customers=self._cv_current_customers_query(),
                list=mailing_list.id,
                limit=limit,
            )
        )
        return self.env["mailing.subscription"].browse([row[0] for row in rows])

    @api.model
    def _cron_sync_customer_list(self, batch_size=1000):
        """Daily: add the current customers' contacts to the customers'
        mailing list and remove the former customers' contacts the job added,
        ``batch_size`` of each per call (Odoo calls again while some remain).
        Running it twice changes nothing the second time."""
        mailing_list = self.env.ref(
            "customer_value.mailing_list_customers", raise_if_not_found=False
        )
        if not mailing_list:
            self.env["ir.cron"]._notify_progress(done=0, remaining=0)
            return
        added = self._cv_sync_add(mailing_list, batch_size)
        removed = self._cv_customer_subscriptions_to_remove(mailing_list, batch_size)
        removed.sudo().unlink()
        self.env["ir.cron"]._notify_progress(
            done=added + len(removed),
            remaining=int(added == batch_size or len(removed) == batch_size),
        )

    @api.model
    def _cv_sync_add(self, mailing_list, batch_size):
        """Subscribe a batch of the contacts to add; reuse the mailing contact
        made earlier from the same partner (its subscription was removed when
        it was no longer a customer). Returns how many were added."""
        self.env.flush_all()
        rows = self._cv_customer_contacts_to_add(mailing_list, batch_size)
        if not rows:
            return 0
        Contact = (
            self.env["mailing.contact"]
            .sudo()
            .with_context(tracking_disable=True, mail_create_nolog=True)
        )
        existing = {}
        for contact in Contact.search(
            [("customer_partner_id", "in", [row[0] for row in rows])], order="id"
        ):
            existing.setdefault(contact.customer_partner_id.id, contact)
        subscriptions, contacts = [], []
        for partner_id, name, email, email_normalized in rows:
            subscription = {"list_id": mailing_list.id, "cv_synced": True}
            contact = existing.get(partner_id)
            if contact:
                subscriptions.append({**subscription, "contact_id": contact.id})
            else:
                contacts.append(
                    {
                        "name": name,
                        "email": email or email_normalized,
                        "customer_partner_id": partner_id,
                        "subscription_ids": [fields.Command.create(subscription)],
                    }
                )
        self.env["mailing.subscription"].sudo().create(subscriptions)
        Contact.create(contacts)
        return len(rows)
