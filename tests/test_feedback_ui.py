# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestFeedbackUi(HttpCase):
    def _sent_request(self):
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
        return feedback

    def test_a_browser_that_only_opens_the_link_records_nothing(self):
        # a mail security scanner: headless Chromium, JavaScript on, no gesture
        feedback = self._sent_request()
        self.browser_js(
            f"/feedback/{feedback.access_token}/0",
            "setTimeout(() => console.log('test successful'), 1500)",
            ready="!!document.querySelector('.o_feedback_form[data-pending]')",
        )
        feedback.invalidate_recordset()
        self.assertEqual((feedback.state, feedback.score), ("sent", 0))
        self.assertFalse(feedback.sudo().followup_state)

    def test_answer_in_the_browser(self):
        feedback = self._sent_request()
        self.start_tour(
            f"/feedback/{feedback.access_token}/9", "customer_value_feedback_answer"
        )
        self.assertEqual(
            (feedback.state, feedback.score, feedback.comment, feedback.source),
            ("answered", 9, "The new plan suits us", "email"),
        )
