# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models


class CalendarEvent(models.Model):
    _inherit = "calendar.event"

    @api.model_create_multi
    def create(self, vals_list):
        events = super().create(vals_list)
        events._note_customer_contact()
        return events

    def write(self, vals):
        result = super().write(vals)
        if {"start", "partner_ids"} & set(vals):
            self._note_customer_contact()
        return result

    def _note_customer_contact(self):
        """A meeting that took place counts as a contact with the customers of
        its attendees (future meetings count once held: see
        ``res.partner._cron_contact_rhythm``)."""
        now = fields.Datetime.now()
        for event in self.filtered(lambda e: e.start and e.start <= now):
            self.env["res.partner"]._note_contact(event.partner_ids.ids, event.start)
