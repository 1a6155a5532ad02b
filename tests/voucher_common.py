# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import Command
from odoo.tests import TransactionCase, new_test_user


class VoucherCommon(TransactionCase):
    """A licence product granting 2 training vouchers (500 each, valid 365
    days, extendable by 90 days within 30 days of expiry) per unit, with the
    reminder schedule 30 days after issue, 60/30/7 days before expiry."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        # The demo vouchers stay out of the jobs and figures under test.
        cls.env["customer.voucher"].search([]).write({"state": "cancelled"})
        cls.company = cls.env.company
        cls.salesman = new_test_user(
            cls.env,
            login="voucher_salesman",
            groups="sales_team.group_sale_salesman",
            email="salesman@example.com",
        )
        cls.manager = new_test_user(
            cls.env,
            login="voucher_manager",
            groups="sales_team.group_sale_manager",
            email="manager@example.com",
        )
        Product = cls.env["product.product"]
        cls.licence = Product.create(
            {"name": "Database Licence", "list_price": 900.0, "type": "service"}
        )
        cls.course = Product.create(
            {"name": "Administration Course", "list_price": 500.0, "type": "service"}
        )
        cls.other = Product.create(
            {"name": "Cable", "list_price": 5.0, "type": "consu"}
        )
        cls.training = cls.env["customer.voucher.type"].create(
            {
                "name": "Training",
                "category": "training",
                "value": 500.0,
                "validity_days": 365,
                "extension_days": 90,
                "extension_window_days": 30,
                "covered_product_tmpl_ids": [
                    Command.link(cls.course.product_tmpl_id.id)
                ],
                "grant_ids": [
                    Command.create(
                        {
                            "product_tmpl_id": cls.licence.product_tmpl_id.id,
                            "quantity": 2,
                        }
                    )
                ],
                "reminder_step_ids": [
                    Command.create({"anchor": "issue", "days": 30}),
                    Command.create({"anchor": "expiry", "days": 60}),
                    Command.create({"anchor": "expiry", "days": 30}),
                    Command.create({"anchor": "expiry", "days": 7}),
                ],
            }
        )
        cls.steps = {
            (step.anchor, step.days): step for step in cls.training.reminder_step_ids
        }
        Partner = cls.env["res.partner"]
        cls.customer = Partner.create(
            {"name": "Voucher Customer", "is_company": True, "email": "it@cust.example"}
        )
        cls.contact = Partner.create(
            {
                "name": "Vera Voucher",
                "parent_id": cls.customer.id,
                "email": "vera@cust.example",
            }
        )
        cls.other_customer = Partner.create(
            {"name": "Other Customer", "is_company": True, "email": "other@ex.example"}
        )

    @classmethod
    def _order(cls, lines=None, partner=None, confirm=True):
        order = cls.env["sale.order"].create(
            {
                "partner_id": (partner or cls.contact).id,
                "user_id": cls.salesman.id,
                "order_line": [
                    Command.create({"product_id": product.id, "product_uom_qty": qty})
                    for product, qty in (lines or [(cls.licence, 1)])
                ],
            }
        )
        if confirm:
            order.action_confirm()
        return order

    @classmethod
    def _voucher(cls, **values):
        return cls.env["customer.voucher"].create(
            dict(
                {
                    "type_id": cls.training.id,
                    "partner_id": cls.contact.id,
                    "user_id": cls.salesman.id,
                },
                **values,
            )
        )
