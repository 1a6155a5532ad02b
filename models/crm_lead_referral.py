# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Leads: found by the phone a referral gives."""

from odoo import models
from odoo.tools.sql import create_index

from .customer_referral import REFERRAL_INDEXES


class CrmLead(models.Model):
    _inherit = "crm.lead"

    def init(self):
        # the leads with a referral's phone are found by index (dropped by the
        # uninstall hook)
        res = super().init()
        for name, table, expression in REFERRAL_INDEXES:
            if table == self._table:
                create_index(self.env.cr, name, table, [expression])
        return res
