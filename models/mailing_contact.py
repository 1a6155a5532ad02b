# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Email Marketing: the customers' mailing list (kept in sync by a daily job,
``mailing.list._cron_sync_customer_list``)."""

from odoo import fields, models


class MailingContact(models.Model):
    _inherit = "mailing.contact"

    customer_partner_id = fields.Many2one(
        "res.partner",
        string="Customer Contact",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
        copy=False,
        help="The customer's contact this mailing contact was made from by the "
        "customers' mailing list job: its opens and clicks count as the "
        "customer's online touch.",
    )


class MailingSubscription(models.Model):
    _inherit = "mailing.subscription"

    cv_synced = fields.Boolean(
        string="Added by the Customers Job",
        readonly=True,
        copy=False,
        help="Added by the daily job of the customers' mailing list: removed "
        "by it when the customer is no longer current (unless the contact "
        "opted out, which is kept). Contacts added by hand are never removed.",
    )
