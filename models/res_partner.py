# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Customers: what the concerns share. Each concern is in its own
res_partner_*.py file."""

from odoo import api, models
from odoo.tools import SQL

from .auto_init import create_empty_columns


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
        their salesperson (the administrator when they have none), created at
        once and without one e-mail each (a batch may hold thousands on the
        first run): they are in the owners' activities."""
        model_id = self.env["ir.model"]._get_id("res.partner")
        admin = self.env.ref("base.user_admin")
        vals_list = []
        for partner in self:
            owner = partner.user_id
            vals = {
                "res_model_id": model_id,
                "res_id": partner.id,
                "activity_type_id": activity_type.id,
                "summary": summary,
                "date_deadline": deadline,
                "user_id": (owner if owner and owner._is_internal() else admin).id,
            }
            if note:
                vals["note"] = note(partner)
            vals_list.append(vals)
        return (
            self.env["mail.activity"]
            .with_context(mail_activity_quick_update=True)
            .create(vals_list)
        )
