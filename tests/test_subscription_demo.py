# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestSubscriptionDemo(TransactionCase):
    """The demo data shows what the README promises (the test database is
    installed with demo data, as OCA's CI does)."""

    def test_family_tiers_and_feature_matrix(self):
        family = self.env.ref("customer_value.plan_family_cloud_suite_demo")
        plans = family.product_tmpl_ids.sorted("plan_tier")
        self.assertEqual(plans.mapped("plan_tier"), [1, 2, 3])
        self.assertEqual(plans.mapped("list_price"), [29.0, 79.0, 199.0])
        self.assertEqual(len(family.feature_ids), 5)
        for feature in family.feature_ids:
            self.assertEqual(feature.value_ids.product_tmpl_id, plans, feature.name)
        sso = self.env.ref("customer_value.plan_feature_sso_demo")
        self.assertEqual(
            sso.value_ids.sorted(lambda v: v.product_tmpl_id.plan_tier).mapped(
                "display_value"
            ),
            ["Not included", "Included", "Included"],
        )

    def test_a_year_of_movements_of_every_type(self):
        subs = self.env["sale.subscription"].browse(
            self.env["ir.model.data"]
            .search(
                [("module", "=", "customer_value"), ("model", "=", "sale.subscription")]
            )
            .mapped("res_id")
        )
        self.assertEqual(len(subs), 12)
        self.assertEqual(len(subs.commercial_partner_id), 8)
        demo = subs.change_ids
        done = demo.filtered(lambda c: c.state == "done")
        self.assertEqual(
            set(done.mapped("change_type")),
            {
                "new",
                "upgrade",
                "downgrade",
                "expansion",
                "contraction",
                "cross_sell",
                "churn",
                "reactivation",
            },
        )
        today = fields.Date.context_today(self.env.user)
        self.assertLessEqual(min(done.mapped("date")), today - relativedelta(months=11))
        scheduled = demo.filtered(lambda c: c.state == "scheduled")
        self.assertEqual(scheduled.change_type, "downgrade")
        self.assertGreater(scheduled.date, today)
        deco = self.env.ref("customer_value.subscription_deco_demo")
        self.assertEqual(
            deco.change_ids.sorted("date").mapped("change_type"),
            ["new", "upgrade", "expansion"],
        )
        self.assertAlmostEqual(deco.mrr, 8 * 79.0)
        yearly = self.env.ref("customer_value.subscription_gemini_demo")
        self.assertAlmostEqual(yearly.mrr, round(2 * 1990.0 / 12, 2))
        trial = self.env.ref("customer_value.subscription_trial_demo")
        self.assertEqual(trial.trial_state, "trial")
        outcomes = self.env["sale.subscription.retention"].search(
            [("subscription_id", "in", demo.subscription_id.ids)]
        )
        self.assertEqual(
            set(outcomes.mapped("outcome")),
            {"saved_by_downgrade", "saved_by_offer", "churned"},
        )

    def test_plan_change_today_prorates_the_invoiced_period(self):
        """The current period of the running demo subscriptions is invoiced: an
        upgrade today charges the rest of it (item 4 of issue 10)."""
        sub = self.env.ref("customer_value.subscription_deco_demo")
        self.assertTrue(sub.invoice_ids)
        wizard = self.env["sale.subscription.change.plan.wizard"].create(
            {
                "subscription_id": sub.id,
                "product_id": self.env.ref(
                    "customer_value.product_suite_enterprise_demo"
                ).id,
            }
        )
        self.assertTrue(wizard.applies_now)
        self.assertGreater(wizard.prorated_amount, 0.0)
        self.assertIn("already invoiced", wizard.proration_note)

    def test_demo_customers_have_salespeople(self):
        """Marc (own documents) has Azure Interior and Ready Mat: he sees their
        subscriptions, feedback and follow-ups, not the company's."""
        marc = self.env.ref("base.user_demo")
        self.assertTrue(marc.has_group("sales_team.group_sale_salesman"))
        self.assertFalse(marc.has_group("sales_team.group_sale_salesman_all_leads"))
        azure = self.env.ref("base.res_partner_12")
        self.assertEqual(azure.user_id, marc)
        customers = self.env["ir.model.data"].search(
            [("module", "=", "customer_value"), ("model", "=", "sale.subscription")]
        )
        subs = self.env["sale.subscription"].browse(customers.mapped("res_id"))
        self.assertTrue(all(sub.commercial_partner_id.user_id for sub in subs))
        Feedback = self.env["customer.feedback"].with_user(marc)
        mine = Feedback.search([])
        everyone = self.env["customer.feedback"].search([])
        self.assertTrue(mine)
        self.assertLess(len(mine), len(everyone))
        self.assertIn(azure, mine.partner_id.commercial_partner_id)
        self.assertEqual(
            {f.user_id == marc or f.sudo().followup_user_id == marc for f in mine},
            {True},
        )
        # the follow-ups of his customers' unhappy answers are his
        azure_followups = (
            self.env["customer.feedback"]
            .search([("commercial_partner_id", "=", azure.id)])
            .filtered(lambda f: f.followup_state == "open")
        )
        self.assertEqual(azure_followups.followup_user_id, marc)
        self.assertIn(marc, azure_followups.activity_ids.user_id)
