# Copyright 2026 customer_value contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _invoice_paid_hook(self):
        res = super()._invoice_paid_hook()
        # a referred customer's first invoice paid: the won reward, if the
        # company rewards on payment
        referrals = self.filtered(
            lambda move: move.move_type == "out_invoice"
        ).line_ids.sale_line_ids.order_id.opportunity_id.referral_id.sudo()
        referrals.filtered(
            lambda r: r.company_id.referral_won_on == "invoice"
        )._check_won_reward(paid=True)
        return res
