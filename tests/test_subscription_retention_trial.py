# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .subscription_common import SubscriptionCommon


@tagged("post_install", "-at_install")
class TestSubscriptionRetention(SubscriptionCommon):
    def _wizard(self, sub, **values):
        action = sub.action_close_subscription()
        wizard_form = Form(
            self.env[action["res_model"]].with_context(
                active_id=sub.id, active_model="sale.subscription"
            )
        )
        wizard_form.close_reason_id = self.close_reason
        for field, value in values.items():
            setattr(wizard_form, field, value)
        return wizard_form

    def _requests(self, sub):
        return self.env["sale.subscription.retention"].search(
            [("subscription_id", "=", sub.id)]
        )

    def test_wizard_offers_lower_plans_and_discount(self):
        self.company.subscription_retention_discount = 20.0
        sub = self._subscription([(self.enterprise, 1)])
        wizard_form = self._wizard(sub)
        self.assertEqual(wizard_form.downgrade_product_ids[:], self.pro | self.basic)
        self.assertEqual(wizard_form.retention_discount, 20.0)
        html = str(wizard_form.offer_html)
        self.assertIn("Pro", html)
        self.assertIn("Basic", html)
        self.assertIn("30.00", html)
        self.assertIn("20 % off", html)
        self.assertEqual(wizard_form.mrr, 100.0)
        # what the customer would bring with the discount
        self.assertAlmostEqual(wizard_form.retention_offer_mrr, 80.0)
        self.assertIn("20 % off: MRR after $\xa080.00", html)

    def test_the_reason_is_marked_required_and_is_never_a_lapsed_trial(self):
        sub = self._subscription([(self.pro, 1)])
        wizard = self._wizard(sub).save()
        arch = wizard.get_view(
            self.env.ref("subscription_oca.close_reason_wizard_view").id, "form"
        )["arch"]
        self.assertRegex(
            arch, r'<field name="close_reason_id"[^>]*required="1"[^>]*placeholder='
        )
        domain = wizard._fields["close_reason_id"].get_domain_list(wizard)
        offered = self.env["sale.subscription.close.reason"].search(domain)
        self.assertIn(self.close_reason, offered)
        self.assertNotIn(
            self.env.ref("customer_value.close_reason_trial_lapsed"), offered
        )

    def test_single_lower_plan_is_preset(self):
        sub = self._subscription([(self.pro, 1)])
        wizard_form = self._wizard(sub)
        self.assertEqual(wizard_form.downgrade_product_id, self.basic)
        self.assertEqual(wizard_form.save().downgrade_product_id, self.basic)
        # two lower plans: the user chooses
        sub = self._subscription([(self.enterprise, 1)], partner=self.other_customer)
        self.assertFalse(self._wizard(sub).downgrade_product_id)

    def test_saved_by_downgrade(self):
        sub = self._subscription([(self.enterprise, 1)])
        wizard = self._wizard(sub, downgrade_product_id=self.pro).save()
        wizard.action_downgrade()
        request = self._requests(sub)
        self.assertEqual(request.outcome, "saved_by_downgrade")
        self.assertEqual(request.close_reason_id, self.close_reason)
        self.assertEqual(request.saved, 100.0)
        self.assertEqual(request.to_product_id, self.pro)
        self.assertEqual(request.mrr_kept, 30.0)
        change = request.change_id
        self.assertEqual(change.change_type, "downgrade")
        self.assertEqual(change.close_reason_id, self.close_reason)
        self.assertEqual(
            change.reason_id,
            self.env.ref("customer_value.change_reason_retention_downgrade"),
        )
        self.assertEqual(sub.stage_id, self.stage_in_progress)

    def test_saved_by_offer(self):
        self.company.subscription_retention_discount = 20.0
        sub = self._subscription([(self.pro, 2)])
        wizard = self._wizard(sub).save()
        self.assertAlmostEqual(wizard.retention_offer_mrr, 48.0, msg="as offered")
        wizard.action_accept_offer()
        request = self._requests(sub)
        self.assertEqual(request.outcome, "saved_by_offer")
        self.assertEqual(request.discount, 20.0)
        self.assertAlmostEqual(request.mrr_kept, 48.0)
        self.assertAlmostEqual(sub.mrr, 48.0)
        self.assertEqual(sub.sale_subscription_line_ids.discount, 20.0)
        self.assertMovement(
            request.change_id,
            "contraction",
            60.0,
            48.0,
            close_reason_id=self.close_reason,
        )
        self.assertEqual(sub.stage_id, self.stage_in_progress)

    def test_no_offer_configured(self):
        self.company.subscription_retention_discount = 0.0
        sub = self._subscription([(self.pro, 1)])
        with self.assertRaises(UserError) as error, self.env.cr.savepoint():
            self._wizard(sub).save().action_accept_offer()
        self.assertIn("No retention offer", str(error.exception))
        with self.assertRaises(UserError) as error, self.env.cr.savepoint():
            # the one lower plan is preset; the user cleared it
            self._wizard(
                sub, downgrade_product_id=self.env["product.product"]
            ).save().action_downgrade()
        self.assertIn("Choose the lower plan", str(error.exception))
        self.assertFalse(self._requests(sub))

    def test_churned(self):
        sub = self._subscription([(self.pro, 1)])
        self._wizard(sub).save().button_confirm()
        request = self._requests(sub)
        self.assertEqual(request.outcome, "churned")
        self.assertEqual(request.saved, 0.0)
        self.assertEqual(request.mrr_kept, 0.0)
        self.assertEqual(sub.stage_id, self.stage_closed)
        self.assertMovement(
            request.change_id, "churn", 30.0, 0.0, close_reason_id=self.close_reason
        )

    def test_churned_without_active_id_and_back_dated(self):
        """Over XML-RPC or in data files there is no active_id: the wizard's own
        subscription is closed; the context date dates movement and outcome."""
        sub = self._subscription([(self.pro, 1)])
        wizard = self.env["close.reason.wizard"].create(
            {"subscription_id": sub.id, "close_reason_id": self.close_reason.id}
        )
        wizard.with_context(subscription_change_date="2026-03-31").button_confirm()
        request = self._requests(sub)
        self.assertEqual(sub.stage_id, self.stage_closed)
        self.assertEqual(request.date, date(2026, 3, 31))
        self.assertEqual(request.change_id.date, date(2026, 3, 31))

    def test_retention_rate(self):
        self.company.subscription_retention_discount = 10.0
        subs = [
            self._subscription([(self.enterprise, 1)], partner=partner)
            for partner in (
                self.customer,
                self.other_customer,
                self.env["res.partner"].create({"name": "Third"}),
                self.env["res.partner"].create({"name": "Fourth"}),
            )
        ]
        self._wizard(subs[0], downgrade_product_id=self.basic).save().action_downgrade()
        self._wizard(subs[1]).save().action_accept_offer()
        self._wizard(subs[2]).save().button_confirm()
        self._wizard(subs[3]).save().button_confirm()
        [[rate, count]] = self.env["sale.subscription.retention"]._read_group(
            [("subscription_id", "in", [s.id for s in subs])],
            [],
            ["saved:avg", "__count"],
        )
        self.assertEqual(count, 4)
        self.assertAlmostEqual(rate, 50.0)

    def test_retention_discount_setting(self):
        settings = self.env["res.config.settings"].create(
            {"subscription_retention_discount": 15.0}
        )
        settings.execute()
        self.assertEqual(self.company.subscription_retention_discount, 15.0)
        with self.assertRaises(UserError), self.env.cr.savepoint():
            self.company.subscription_retention_discount = 120.0


@tagged("post_install", "-at_install")
class TestSubscriptionTrial(SubscriptionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.trial_template = cls.env["sale.subscription.template"].create(
            {"name": "Monthly with trial", "trial_days": 14}
        )
        cls.lapse_template = cls.env["sale.subscription.template"].create(
            {"name": "Trial or nothing", "trial_days": 14, "trial_end_action": "close"}
        )

    def _trial(self, template, partner=None):
        with freeze_time("2026-03-01"):
            sub = self._subscription(
                [(self.pro, 1)],
                partner=partner,
                template=template,
                date_start="2026-03-01",
            )
        self.assertEqual(sub.trial_end_date, date(2026, 3, 15))
        self.assertEqual(sub.trial_state, "trial")
        self.assertEqual(sub.recurring_next_date, date(2026, 3, 15))
        self.assertEqual(sub.mrr, 0.0)
        self.assertFalse(sub.change_ids)
        return sub

    def test_trial_converts(self):
        sub = self._trial(self.trial_template)
        with freeze_time("2026-03-10"):
            sub.generate_invoice()  # free during the trial
            self.assertFalse(sub.invoice_ids)
            self.env["sale.subscription"]._cron_process_trials()
            self.assertEqual(sub.trial_state, "trial")
        with freeze_time("2026-03-17"):
            self.env["sale.subscription"]._cron_process_trials()
            self.env["sale.subscription"]._cron_process_trials()
        self.assertEqual(sub.trial_state, "converted")
        self.assertEqual(sub.trial_conversion, 100.0)
        self.assertEqual(sub.mrr, 30.0)
        self.assertMovement(self._done(sub), "new", 0.0, 30.0)
        self.assertEqual(self._done(sub).date, date(2026, 3, 15))
        self.assertEqual(sub.recurring_next_date, date(2026, 3, 15))

    def test_trial_lapses(self):
        sub = self._trial(self.lapse_template)
        with freeze_time("2026-03-15"):
            self.env["sale.subscription"]._cron_process_trials()
        self.assertEqual(sub.trial_state, "lapsed")
        self.assertEqual(sub.trial_conversion, 0.0)
        self.assertEqual(sub.stage_id, self.stage_closed)
        self.assertEqual(
            sub.close_reason_id,
            self.env.ref("customer_value.close_reason_trial_lapsed"),
        )
        # No revenue was ever counted: no movement.
        self.assertFalse(sub.change_ids)

    def test_manual_conversion_before_the_end(self):
        sub = self._trial(self.lapse_template)
        with freeze_time("2026-03-05"):
            sub.action_convert_trial()
            self.assertEqual(sub.trial_end_date, date(2026, 3, 5))
        self.assertMovement(self._done(sub), "new", 0.0, 30.0)
        with self.assertRaises(UserError), self.env.cr.savepoint():
            sub.action_convert_trial()
        with freeze_time("2026-03-20"):
            self.env["sale.subscription"]._cron_process_trials()
        self.assertEqual(sub.trial_state, "converted")

    def test_conversion_rate(self):
        partners = self.env["res.partner"].create(
            [{"name": f"Trialist {i}", "is_company": True} for i in range(4)]
        )
        self._trial(self.trial_template, partners[0])
        self._trial(self.trial_template, partners[1])
        self._trial(self.lapse_template, partners[2])
        self._trial(self.lapse_template, partners[3])
        with freeze_time("2026-03-20"):
            self.env["sale.subscription"]._cron_process_trials(batch_size=3)
            self.env["sale.subscription"]._cron_process_trials(batch_size=3)
        [[rate, count]] = self.env["sale.subscription"]._read_group(
            [
                ("commercial_partner_id", "in", partners.ids),
                ("trial_state", "in", ("converted", "lapsed")),
            ],
            [],
            ["trial_conversion:avg", "__count"],
        )
        self.assertEqual(count, 4)
        self.assertAlmostEqual(rate, 50.0)

    def test_subscription_without_trial(self):
        sub = self._subscription([(self.pro, 1)])
        self.assertFalse(sub.trial_state)
        self.assertEqual(sub.mrr, 30.0)
        with self.assertRaises(UserError), self.env.cr.savepoint():
            self.trial_template.trial_days = -3
