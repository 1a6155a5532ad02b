# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The quotation's recurring suggestion in the web client, as a salesperson:
one click adds the companion, on a saved quotation with an unsaved change
and on a new quotation (the click saves it first); the README's XML-RPC
example."""

from odoo import Command
from odoo.tests import new_test_user, tagged

from .xmlrpc_common import XmlrpcCase


@tagged("post_install", "-at_install")
class TestRecurringCompanionUi(XmlrpcCase):
    def setUp(self):
        super().setUp()
        self.salesman = new_test_user(
            self.env,
            login="tour_companion_salesman",
            groups="sales_team.group_sale_salesman",
        )
        template = self.env["sale.subscription.template"].create(
            {"name": "Tour Monthly"}
        )
        self.backup = backup = self.env["product.product"].create(
            {
                "name": "Tour Managed Backup",
                "list_price": 50.0,
                "subscribable": True,
                "subscription_template_id": template.id,
                "taxes_id": False,
            }
        )
        self.server = self.env["product.product"].create(
            {
                "name": "Tour Server",
                "list_price": 1000.0,
                "taxes_id": False,
                "recurring_companion_ids": [Command.set(backup.product_tmpl_id.ids)],
            }
        )
        self.customer = self.env["res.partner"].create(
            {"name": "Tour Hardware Buyer", "is_company": True}
        )

    def test_add_companion_from_the_quotation(self):
        salesman, server, backup = self.salesman, self.server, self.backup
        customer = self.customer
        order = (
            self.env["sale.order"]
            .with_user(salesman)
            .create(
                {
                    "partner_id": customer.id,
                    "order_line": [Command.create({"product_id": server.id})],
                }
            )
        )
        self.start_tour(
            f"/odoo/action-sale.action_quotations/{order.id}",
            "customer_value_recurring_companion",
            login=salesman.login,
        )
        self.assertEqual(order.order_line.product_id, server | backup)
        self.assertEqual(order.client_order_ref, "PO-7")

    def test_add_companion_to_a_new_quotation(self):
        self.start_tour(
            "/odoo/action-sale.action_quotations/new",
            "customer_value_recurring_companion_new",
            login=self.salesman.login,
        )
        order = self.env["sale.order"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(order.order_line.product_id, self.server | self.backup)

    def test_readme_example(self):
        lines = self._run_readme_example("### Recurring companions over XML-RPC")
        self.assertEqual(
            lines,
            [
                "True",
                '"RPC Server" is not a recurring companio',
                "40.0",
                "1.0",
                "0",
            ],
        )
