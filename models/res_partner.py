# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Customers: what the concerns share. Each concern is in its own
res_partner_*.py file."""

import logging

import psycopg2

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .assignee import can_be_given_work
from .auto_init import create_empty_columns

_logger = logging.getLogger(__name__)


def _create_each_if_needed(Activity, vals_list):
    """The activities of ``vals_list``, created at once; if that fails, one
    at a time, each in a savepoint, the failures logged."""
    if not vals_list:
        return Activity
    try:
        with Activity.env.cr.savepoint():
            return Activity.create(vals_list)
    except (UserError, psycopg2.Error) as error:
        _logger.warning("Activities not created at once, one by one: %s", error)
    created = Activity
    for vals in vals_list:
        try:
            with Activity.env.cr.savepoint():
                created |= Activity.create(vals)
        except (UserError, psycopg2.Error) as error:
            _logger.warning(
                "Activity %s on customer %s not created: %s",
                vals["summary"],
                vals["res_id"],
                error,
            )
    return created


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _auto_init(self):
        """The next contact date is created empty: it follows the last contact
        date, which the post-init hook fills (with it) from the history in
        one query; Odoo need not compute it partner by partner."""
        create_empty_columns(self, ["next_contact_date"])
        return super()._auto_init()

    @api.model
    def _customers_query(self, ids=None, company=None):
        """The customers whose health is followed: commercial partners with a
        confirmed sale, a subscription or a voucher (in ``company`` if
        given)."""

        def only(partner, document):
            filters = SQL("AND %s IN %s", partner, ids) if ids else SQL("")
            if company:
                filters = SQL("%s AND %s = %s", filters, document, company.id)
            return filters

        return SQL(
            """
            SELECT p.commercial_partner_id AS id
              FROM sale_order o JOIN res_partner p ON p.id = o.partner_id
             WHERE o.state = 'sale' %(filter_orders)s
             UNION
            SELECT s.commercial_partner_id FROM sale_subscription s
             WHERE s.commercial_partner_id IS NOT NULL %(filter_subs)s
             UNION
            SELECT v.partner_id FROM customer_voucher v
             WHERE TRUE %(filter_vouchers)s
            """,
            filter_orders=only(SQL("p.commercial_partner_id"), SQL("o.company_id")),
            filter_subs=only(SQL("s.commercial_partner_id"), SQL("s.company_id")),
            filter_vouchers=only(SQL("v.partner_id"), SQL("v.company_id")),
        )

    def _schedule_owner_activities(self, activity_type, summary, deadline, note=None):
        """One activity of ``activity_type`` on each of these customers for
        their salesperson; for the company's responsible for customers
        without a salesperson (Settings) when they have none, who does not
        follow the customers for it; else none (never the administrator, nor
        the superuser): the customers without a salesperson are listed
        (filter *Without Salesperson*). Created at once and without one
        e-mail each (a batch may hold thousands on the first run): they are
        in the owners' activities. A batch that cannot be created is created
        one customer at a time, each in a savepoint: a customer whose
        activity fails is logged and the others get theirs."""
        model_id = self.env["ir.model"]._get_id("res.partner")
        owned, responsible, skipped = [], [], []
        for partner in self:
            owner = partner.user_id
            vals_list = owned
            if not can_be_given_work(owner):
                owner = (partner.company_id or self.env.company).customer_responsible_id
                vals_list = responsible
                if not can_be_given_work(owner):
                    skipped.append(partner.id)
                    continue
            vals = {
                "res_model_id": model_id,
                "res_id": partner.id,
                "activity_type_id": activity_type.id,
                "summary": summary,
                "date_deadline": deadline,
                "user_id": owner.id,
            }
            if note:
                vals["note"] = note(partner)
            vals_list.append(vals)
        if skipped:
            _logger.info(
                "%s: %s customers without a salesperson nor a responsible, "
                "no activity",
                summary,
                len(skipped),
            )
        Activity = self.env["mail.activity"].with_context(
            mail_activity_quick_update=True
        )
        return _create_each_if_needed(Activity, owned) | _create_each_if_needed(
            Activity.with_context(customer_value_no_follow=True), responsible
        )

    def message_subscribe(self, partner_ids=None, subtype_ids=None):
        # the responsible for the customers without a salesperson gets their
        # activities, not their messages (thousands of customers)
        if self.env.context.get("customer_value_no_follow"):
            return True
        return super().message_subscribe(
            partner_ids=partner_ids, subtype_ids=subtype_ids
        )
