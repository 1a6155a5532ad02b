# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models


class CustomerFeedbackAnswerWizard(models.TransientModel):
    """Record an answer the customer gave by phone or in a meeting: a staff
    answer (``record_answer(source="staff")``), never the customer's own."""

    _name = "customer.feedback.answer.wizard"
    _description = "Record a Feedback Answer"

    feedback_id = fields.Many2one("customer.feedback", required=True)
    question = fields.Char(related="feedback_id.touchpoint_id.question")
    metric = fields.Selection(related="feedback_id.metric")
    score = fields.Integer(required=True)
    scale = fields.Char(compute="_compute_scale")
    comment = fields.Text(help="What the customer said, in their words.")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        context = self.env.context
        if (
            "feedback_id" in fields_list
            and not values.get("feedback_id")
            and context.get("active_model") == "customer.feedback"
            and context.get("active_id")
        ):
            values["feedback_id"] = context["active_id"]
        return values

    @api.depends("feedback_id")
    def _compute_scale(self):
        for wizard in self:
            scores = wizard.feedback_id._scale_scores() if wizard.metric else []
            wizard.scale = f"{scores[0]} - {scores[-1]}" if scores else False

    def action_record(self):
        self.ensure_one()
        self.feedback_id.record_answer(
            self.score, comment=self.comment or None, source="staff"
        )
        return {"type": "ir.actions.act_window_close"}
