# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The one-click answer pages over HTTP, as a customer's browser and as a
mail link checker reach them."""

import re

from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestFeedbackHttp(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.touchpoint = cls.env["customer.feedback.touchpoint"].create(
            {"name": "Http NPS", "metric": "nps"}
        )
        cls.contact = cls.env["res.partner"].create(
            {"name": "Hal Web", "email": "hal@web.example"}
        )
        feedback_id = cls.env["customer.feedback"].request_feedback(
            cls.touchpoint.id, cls.contact.id
        )
        cls.feedback = cls.env["customer.feedback"].browse(feedback_id)
        cls.feedback._send_requests()

    def _csrf(self, page):
        return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    def test_request_mail_has_the_scale(self):
        mail = self.env["mail.mail"].search(
            [("res_id", "=", self.feedback.id), ("model", "=", "customer.feedback")]
        )
        self.assertEqual(len(mail), 1)
        for score in range(11):
            self.assertIn(
                f"/feedback/{self.feedback.access_token}/{score}", mail.body_html
            )
        self.assertEqual(self.feedback.state, "sent")
        self.assertTrue(self.feedback.date_expiry)
        # sending again sends nothing
        self.assertFalse(self.feedback._send_requests())

    def test_get_records_nothing(self):
        url = f"/feedback/{self.feedback.access_token}/9"
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        self.assertIn("How likely are you to recommend", response.text)
        self.assertIn("o_feedback_selected", response.text)
        self.feedback.invalidate_recordset()
        self.assertEqual(self.feedback.state, "sent", "a link checker records nothing")

    def test_the_page_posts_the_score(self):
        page = self.url_open(f"/feedback/{self.feedback.access_token}/9").text
        response = self.url_open(
            f"/feedback/{self.feedback.access_token}/submit",
            data={"csrf_token": self._csrf(page), "score": "9"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("Your answer is recorded", response.text)
        self.feedback.invalidate_recordset()
        self.assertEqual((self.feedback.state, self.feedback.score), ("answered", 9))
        self.assertEqual(self.feedback.source, "email")
        # a comment added afterwards; the last answer wins
        self.url_open(
            f"/feedback/{self.feedback.access_token}/submit",
            data={
                "csrf_token": self._csrf(page),
                "score": "6",
                "comment": "Slow support",
            },
        )
        self.feedback.invalidate_recordset()
        self.assertEqual(
            (self.feedback.score, self.feedback.comment), (6, "Slow support")
        )
        self.assertEqual(self.feedback.followup_state, "open")

    def test_post_without_csrf_is_refused(self):
        response = self.url_open(
            f"/feedback/{self.feedback.access_token}/submit", data={"score": "9"}
        )
        self.assertNotEqual(response.status_code, 200)
        self.feedback.invalidate_recordset()
        self.assertEqual(self.feedback.state, "sent")

    def test_score_out_of_range(self):
        page = self.url_open(f"/feedback/{self.feedback.access_token}/42").text
        self.assertNotIn("o_feedback_selected", page)
        response = self.url_open(
            f"/feedback/{self.feedback.access_token}/submit",
            data={"csrf_token": self._csrf(page), "score": "42"},
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("whole number from 0 to 10", response.text)
        self.feedback.invalidate_recordset()
        self.assertEqual(self.feedback.state, "sent")

    def test_unknown_and_expired_tokens_get_a_polite_page(self):
        response = self.url_open("/feedback/not-a-token/9")
        self.assertEqual(response.status_code, 404)
        self.assertIn("We could not find this survey", response.text)
        self.assertNotIn("Traceback", response.text)
        self.feedback.write({"state": "expired"})
        response = self.url_open(f"/feedback/{self.feedback.access_token}/9")
        self.assertEqual(response.status_code, 410)
        self.assertIn("This survey is closed", response.text)
