# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestFeedbackDemo(TransactionCase):
    """The demo's follow-ups keep their dates in order (the test database is
    installed with demo data)."""

    def test_followups_open_with_their_answer(self):
        followups = self.env["customer.feedback"].search(
            [("followup_state", "!=", False)]
        )
        self.assertTrue(followups)
        for feedback in followups:
            with self.subTest(feedback=feedback.display_name):
                # opened with the unhappy answer, not when the demo loaded
                opened_after = feedback.followup_date_open - feedback.date_answered
                self.assertTrue(timedelta(0) <= opened_after < timedelta(hours=1))
                self.assertLess(feedback.followup_date_open, feedback.followup_deadline)
                if feedback.followup_date_done:
                    self.assertLess(
                        feedback.followup_date_open, feedback.followup_date_done
                    )
