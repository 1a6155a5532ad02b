# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .sale_order import DEFAULT_GRACE_DAYS, GRACE_DAYS_PARAM


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    crossgrade_grace_days = fields.Integer(
        string="Crossgrade Grace Period (days)",
        config_parameter=GRACE_DAYS_PARAM,
        default=DEFAULT_GRACE_DAYS,
        help="Days after a competitor contract's renewal date during which the "
        "customer still qualifies for crossgrade prices.",
    )

    subscription_retention_discount = fields.Float(
        related="company_id.subscription_retention_discount", readonly=False
    )

    feedback_throttle_days = fields.Integer(
        related="company_id.feedback_throttle_days", readonly=False
    )
    feedback_expiry_days = fields.Integer(
        related="company_id.feedback_expiry_days", readonly=False
    )
    feedback_followup_user_id = fields.Many2one(
        related="company_id.feedback_followup_user_id", readonly=False
    )
    health_at_risk_below = fields.Integer(
        related="company_id.health_at_risk_below", readonly=False
    )
    health_critical_below = fields.Integer(
        related="company_id.health_critical_below", readonly=False
    )
    contact_cadence_days = fields.Integer(
        related="company_id.contact_cadence_days", readonly=False
    )
    customer_responsible_id = fields.Many2one(
        related="company_id.customer_responsible_id", readonly=False
    )

    referral_assignment = fields.Selection(
        related="company_id.referral_assignment", readonly=False
    )
    referral_names_program_id = fields.Many2one(
        related="company_id.referral_names_program_id", readonly=False
    )
    referral_names_count = fields.Integer(
        related="company_id.referral_names_count", readonly=False
    )
    referral_names_period_days = fields.Integer(
        related="company_id.referral_names_period_days", readonly=False
    )
    referral_won_program_id = fields.Many2one(
        related="company_id.referral_won_program_id", readonly=False
    )
    referral_won_on = fields.Selection(
        related="company_id.referral_won_on", readonly=False
    )
    referral_responsible_id = fields.Many2one(
        related="company_id.referral_responsible_id", readonly=False
    )
    referral_portal_daily_cap = fields.Integer(
        related="company_id.referral_portal_daily_cap", readonly=False
    )
    referral_invitation_text = fields.Html(
        related="company_id.referral_invitation_text", readonly=False
    )

    @api.constrains("crossgrade_grace_days")
    def _check_crossgrade_grace_days(self):
        if any(settings.crossgrade_grace_days < 0 for settings in self):
            raise ValidationError(
                self.env._("The crossgrade grace period cannot be negative.")
            )
