# Copyright 2026 customer_value contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    subscription_retention_discount = fields.Float(
        string="Retention Discount (%)",
        help="Discount offered to a customer who asks to close a subscription. "
        "0: no offer, only lower plans are proposed.",
    )

    @api.constrains("subscription_retention_discount")
    def _check_subscription_retention_discount(self):
        for company in self:
            if not 0 <= company.subscription_retention_discount < 100:
                raise ValidationError(
                    self.env._(
                        "The retention discount is a percentage from 0 to 99.99."
                    )
                )
