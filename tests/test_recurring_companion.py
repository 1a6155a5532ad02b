# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""A recurring element in everything sold (issue 22, part 1): the recurring
companions of a product, suggested on a quotation without a recurring line
and added with one click; the recurring share of a customer's revenue; the
customers who bought without a recurring element."""

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .subscription_common import SubscriptionCommon


@tagged("post_install", "-at_install")
class TestRecurringCompanion(SubscriptionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = cls.env["product.product"].create(
            {
                "name": "Server R1",
                "list_price": 1000.0,
                "type": "consu",
                "taxes_id": [Command.clear()],
                "recurring_companion_ids": [
                    Command.set(cls.backup.product_tmpl_id.ids)
                ],
            }
        )
        cls.cable = cls.env["product.product"].create(
            {"name": "Cable", "list_price": 5.0, "taxes_id": [Command.clear()]}
        )
        cls.colleague = new_test_user(
            cls.env,
            login="companion_colleague",
            groups="sales_team.group_sale_salesman",
        )
        cls.portal = new_test_user(
            cls.env, login="companion_portal", groups="base.group_portal"
        )

    def _quote(self, products, user=None, partner=None):
        return (
            self.env["sale.order"]
            .with_user(user or self.salesman)
            .create(
                {
                    "partner_id": (partner or self.customer).id,
                    "order_line": [
                        Command.create({"product_id": p.id, "product_uom_qty": 1})
                        for p in products
                    ],
                }
            )
        )

    # Configuration

    def test_companions_are_subscription_products(self):
        server = self.server.product_tmpl_id.with_user(self.manager)
        with self.assertRaisesRegex(ValidationError, "subscription products"):
            server.recurring_companion_ids = self.cable.product_tmpl_id
        # subscribable without a template: confirming would start nothing
        with self.assertRaisesRegex(ValidationError, "Support"):
            server.recurring_companion_ids = self.support.product_tmpl_id
        with self.assertRaisesRegex(ValidationError, "its own"):
            server.recurring_companion_ids = server
        basic = self.basic.product_tmpl_id.with_user(self.manager)
        with self.assertRaisesRegex(ValidationError, "recurring already"):
            basic.recurring_companion_ids = self.backup.product_tmpl_id
        # a salesperson reads the catalogue, does not configure it
        with self.assertRaises(AccessError):
            self.server.product_tmpl_id.with_user(self.salesman).write(
                {"recurring_companion_ids": [Command.clear()]}
            )

    def test_product_form(self):
        with Form(self.cable.product_tmpl_id.with_user(self.manager)) as form:
            form.recurring_companion_ids.add(self.backup.product_tmpl_id)
        self.assertEqual(
            self.cable.recurring_companion_ids, self.backup.product_tmpl_id
        )

    # The quotation

    def test_form_suggests_and_one_click_adds(self):
        form = Form(self.env["sale.order"].with_user(self.salesman))
        form.partner_id = self.customer
        with form.order_line.new() as line:
            line.product_id = self.cable
        self.assertFalse(form.recurring_suggestion_ids)
        with form.order_line.new() as line:
            line.product_id = self.server
        self.assertEqual(form.recurring_suggestion_ids[:], self.backup)
        order = form.save()
        self.assertEqual(order.recurring_suggestion_ids, self.backup)
        # the row's "Add" button: the quotation comes in the context
        self.backup.with_user(self.salesman).with_context(
            recurring_order_id=order.id
        ).action_add_to_quotation_as_companion()
        self.assertIn(self.backup, order.order_line.product_id)
        self.assertFalse(order.recurring_suggestion_ids)
        form = Form(order.with_user(self.salesman))
        self.assertFalse(form.recurring_suggestion_ids)
        # confirmed, subscription_oca starts the subscription of the companion
        order.with_user(self.salesman).action_confirm()
        sub = order.subscription_ids
        self.assertEqual(len(sub), 1)
        self.assertTrue(sub.in_progress)
        self.assertEqual(sub.sale_subscription_line_ids.product_id, self.backup)
        self.assertEqual(sub.commercial_partner_id, self.customer)

    def test_method_adds_one_unit(self):
        order = self._quote(self.server)
        self.assertIs(
            order.with_user(self.salesman).action_add_recurring_companion(
                self.backup.id
            ),
            True,
        )
        line = order.order_line.filtered(lambda line: line.product_id == self.backup)
        self.assertEqual(line.product_uom_qty, 1.0)
        self.assertEqual(line.price_unit, 50.0)

    def test_no_suggestion_with_a_recurring_line(self):
        order = self._quote(self.server + self.basic)
        self.assertFalse(order.recurring_suggestion_ids)
        with self.assertRaisesRegex(UserError, "already has a recurring line"):
            order.action_add_recurring_companion(self.backup.id)

    def test_refusals(self):
        order = self._quote(self.server).with_user(self.salesman)
        with self.assertRaisesRegex(UserError, "Suggested: .*Backup 1 TB"):
            order.action_add_recurring_companion(self.pro.id)
        for bad in ("abc", -1, 2**31 - 1, [self.backup.id], 2.5):
            with self.assertRaises(ValidationError, msg=repr(bad)):
                order.action_add_recurring_companion(bad)
        with self.assertRaisesRegex(UserError, "Choose"):
            order.action_add_recurring_companion(False)
        two = order | self._quote(self.server)
        with self.assertRaisesRegex(UserError, "one record at a time"):
            two.action_add_recurring_companion(self.backup.id)
        with self.assertRaisesRegex(UserError, "Save the quotation first"):
            self.backup.with_user(self.salesman).action_add_to_quotation_as_companion()
        order.action_confirm()
        with self.assertRaisesRegex(UserError, "no longer a quotation"):
            order.action_add_recurring_companion(self.backup.id)
        self.assertEqual(order.order_line.product_id, self.server)

    def test_access(self):
        order = self._quote(self.server, user=self.colleague)
        # a salesperson with "own documents" cannot change a colleague's quotation
        with self.assertRaises(AccessError):
            order.with_user(self.salesman).action_add_recurring_companion(
                self.backup.id
            )
        with self.assertRaises(AccessError):
            order.with_user(self.portal).action_add_recurring_companion(self.backup.id)
        self.assertEqual(order.order_line.product_id, self.server)
        # the manager may
        order.with_user(self.manager).action_add_recurring_companion(self.backup.id)
        self.assertIn(self.backup, order.order_line.product_id)

    # The customers

    def _invoice(self, amount, date, move_type="out_invoice", product=None):
        invoice = self.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": self.contact.id,
                "invoice_user_id": self.salesman.id,
                "invoice_date": date,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Hardware",
                            "product_id": (product or self.server).id,
                            "price_unit": amount,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        invoice.action_post()
        return invoice

    def test_recurring_revenue_share(self):
        today = fields.Date.context_today(self.customer)
        customer = self.customer.with_user(self.salesman)
        self.assertEqual(customer.recurring_revenue_share, 0.0)
        self._invoice(360.0, today)
        self._invoice(999.0, today - relativedelta(months=13))  # too old
        self._invoice(100.0, today, product=self.basic)  # a subscription product
        customer.invalidate_recordset()
        self.assertEqual(customer.recurring_revenue_share, 0.0)
        sub = self._subscription([(self.basic, 1)])  # 10 a month: 120 a year
        self.assertEqual(sub.mrr, 10.0)
        customer.invalidate_recordset()
        self.assertAlmostEqual(customer.recurring_revenue_share, 120.0 / 480.0)
        # a credit note lowers the one-off revenue; the contact shows its company's
        self._invoice(240.0, today, move_type="out_refund")
        self.contact.invalidate_recordset()
        self.assertAlmostEqual(
            self.contact.with_user(self.salesman).recurring_revenue_share,
            120.0 / 240.0,
        )
        # "own documents": a colleague's invoice is not theirs to count
        self._invoice(120.0, today).invoice_user_id = self.colleague
        self.customer.invalidate_recordset()
        self.assertAlmostEqual(customer.recurring_revenue_share, 120.0 / 240.0)
        self.assertAlmostEqual(
            self.customer.with_user(self.manager).recurring_revenue_share,
            120.0 / 360.0,
            places=4,
        )

    def test_customers_without_a_recurring_element(self):
        Partner = self.env["res.partner"].with_user(self.salesman)
        missing = [("recurring_element_missing", "=", True)]
        self.assertNotIn(self.customer, Partner.search(missing))
        order = self._quote(self.server)
        order.action_confirm()
        self.assertIn(self.customer, Partner.search(missing))
        self.assertTrue(
            self.customer.with_user(self.salesman).recurring_element_missing
        )
        # an order older than 12 months is no longer a recent purchase
        order.date_order = fields.Datetime.subtract(fields.Datetime.now(), months=13)
        self.assertNotIn(self.customer, Partner.search(missing))
        order.date_order = fields.Datetime.now()
        # a subscription in progress is a recurring element
        self._subscription([(self.backup, 1)])
        self.assertNotIn(self.customer, Partner.search(missing))
        self.assertIn(
            self.customer,
            Partner.search([("recurring_element_missing", "=", False)]),
        )
        # a colleague's sale is not in the list of "own documents"
        self.assertNotIn(self.other_customer, Partner.search(missing))
        self._quote(
            self.cable, user=self.colleague, partner=self.other_customer
        ).action_confirm()
        self.assertNotIn(self.other_customer, Partner.search(missing))
        self.assertIn(
            self.other_customer,
            self.env["res.partner"].with_user(self.manager).search(missing),
        )
        with self.assertRaisesRegex(UserError, "True/False"):
            Partner.search([("recurring_element_missing", "in", [True])])

    def test_health_rule_no_recurring_element(self):
        rule = self.env.ref("customer_value.health_rule_no_recurring_element")
        self.assertFalse(rule.active)  # optional
        rule.active = True
        order = self._quote(self.server)
        order.action_confirm()
        self.customer.with_user(self.salesman).action_compute_health()
        reasons = self.customer.health_reason_ids.filtered(
            lambda reason: reason.rule_id == rule
        )
        self.assertEqual(reasons.mapped("name"), ["Buys without any subscription"])
        self.assertEqual((reasons.res_model, reasons.res_id), ("sale.order", order.id))
        self._subscription([(self.backup, 1)])
        self.customer.with_user(self.salesman).action_compute_health()
        self.assertFalse(
            self.customer.health_reason_ids.filtered(
                lambda reason: reason.rule_id == rule
            )
        )

    def test_attach_rate(self):
        """Orders of a product with companions, and the share of them that
        included one: per product, as the salesperson (own orders) and the
        manager (the company's)."""
        self._quote(self.server).action_confirm()
        self._quote(self.server | self.backup).action_confirm()
        self._quote(self.server | self.cable).action_confirm()
        self._quote(self.cable).action_confirm()  # no companion to attach
        self._quote(self.server)  # a quotation is not a sale
        colleague_order = self._quote(
            self.server | self.backup, user=self.colleague, partner=self.other_customer
        )
        colleague_order.action_confirm()

        def rate(user):
            Report = self.env["customer.companion.attach.report"].with_user(user)
            groups = Report._read_group(
                [],
                ["product_tmpl_id"],
                ["__count", "attach_rate:avg", "attached_count:sum"],
            )
            return {tmpl: rest for tmpl, *rest in groups}

        server = self.server.product_tmpl_id
        own = rate(self.salesman)
        self.assertEqual(list(own), [server])
        count, attach, attached = own[server]
        self.assertEqual((count, attached), (3, 1))
        self.assertAlmostEqual(attach, 1 / 3)
        count, attach, attached = rate(self.manager)[server]
        self.assertEqual((count, attached), (4, 2))
        self.assertAlmostEqual(attach, 0.5)
        # the pivot as the web client reads it
        pivot = (
            self.env["customer.companion.attach.report"]
            .with_user(self.salesman)
            .read_group([], ["attach_rate:avg"], ["product_tmpl_id"])
        )
        self.assertAlmostEqual(pivot[0]["attach_rate"], 1 / 3)
