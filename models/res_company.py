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

    health_at_risk_below = fields.Integer(
        string="At Risk Below",
        default=80,
        help="A customer whose health score is below this is at risk.",
    )
    health_critical_below = fields.Integer(
        string="Critical Below",
        default=40,
        help="A customer whose health score is below this is critical.",
    )
    contact_cadence_days = fields.Integer(
        string="Contact Every (days)",
        default=30,
        help="How often each customer should hear from the company: a customer "
        "past it gets a check-in activity for the salesperson.",
    )

    @api.constrains(
        "health_at_risk_below", "health_critical_below", "contact_cadence_days"
    )
    def _check_health_settings(self):
        for company in self:
            if not (
                0
                <= company.health_critical_below
                <= company.health_at_risk_below
                <= 100
            ):
                raise ValidationError(
                    self.env._(
                        "Health thresholds: 0 <= critical below <= at risk below "
                        "<= 100."
                    )
                )
            if company.contact_cadence_days <= 0:
                raise ValidationError(
                    self.env._("The contact rhythm is a positive number of days.")
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
