# Copyright 2026 customer_value contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models
from odoo.exceptions import UserError

from ..models.customer_referral import PUBLIC_KEYS


class CustomerReferralIntake(models.TransientModel):
    _name = "customer.referral.intake"
    _description = "Enter the names a customer gives"

    referrer_contact_id = fields.Many2one(
        "res.partner",
        string="Given By",
        required=True,
        help="The customer, or its contact, who gives the names.",
    )
    referrer_id = fields.Many2one(
        related="referrer_contact_id.commercial_partner_id", string="Referrer"
    )
    line_ids = fields.One2many(
        "customer.referral.intake.line", "intake_id", string="Names"
    )

    def action_submit(self):
        self.ensure_one()
        lines = [line._referral_values() for line in self.line_ids]
        if not lines:
            raise UserError(self.env._("Enter at least one name."))
        Referral = self.env["customer.referral"]
        errors = [Referral._line_error(line) for line in lines]
        errors = [error for error in errors if error]
        if errors:
            # nothing is recorded until every line is right
            raise UserError("\n".join(errors))
        results = Referral.submit(self.referrer_contact_id.id, lines, source="staff")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_value.customer_referral_action"
        )
        action["domain"] = [("id", "in", [result["id"] for result in results])]
        action["context"] = {}
        return action


class CustomerReferralIntakeLine(models.TransientModel):
    _name = "customer.referral.intake.line"
    _description = "A name given by a customer"

    intake_id = fields.Many2one(
        "customer.referral.intake", required=True, ondelete="cascade"
    )
    name = fields.Char(required=True)
    company_name = fields.Char(string="Their Company")
    email = fields.Char()
    phone = fields.Char()
    note = fields.Char()
    consent = fields.Boolean(string="Agreed to Be Contacted")

    def _referral_values(self):
        self.ensure_one()
        return {key: self[key] for key in PUBLIC_KEYS if self[key] not in (False, "")}
