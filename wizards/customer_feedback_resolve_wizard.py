# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models


class CustomerFeedbackResolveWizard(models.TransientModel):
    """Close the follow-up of unhappy answers, saying what it achieved."""

    _name = "customer.feedback.resolve.wizard"
    _description = "Resolve Feedback Follow-up"

    feedback_ids = fields.Many2many("customer.feedback")
    outcome = fields.Selection(
        selection=lambda self: self.env["customer.feedback"]
        ._fields["followup_outcome"]
        ._description_selection(self.env),
        required=True,
    )
    note = fields.Text(help="What was done, for the next person who reads it.")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if "feedback_ids" in fields_list and not values.get("feedback_ids"):
            if self.env.context.get("active_model") == "customer.feedback":
                values["feedback_ids"] = [
                    fields.Command.set(self.env.context.get("active_ids", []))
                ]
        return values

    def action_resolve(self):
        self.ensure_one()
        self.feedback_ids.action_resolve_followup(self.outcome, self.note)
        return {"type": "ir.actions.act_window_close"}
