# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CrmLostReason(models.Model):
    _inherit = "crm.lost.reason"

    reoffer_after_months = fields.Integer(
        string="Re-offer After (months)",
        default=0,
        help="A lead lost for this reason comes back as a new opportunity this "
        'many months after it was lost (0: never). A "no" today can be a '
        '"yes" later.',
    )

    @api.constrains("reoffer_after_months")
    def _check_reoffer_after_months(self):
        for reason in self:
            if not 0 <= reason.reoffer_after_months <= 120:
                raise ValidationError(
                    self.env._(
                        "Lost reason %(reason)s: re-offer after 0 (never) to 120 "
                        "months, not %(months)s.",
                        reason=reason.name,
                        months=reason.reoffer_after_months,
                    )
                )
