# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from freezegun import freeze_time

from odoo import Command
from odoo.tests import TransactionCase, new_test_user


class SubscriptionCommon(TransactionCase):
    """A plan family Basic (10) < Pro (30) < Enterprise (100) per month, an
    add-on of no family (Support, 20), a monthly template, customers and a
    pricelist without rules, so that MRR figures are plain arithmetic."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.currency = cls.company.currency_id
        cls.salesman = new_test_user(
            cls.env,
            login="sub_salesman",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company.id,
        )
        cls.manager = new_test_user(
            cls.env,
            login="sub_manager",
            groups="sales_team.group_sale_manager",
            company_id=cls.company.id,
        )
        cls.monthly = cls.env["sale.subscription.template"].create(
            {
                "name": "Monthly",
                "recurring_rule_type": "months",
                "recurring_interval": 1,
            }
        )
        cls.family = cls.env["subscription.plan.family"].create({"name": "Suite"})
        cls.other_family = cls.env["subscription.plan.family"].create(
            {"name": "Backup"}
        )
        Product = cls.env["product.product"]

        def plan(name, price, tier, family=cls.family):
            return Product.create(
                {
                    "name": name,
                    "list_price": price,
                    "type": "service",
                    "subscribable": True,
                    "subscription_template_id": cls.monthly.id,
                    "plan_family_id": family.id,
                    "plan_tier": tier,
                    "taxes_id": [Command.clear()],
                }
            )

        cls.basic = plan("Basic", 10.0, 1)
        cls.pro = plan("Pro", 30.0, 2)
        cls.enterprise = plan("Enterprise", 100.0, 3)
        cls.backup = plan("Backup 1 TB", 50.0, 1, cls.other_family)
        cls.support = Product.create(
            {
                "name": "Support",
                "list_price": 20.0,
                "type": "service",
                "subscribable": True,
                "taxes_id": [Command.clear()],
            }
        )
        cls.pricelist = cls.env["product.pricelist"].create(
            {"name": "Plain", "currency_id": cls.currency.id}
        )
        Partner = cls.env["res.partner"]
        cls.customer = Partner.create({"name": "Subscriber Inc", "is_company": True})
        cls.contact = Partner.create(
            {"name": "Sam Scriber", "parent_id": cls.customer.id}
        )
        cls.other_customer = Partner.create({"name": "Other Inc", "is_company": True})
        Reason = cls.env["sale.subscription.change.reason"]
        cls.reason = Reason.create({"name": "Budget"})
        cls.close_reason = cls.env.ref("subscription_oca.close_reason_expensive")
        cls.stage_closed = cls.env.ref("subscription_oca.subscription_stage_closed")
        cls.stage_in_progress = cls.env.ref(
            "subscription_oca.subscription_stage_in_progress"
        )

    @classmethod
    def _known_quarter(cls, company_name):
        """A company of its own (demo data stays out) with customers A, B and
        C (``cls.a``...) and their subscriptions (``cls.sub_a``...):

        Jan: A new Pro 30, B new Enterprise 100                 -> closing 130
        Feb: A upgrade to Enterprise +70, B downgrade to Pro -70,
             C new Basic 10                                     -> closing 140
        Mar: A expansion to 2 seats +100, C churn -10,
             B cross-sell Support +20                           -> closing 250
        """
        company = cls.env["res.company"].create(
            {"name": company_name, "currency_id": cls.currency.id}
        )
        cls.env.user.company_ids |= company
        cls.a, cls.b, cls.c = cls.env["res.partner"].create(
            [
                {"name": name, "is_company": True, "company_id": company.id}
                for name in ("A", "B", "C")
            ]
        )
        values = {"company_id": company.id}
        with freeze_time("2026-01-05"):
            cls.sub_a = cls._subscription([(cls.pro, 1)], partner=cls.a, **values)
        with freeze_time("2026-01-10"):
            cls.sub_b = cls._subscription(
                [(cls.enterprise, 1)], partner=cls.b, **values
            )
        with freeze_time("2026-02-03"):
            cls.sub_a.change_plan(cls.enterprise.id)
            cls.sub_b.change_plan(
                cls.pro.id, reason_id=cls.reason.id, effective_date="2026-02-03"
            )
            cls.sub_c = cls._subscription([(cls.basic, 1)], partner=cls.c, **values)
        with freeze_time("2026-03-12"):
            cls.sub_a.change_plan(cls.enterprise.id, quantity=2)
            cls.sub_c.close_subscription(cls.close_reason.id)
            cls.env["sale.subscription.line"].create(
                {"sale_subscription_id": cls.sub_b.id, "product_id": cls.support.id}
            )
        cls.env.flush_all()
        return company

    @classmethod
    def _subscription(cls, lines=None, partner=None, start=True, template=None, **vals):
        """A subscription with ``lines`` [(product, qty)], started by default."""
        lines = lines if lines is not None else [(cls.basic, 1)]
        sub = cls.env["sale.subscription"].create(
            dict(
                {
                    "partner_id": (partner or cls.customer).id,
                    "template_id": (template or cls.monthly).id,
                    "pricelist_id": cls.pricelist.id,
                    "user_id": cls.salesman.id,
                    "sale_subscription_line_ids": [
                        Command.create(
                            {"product_id": product.id, "product_uom_qty": qty}
                        )
                        for product, qty in lines
                    ],
                },
                **vals,
            )
        )
        if start:
            sub.action_start_subscription()
        return sub

    def _done(self, sub):
        return sub.change_ids.filtered(lambda c: c.state == "done").sorted("id")

    def assertMovement(self, change, change_type, before, after, **values):
        self.assertEqual(len(change), 1, change)
        self.assertEqual(change.change_type, change_type)
        self.assertAlmostEqual(change.mrr_before, before, places=2)
        self.assertAlmostEqual(change.mrr_after, after, places=2)
        self.assertAlmostEqual(change.mrr_delta, after - before, places=2)
        for field, value in values.items():
            self.assertEqual(change[field], value, field)
