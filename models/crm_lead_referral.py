# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Leads: found by the phone a referral gives."""

from odoo import models

from .customer_referral import create_referral_indexes


class CrmLead(models.Model):
    _inherit = "crm.lead"

    def init(self):
        # the leads with a referral's phone are found by index (dropped by the
        # uninstall hook)
        res = super().init()
        create_referral_indexes(self.env.cr, self._table)
        return res
