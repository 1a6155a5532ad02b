# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Referrals: the right to erasure of a referred person (the referrer's:
``res_partner_erasure``)."""

from markupsafe import Markup, escape

from odoo import models
from odoo.exceptions import AccessError, UserError

from .customer_referral import PERSONAL_KEYS


class CustomerReferral(models.Model):
    _inherit = "customer.referral"

    def action_erase_personal_data(self):
        """Right to erasure of the referred persons: blank their name,
        company, e-mail, phone and notes on the referrals, and in their
        messages and tracked changes. The referral stays (its status,
        referrer and rewards: the figures). Their lead, if any, is the
        CRM's: delete it there."""
        if not self.env.user.has_group("sales_team.group_sale_manager"):
            raise AccessError(
                self.env._("Only sales managers can erase personal data.")
            )
        if not self:
            raise UserError(self.env._("Select the referrals to erase."))
        self._cv_existing_ids(self._name, list(self._ids), self.env._("Referrals"))
        self.check_access("write")
        erased_label = self.env._("(erased)")
        for referral in self.sudo().filtered(lambda r: not r.personal_data_erased):
            values = [
                value
                for value in (referral[key] for key in PERSONAL_KEYS)
                if value and len(value) > 2
            ]
            referral._erase_from_messages(values, erased_label)
            referral.with_context(tracking_disable=True).write(
                {
                    "name": erased_label,
                    "company_name": False,
                    "email": False,
                    "phone": False,
                    "note": False,
                    "personal_data_erased": True,
                }
            )
            referral._message_log(
                body=self.env._("Personal data erased by %s.", self.env.user.name)
            )
        return True

    def _erase_from_messages(self, values, replacement):
        """Remove ``values`` from the messages of the referral's submission
        (the thank-you lists the names) and the tracked values of the
        referral."""
        self.ensure_one()
        tracked = self.env["ir.model.fields"]._get_ids(self._name)
        messages = (
            self.env["mail.message"]
            .sudo()
            .search(
                [
                    ("model", "=", self._name),
                    ("res_id", "in", (self | self.batch_referral_ids).ids),
                ]
            )
        )
        messages.tracking_value_ids.filtered(
            lambda t: t.mail_message_id.res_id == self.id
            and t.field_id.id
            in [tracked[key] for key in PERSONAL_KEYS if key in tracked]
        ).unlink()
        # the messages, and their e-mails not sent yet
        mails = (
            self.env["mail.mail"]
            .sudo()
            .search([("mail_message_id", "in", messages.ids)])
        )
        for record, body_field in [(m, "body") for m in messages] + [
            (m, "body_html") for m in mails
        ]:
            old_body, old_subject = str(record[body_field] or ""), record.subject or ""
            body, subject = old_body, old_subject
            for value in values:
                body = body.replace(str(escape(value)), replacement)
                subject = subject.replace(value, replacement)
            if (body, subject) != (old_body, old_subject):
                record.write({body_field: Markup(body), "subject": subject or False})
