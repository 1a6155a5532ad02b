# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models


class CrmLeadLost(models.TransientModel):
    _inherit = "crm.lead.lost"

    reoffer_date = fields.Date(
        string="Re-offer On",
        compute="_compute_reoffer_date",
        help="The lead comes back as a new opportunity on this day (from the "
        "lost reason).",
    )

    @api.depends("lost_reason_id")
    def _compute_reoffer_date(self):
        today = fields.Date.context_today(self)
        for wizard in self:
            months = wizard.lost_reason_id.reoffer_after_months
            wizard.reoffer_date = months and today + relativedelta(months=months)
