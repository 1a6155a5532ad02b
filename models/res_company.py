# Copyright 2026 customer_value contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from urllib.parse import urlencode

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import is_html_empty

from .column_defaults import set_column_defaults

# The referral invitation's link: its UTM campaign, and its medium per place
# (the portal records the medium as the referrals' source)
INVITATION_CAMPAIGN = "referral_invitation"
INVITATION_MEDIA = ("invoice", "order_mail")


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
    customer_responsible_id = fields.Many2one(
        "res.users",
        string="Responsible for Customers without a Salesperson",
        domain="[('share', '=', False)]",
        help="Gets the check-in and critical-health activities of the customers "
        "who have no salesperson, without following them. Empty: nobody gets "
        "them (the customers are listed by the filter Without Salesperson).",
    )

    referral_assignment = fields.Selection(
        [
            ("team", "By the sales teams' assignment rules"),
            ("salesperson", "To the referrer's salesperson"),
        ],
        string="Assign Referred Leads",
        default="salesperson",
        required=True,
        help="Team rules apply when CRM's rule-based assignment is on; "
        "otherwise the referrer's salesperson gets the lead.",
    )
    referral_names_program_id = fields.Many2one(
        "loyalty.program",
        string="Names Reward",
        domain="[('company_id', 'in', [id, False])]",
        help="A coupon of this program rewards the customer for the names given.",
    )
    referral_names_count = fields.Integer(
        string="Names per Reward",
        default=3,
        help="Valid names a customer gives within the period for one names " "reward.",
    )
    referral_names_period_days = fields.Integer(
        string="Names Period (days)",
        default=365,
        help="The names counted for a reward are those given in this many days.",
    )
    referral_won_program_id = fields.Many2one(
        "loyalty.program",
        string="Won Reward",
        domain="[('company_id', 'in', [id, False])]",
        help="A coupon of this program rewards the customer when a name buys.",
    )
    referral_won_on = fields.Selection(
        [
            ("order", "Its first sale order is confirmed"),
            ("invoice", "Its first invoice is paid"),
        ],
        string="Reward a Won Name When",
        default="order",
        required=True,
    )
    referral_responsible_id = fields.Many2one(
        "res.users",
        domain="[('share', '=', False)]",
        help="Gets the leads, and their first call, of names given on the portal "
        "when the customer has no salesperson and the sales team no leader.",
    )
    referral_portal_daily_cap = fields.Integer(
        string="Portal Referrals per Day",
        default=10,
        help="Names a customer may give on the portal in one day.",
    )
    referral_invitation_text = fields.Html(
        string="Referral Invitation",
        translate=True,
        sanitize=True,
        help="Printed on customer invoices and added to the invoice and order "
        "confirmation e-mails sent to customers, with the reward and a link to "
        "the portal page where they give names. Shown only when a referral "
        "reward program is set; empty: no invitation.",
    )

    def init(self):
        res = super().init()
        # companies created where this addon's fields are unknown (an earlier
        # module's tests) get the same settings as the others
        set_column_defaults(
            self,
            [
                "feedback_throttle_days",
                "feedback_expiry_days",
                "health_at_risk_below",
                "health_critical_below",
                "contact_cadence_days",
                "referral_assignment",
                "referral_names_count",
                "referral_names_period_days",
                "referral_won_on",
                "referral_portal_daily_cap",
            ],
        )
        return res

    def _cv_referral_invitation(self, medium, source):
        """The referral invitation of the company, for a customer's document
        of ``medium`` (one of ``INVITATION_MEDIA``), read in ``source`` (the
        PDF, an e-mail): ``{"text", "rewards", "url"}``, or False when the
        company has no referral program or no invitation text. The text and
        the rewards are in the language of the environment."""
        self.ensure_one()
        if medium not in INVITATION_MEDIA:
            raise ValueError(f"Unknown referral invitation medium {medium!r}")
        # sudo: whoever prints or sends the document (an accountant, the
        # portal) shows the programs' rewards
        company = self.sudo()
        names_program = company.referral_names_program_id.filtered("active")
        won_program = company.referral_won_program_id.filtered("active")
        text = company.referral_invitation_text
        if not (names_program or won_program) or is_html_empty(text):
            return False
        rewards = []
        if names_program.reward_ids:
            rewards.append(
                self.env._(
                    "For every %(count)s people you recommend: %(reward)s",
                    count=company.referral_names_count,
                    reward=", ".join(names_program.reward_ids.mapped("description")),
                )
            )
        if won_program.reward_ids:
            rewards.append(
                self.env._(
                    "When someone you recommended becomes a customer: %(reward)s",
                    reward=", ".join(won_program.reward_ids.mapped("description")),
                )
            )
        query = urlencode(
            {
                "utm_campaign": INVITATION_CAMPAIGN,
                "utm_medium": medium,
                "utm_source": source,
            }
        )
        return {
            "text": text,
            "rewards": rewards,
            "url": f"{company.get_base_url()}/my/referrals?{query}",
        }

    @api.constrains(
        "referral_names_count",
        "referral_names_period_days",
        "referral_portal_daily_cap",
    )
    def _check_referral_settings(self):
        for company in self:
            if (
                company.referral_names_count < 1
                or company.referral_names_period_days < 1
                or company.referral_portal_daily_cap < 0
            ):
                raise ValidationError(
                    self.env._(
                        "Referrals: names per reward and the period must be at "
                        "least 1, the daily cap 0 or more."
                    )
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
