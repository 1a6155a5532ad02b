# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import models


class SurveyUserInput(models.Model):
    _inherit = "survey.user_input"

    def _mark_done(self):
        """A completed survey answers the feedback request that invited to it."""
        result = super()._mark_done()
        requests = (
            self.env["customer.feedback"]
            .sudo()
            .search([("survey_user_input_id", "in", self.ids)])
        )
        for feedback in requests:
            feedback._apply_survey_answer()
        return result
