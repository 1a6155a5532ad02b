# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestFeedbackUi(HttpCase):
    def test_answer_in_the_browser(self):
        touchpoint = self.env["customer.feedback.touchpoint"].create(
            {"name": "Tour NPS", "metric": "nps"}
        )
        contact = self.env["res.partner"].create(
            {"name": "Tour Respondent", "email": "tour@feedback.example"}
        )
        feedback = self.env["customer.feedback"].browse(
            self.env["customer.feedback"].request_feedback(touchpoint.id, contact.id)
        )
        feedback._send_requests()
        self.start_tour(
            f"/feedback/{feedback.access_token}/9", "customer_value_feedback_answer"
        )
        self.assertEqual(
            (feedback.state, feedback.score, feedback.comment, feedback.source),
            ("answered", 9, "The new plan suits us", "email"),
        )
