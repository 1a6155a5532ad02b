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

    feedback_throttle_days = fields.Integer(
        string="Feedback Throttle (days)",
        default=30,
        help="A contact is asked for feedback at most once in this many days, "
        "across all touchpoints (0: no limit).",
    )
    feedback_expiry_days = fields.Integer(
        string="Feedback Requests Expire After (days)",
        default=30,
        help="Days a customer has to answer a request for feedback.",
    )
    feedback_followup_user_id = fields.Many2one(
        "res.users",
        string="Feedback Follow-up Responsible",
        help="Follows up unhappy answers of customers without a salesperson, "
        "when the touchpoint names nobody.",
    )

    @api.constrains("feedback_throttle_days", "feedback_expiry_days")
    def _check_feedback_days(self):
        for company in self:
            if company.feedback_throttle_days < 0 or company.feedback_expiry_days <= 0:
                raise ValidationError(
                    self.env._(
                        "The feedback throttle cannot be negative and requests must "
                        "expire after a positive number of days."
                    )
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
