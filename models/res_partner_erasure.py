# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"

    def unlink(self):
        """Erasing a person (GDPR) erases what was asked of them and what they
        answered, chatter and activities included (the database's cascade
        alone would leave the answers' messages behind)."""
        # sudo: whoever may delete the contact may erase its feedback
        self.env["customer.feedback"].sudo().with_context(active_test=False).search(
            [("partner_id", "in", self.ids)]
        ).unlink()
        return super().unlink()
