# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.tests import tagged

from .xmlrpc_common import XmlrpcCase


@tagged("post_install", "-at_install")
class TestFeedbackXmlrpc(XmlrpcCase):
    def test_readme_example_runs(self):
        self.env.company.feedback_throttle_days = 30
        self.assertEqual(
            self._run_readme_example("### Feedback over XML-RPC"),
            [
                "scheduled",
                "throttled",
                "3 detractor open",
                "The score of a NPS (0-10) answer is a whole number from 0 to 10, "
                "not 11.",
                "-100.0 1",
            ],
        )
        feedback = self.env["customer.feedback"].search(
            [("partner_id.name", "=", "RPC Respondent"), ("state", "=", "answered")]
        )
        self.assertEqual(
            (feedback.score, feedback.followup_state, feedback.followup_outcome),
            (3, "resolved", "solved"),
        )
