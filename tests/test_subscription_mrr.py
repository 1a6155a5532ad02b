# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.tests import tagged

from .subscription_common import SubscriptionCommon


@tagged("post_install", "-at_install")
class TestSubscriptionMrr(SubscriptionCommon):
    def _mrr_for(self, rule_type, interval, price):
        template = self.env["sale.subscription.template"].create(
            {
                "name": f"Every {interval} {rule_type}",
                "recurring_rule_type": rule_type,
                "recurring_interval": interval,
            }
        )
        product = self.env["product.product"].create(
            {"name": f"Plan {rule_type}", "list_price": price, "taxes_id": False}
        )
        return self._subscription([(product, 1)], template=template).mrr

    def test_mrr_per_recurrence_unit(self):
        # A month is 365/12 days: the same yearly amount gives the same MRR.
        self.assertAlmostEqual(self._mrr_for("months", 1, 100.0), 100.0)
        self.assertAlmostEqual(self._mrr_for("months", 3, 300.0), 100.0)
        self.assertAlmostEqual(self._mrr_for("years", 1, 1200.0), 100.0)
        self.assertAlmostEqual(self._mrr_for("years", 2, 2400.0), 100.0)
        self.assertAlmostEqual(self._mrr_for("weeks", 1, 70.0), 304.17, places=2)
        self.assertAlmostEqual(self._mrr_for("weeks", 2, 140.0), 304.17, places=2)
        self.assertAlmostEqual(self._mrr_for("days", 1, 10.0), 304.17, places=2)
        self.assertAlmostEqual(self._mrr_for("days", 365, 1200.0), 100.0)

    def test_mrr_in_company_currency(self):
        other = self.env["res.currency"].search(
            [("name", "=", "EUR"), ("active", "in", (True, False))], limit=1
        )
        other.active = True
        if other == self.currency:
            other = self.env.ref("base.USD")
            other.active = True
        self.env["res.currency.rate"].search(
            [("currency_id", "in", (other | self.currency).ids)]
        ).unlink()
        self.env["res.currency.rate"].create(
            {"currency_id": other.id, "rate": 2.0, "company_id": self.company.id}
        )
        pricelist = self.env["product.pricelist"].create(
            {"name": "Other currency", "currency_id": other.id}
        )
        sub = self._subscription([(self.pro, 1)], pricelist_id=pricelist.id)
        # 30 in the company currency is 60 in the other one; MRR back to 30.
        self.assertAlmostEqual(sub.recurring_total, 60.0)
        self.assertAlmostEqual(sub.mrr, 30.0)
        self.assertEqual(sub.company_currency_id, self.currency)

    def test_mrr_counts_only_running_subscriptions(self):
        draft = self._subscription([(self.pro, 2)], start=False)
        self.assertFalse(draft.revenue_active)
        self.assertEqual(draft.mrr, 0.0)
        self.assertFalse(draft.change_ids)
        draft.action_start_subscription()
        self.assertEqual(draft.mrr, 60.0)
        draft.close_subscription(self.close_reason.id)
        self.assertEqual(draft.mrr, 0.0)
        trial = self._subscription([(self.pro, 1)], trial_end_date="2999-01-01")
        self.assertEqual(trial.trial_state, "trial")
        self.assertEqual(trial.mrr, 0.0)

    def test_current_plan(self):
        sub = self._subscription([(self.support, 1), (self.pro, 1), (self.basic, 3)])
        self.assertEqual(sub.plan_product_id, self.pro)
        self.assertEqual(sub.plan_family_id, self.family)
        self.assertEqual(sub.plan_tier, 2)
        self.assertEqual(sub.mrr, 80.0)

    def test_feature_matrix(self):
        users = self.env["subscription.plan.feature"].create(
            {
                "name": "Users",
                "family_id": self.family.id,
                "value_ids": [
                    (
                        0,
                        0,
                        {
                            "product_tmpl_id": self.basic.product_tmpl_id.id,
                            "value_type": "quantity",
                            "value": "5 seats",
                        },
                    ),
                    (
                        0,
                        0,
                        {
                            "product_tmpl_id": self.pro.product_tmpl_id.id,
                            "value_type": "included",
                        },
                    ),
                ],
            }
        )
        plans, rows = self.family._get_feature_matrix()
        self.assertEqual(
            plans, (self.basic | self.pro | self.enterprise).product_tmpl_id
        )
        self.assertEqual(rows[0][0], users)
        self.assertEqual(
            [value and value.display_value for value in rows[0][1]],
            ["5 seats", "Included", None],
        )
        self.assertEqual(
            self.basic.product_tmpl_id.plan_feature_value_ids.display_value, "5 seats"
        )
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "customer_value.report_plan_comparison", self.family.ids
            )[0]
            .decode()
        )
        for text in ("Suite", "Users", "5 seats", "Enterprise"):
            self.assertIn(text, html)

    def test_plan_configuration_errors(self):
        with self.assertRaises(Exception) as error, self.env.cr.savepoint():
            self.enterprise.plan_tier = 2
        self.assertIn("share tier 2", str(error.exception))
        with self.assertRaises(Exception) as error, self.env.cr.savepoint():
            self.enterprise.plan_tier = 0
        self.assertIn("positive", str(error.exception))
        with self.assertRaises(Exception) as error, self.env.cr.savepoint():
            self.env["subscription.plan.feature"].create(
                {
                    "name": "Seats",
                    "family_id": self.family.id,
                    "value_ids": [
                        (
                            0,
                            0,
                            {
                                "product_tmpl_id": self.pro.product_tmpl_id.id,
                                "value_type": "quantity",
                            },
                        )
                    ],
                }
            )
        self.assertIn("give the quantity", str(error.exception))
