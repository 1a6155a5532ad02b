# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Leads: found by the phone a referral gives."""

from odoo import fields, models

from .customer_referral import SALESMAN, create_referral_indexes


class CrmLead(models.Model):
    _inherit = "crm.lead"

    # The inverse of the referrals' lead: a referral's state and salesperson
    # follow its lead's, and Odoo finds the referrals of written leads through
    # it, read once for the whole batch (without it, one search per lead: the
    # CRM's assignment writes leads one by one).
    referral_ids = fields.One2many(
        "customer.referral", "lead_id", string="Referrals", groups=SALESMAN
    )

    def init(self):
        # the leads with a referral's phone are found by index (dropped by the
        # uninstall hook)
        res = super().init()
        create_referral_indexes(self.env.cr, self._table)
        return res
