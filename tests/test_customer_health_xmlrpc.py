# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.tests import tagged

from .xmlrpc_common import XmlrpcCase


@tagged("post_install", "-at_install")
class TestCustomerHealthXmlrpc(XmlrpcCase):
    def test_readme_example_runs(self):
        # an unhappy answer (30 points; the answer is a contact, and its
        # follow-up is not overdue yet): at risk below 80
        self.assertEqual(
            self._run_readme_example("### Health over XML-RPC"),
            ["at_risk 70", "30 customer.feedback Unsatisfied", "False False 0.0"],
        )
