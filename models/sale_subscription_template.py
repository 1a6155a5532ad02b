# Copyright 2026 customer_value contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SaleSubscriptionTemplate(models.Model):
    _inherit = "sale.subscription.template"

    trial_days = fields.Integer(
        string="Free Trial (days)",
        help="New subscriptions of this template start with a free trial of this "
        "many days. 0: no trial.",
    )
    trial_end_action = fields.Selection(
        [("convert", "Convert to paid"), ("close", "Close as lapsed")],
        string="When the Trial Ends",
        default="convert",
        help="What the daily trial job does with a subscription whose trial ended: "
        "start billing it, or close it unless someone converted it before. "
        "Empty: convert.",
    )

    @api.constrains("trial_days")
    def _check_trial_days(self):
        if any(template.trial_days < 0 for template in self):
            raise ValidationError(self.env._("The trial length cannot be negative."))

    def write(self, vals):
        if not {"recurring_rule_type", "recurring_interval"} & vals.keys():
            return super().write(vals)
        # The monthly price of the running subscriptions changes with their
        # billing period: each one records its movement.
        subs = (
            self.env["sale.subscription"]
            .sudo()
            .search([("template_id", "in", self.ids), ("revenue_active", "=", True)])
        )
        reason = self.env.ref(
            "customer_value.change_reason_billing_terms", raise_if_not_found=False
        )
        with subs._cv_tracking(
            reason_id=reason.id if reason else False,
            note=self.env._(
                "Billing period of the template changed by %(user)s.",
                user=self.env.user.name,
            ),
        ):
            return super().write(vals)
