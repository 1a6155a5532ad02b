# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from collections import defaultdict

from odoo import api, models


class MailMessage(models.Model):
    _inherit = "mail.message"

    @api.model_create_multi
    def create(self, vals_list):
        messages = super().create(vals_list)
        messages._note_customer_contact()
        return messages

    def _note_customer_contact(self):
        """A message sent to or received from a customer's contacts on any
        document (not an internal note, not an automated e-mail), or an
        activity done (a call, a meeting) on the customer or on a document of
        theirs, is a contact: it moves the customer's last contact date
        forward."""
        partner_ids = set()
        done_on = defaultdict(set)
        for message in self:
            if message.message_type == "email" or (
                message.message_type == "comment"
                and not (message.is_internal or message.subtype_id.internal)
            ):
                partner_ids.update(message.partner_ids.ids)
                partner_ids.add(message.author_id.id)
            elif message.mail_activity_type_id and message.model and message.res_id:
                done_on[message.model].add(message.res_id)
        for model, res_ids in done_on.items():
            if model == "res.partner":
                partner_ids.update(res_ids)
            elif model in self.env and "partner_id" in self.env[model]._fields:
                records = self.env[model].sudo().browse(res_ids).exists()
                partner_ids.update(records.mapped("partner_id").ids)
        self.env["res.partner"]._note_contact(partner_ids)
