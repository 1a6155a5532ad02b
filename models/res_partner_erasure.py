# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Erasing a person (GDPR): what the addon holds about a contact goes with
it, through the ORM so that the chatter and activities go too (the
database's cascade alone would leave their messages behind)."""

from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"

    def unlink(self):
        # sudo: whoever may delete the contact may erase what it said and gave
        # what was asked of them and what they answered
        self.env["customer.feedback"].sudo().with_context(active_test=False).search(
            [("partner_id", "in", self.ids)]
        ).unlink()
        # the names a referrer gave (the thank-you lists them); the leads
        # they became stay, without the link nor the referrer's name
        self.env["customer.referral"].sudo().search(
            [("referrer_id", "in", self.ids)]
        ).unlink()
        leads = (
            self.env["crm.lead"]
            .sudo()
            .with_context(active_test=False)
            .search([("referrer_partner_id", "in", self.ids)])
        )
        names = set(self.mapped("name"))
        leads.filtered(lambda lead: lead.referred in names).referred = False
        return super().unlink()
