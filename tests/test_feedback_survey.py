# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""A touchpoint with an Odoo survey: the e-mail links to the survey, and the
survey's first scale answer becomes the feedback's score."""

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestFeedbackSurvey(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.feedback_throttle_days = 0
        cls.salesman = new_test_user(
            cls.env, login="fbs_salesman", groups="sales_team.group_sale_salesman"
        )
        cls.survey = cls.env["survey.survey"].create(
            {
                "title": "Onboarding survey",
                "access_mode": "token",
                "question_and_page_ids": [
                    Command.create(
                        {
                            "title": "What did you use before?",
                            "question_type": "char_box",
                            "sequence": 1,
                        }
                    ),
                    Command.create(
                        {
                            "title": "How likely are you to recommend us?",
                            "question_type": "scale",
                            "scale_min": 0,
                            "scale_max": 10,
                            "sequence": 2,
                        }
                    ),
                    Command.create(
                        {
                            "title": "What should we improve?",
                            "question_type": "text_box",
                            "sequence": 3,
                        }
                    ),
                ],
            }
        )
        cls.touchpoint = cls.env["customer.feedback.touchpoint"].create(
            {"name": "Onboarding survey", "metric": "nps", "survey_id": cls.survey.id}
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Survey Co",
                "email": "survey@co.example",
                "user_id": cls.salesman.id,
            }
        )

    def _request(self):
        Feedback = self.env["customer.feedback"].with_user(self.salesman)
        feedback = Feedback.browse(
            Feedback.request_feedback(self.touchpoint.id, self.customer.id)
        )
        self.env["customer.feedback"].browse(feedback.id)._send_requests()
        return feedback

    def _answer(self, feedback, score, text=None):
        answer = feedback.sudo().survey_user_input_id
        questions = self.survey.question_ids.sorted("sequence")
        answer._save_lines(questions[0], "Spreadsheets")
        if score is not None:
            answer._save_lines(questions[1], str(score))
        if text:
            answer._save_lines(questions[2], text)
        answer._mark_done()

    def test_mail_links_to_the_survey_invitation(self):
        feedback = self._request()
        answer = feedback.sudo().survey_user_input_id
        self.assertEqual(answer.partner_id, self.customer)
        self.assertEqual(answer.survey_id, self.survey)
        mail = self.env["mail.mail"].search(
            [("model", "=", "customer.feedback"), ("res_id", "=", feedback.id)]
        )
        self.assertIn(answer.get_start_url(), mail.body_html)
        self.assertIn("Answer the survey", mail.body_html)
        self.assertNotIn(f"/feedback/{feedback.access_token}/9", mail.body_html)
        # the link opens the survey without login
        response = self.url_open(answer.get_start_url())
        self.assertEqual(response.status_code, 200)
        self.assertIn("Onboarding survey", response.text)

    def test_completed_survey_gives_score_and_comment(self):
        feedback = self._request()
        self._answer(feedback, 4, "Faster onboarding calls")
        self.assertEqual(
            (feedback.state, feedback.score, feedback.source, feedback.comment),
            ("answered", 4, "survey", "Faster onboarding calls"),
        )
        self.assertEqual(feedback.category, "detractor")
        self.assertEqual(feedback.followup_state, "open")
        self.assertEqual(feedback.followup_user_id, self.salesman)

    def test_survey_without_score_or_after_expiry(self):
        feedback = self._request()
        self._answer(feedback, None)
        self.assertEqual(feedback.state, "sent")
        self.assertTrue(
            feedback.message_ids.filtered(lambda m: "without a score" in m.body)
        )
        late = self._request()
        late.sudo().write({"state": "expired"})
        self._answer(late, 9)
        self.assertEqual(late.state, "expired")
        self.assertTrue(
            late.message_ids.filtered(lambda m: "answer not recorded" in m.body)
        )

    def test_survey_scale_must_match_the_metric(self):
        with self.assertRaisesRegex(ValidationError, "must go from 1 to 5"):
            self.env["customer.feedback.touchpoint"].create(
                {"name": "CSAT survey", "metric": "csat", "survey_id": self.survey.id}
            )
        with self.assertRaisesRegex(ValidationError, "must go from 1 to 7"):
            self.touchpoint.metric = "ces"
