# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, RedirectWarning, UserError, ValidationError
from odoo.tests import Form, TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger

from ..models.customer_feedback import score_category
from .subscription_common import SubscriptionCommon


@tagged("post_install", "-at_install")
class TestFeedback(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.salesman = new_test_user(
            cls.env, login="fb_salesman", groups="sales_team.group_sale_salesman"
        )
        cls.other_salesman = new_test_user(
            cls.env, login="fb_other", groups="sales_team.group_sale_salesman"
        )
        cls.manager = new_test_user(
            cls.env, login="fb_manager", groups="sales_team.group_sale_manager"
        )
        Partner = cls.env["res.partner"]
        cls.customer = Partner.create(
            {"name": "Feedback Co", "is_company": True, "user_id": cls.salesman.id}
        )
        cls.contact = Partner.create(
            {
                "name": "Fay Back",
                "parent_id": cls.customer.id,
                "email": "fay@fb.example",
            }
        )
        cls.other_contact = Partner.create(
            {
                "name": "Otto",
                "email": "otto@other.example",
                "user_id": cls.other_salesman.id,
            }
        )
        Touchpoint = cls.env["customer.feedback.touchpoint"]
        cls.nps = Touchpoint.create(
            {"name": "Quarterly NPS", "metric": "nps", "trigger": "manual"}
        )
        cls.csat = Touchpoint.create(
            {"name": "Onboarding", "metric": "csat", "delay_days": 3}
        )
        cls.ces = Touchpoint.create({"name": "Support", "metric": "ces"})
        cls.Feedback = cls.env["customer.feedback"]

    def _request(self, touchpoint=None, partner=None, user=None, **kwargs):
        Feedback = self.Feedback.with_user(user or self.salesman)
        feedback_id = Feedback.request_feedback(
            (touchpoint or self.nps).id, (partner or self.contact).id, **kwargs
        )
        return self.Feedback.browse(feedback_id)

    def test_categories(self):
        table = {
            "nps": {
                0: "detractor",
                6: "detractor",
                7: "passive",
                8: "passive",
                9: "promoter",
                10: "promoter",
            },
            "csat": {
                1: "unsatisfied",
                2: "unsatisfied",
                3: "neutral",
                4: "satisfied",
                5: "satisfied",
            },
            "ces": {1: "hard", 3: "hard", 4: "neutral", 5: "easy", 7: "easy"},
        }
        for metric, scores in table.items():
            for score, category in scores.items():
                self.assertEqual(
                    score_category(metric, score), category, (metric, score)
                )

    def test_default_question_follows_the_metric(self):
        touchpoint = self.env["customer.feedback.touchpoint"].create(
            {"name": "After training", "metric": "nps"}
        )
        self.assertIn("recommend", touchpoint.question)
        touchpoint.metric = "csat"
        self.assertIn("satisfied", touchpoint.question)
        touchpoint.question = "Was the trainer clear?"
        touchpoint.metric = "ces"
        self.assertEqual(touchpoint.question, "Was the trainer clear?")

    def test_metric_of_a_touchpoint_with_answers_stays(self):
        touchpoint = self.nps.copy({"name": "Metric kept"})
        feedback = self._request(touchpoint)
        touchpoint.metric = "csat"  # no answer yet: the metric may change
        touchpoint.metric = "nps"
        feedback.with_user(self.salesman).record_answer(9)
        with self.assertRaisesRegex(UserError, "rewrite them"):
            touchpoint.write({"metric": "csat"})
        self.assertEqual((feedback.metric, feedback.category), ("nps", "promoter"))
        touchpoint.write({"metric": "nps", "name": "Same metric"})

    @freeze_time("2026-05-04 10:00:00")
    def test_request_is_scheduled_after_the_delay(self):
        order = self.env["sale.order"].create(
            {"partner_id": self.contact.id, "user_id": self.salesman.id}
        )
        feedback = self._request(self.csat, res_model="sale.order", res_id=order.id)
        self.assertEqual(feedback.state, "scheduled")
        self.assertEqual(feedback.commercial_partner_id, self.customer)
        self.assertEqual(feedback.user_id, self.salesman)
        self.assertEqual(feedback.metric, "csat")
        self.assertEqual(
            feedback.date_scheduled, fields.Datetime.now() + timedelta(days=3)
        )
        self.assertEqual(feedback.document_name, order.display_name)
        self.assertGreaterEqual(len(feedback.access_token), 40)
        self.assertNotEqual(
            feedback.access_token, self._request(partner=self.customer).access_token
        )

    def test_throttle_opt_out_and_no_email(self):
        first = self._request()
        self.assertEqual(first.state, "scheduled")
        # a second request to the same contact within 30 days, any touchpoint
        self.assertEqual(self._request(self.csat).state, "throttled")
        with freeze_time(fields.Datetime.now() + timedelta(days=31)):
            self.assertEqual(self._request(self.ces).state, "scheduled")
        self.company.feedback_throttle_days = 0
        self.assertEqual(self._request(self.csat).state, "scheduled")
        self.env["mail.blacklist"].sudo()._add("fay@fb.example")
        self.assertEqual(self._request().state, "opted_out")
        nobody = self.env["res.partner"].create(
            {"name": "No Mail", "parent_id": self.customer.id}
        )
        self.assertEqual(self._request(partner=nobody).state, "no_email")

    def test_throttle_keeps_one_request_of_a_batch(self):
        """Two requests created together for one contact (two periodic
        touchpoints on the same day): the first is sent, the other
        throttled."""
        batch = self.Feedback.create(
            [
                {"touchpoint_id": touchpoint.id, "partner_id": self.contact.id}
                for touchpoint in (self.nps, self.csat)
            ]
        )
        batch._check_sendable()
        self.assertEqual(batch.mapped("state"), ["scheduled", "throttled"])
        colleague = self.env["res.partner"].create(
            {"name": "Cole", "parent_id": self.customer.id, "email": "cole@fb.example"}
        )
        other = self._request(partner=colleague)
        self.assertEqual(other.state, "scheduled", "another contact is not throttled")

    def test_throttle_counts_expired_and_answered_requests(self):
        first = self._request()
        first.sudo().write({"state": "expired", "date_requested": first.date_scheduled})
        self.assertEqual(self._request(self.csat).state, "throttled")
        first.sudo().state = "answered"
        self.assertEqual(self._request(self.ces).state, "throttled")

    @freeze_time("2026-05-04 10:00:00")
    def test_throttle_looks_both_ways_from_the_requests_date(self):
        later = self.env["customer.feedback.touchpoint"].create(
            {"name": "In half a year", "metric": "nps", "delay_days": 180}
        )
        planned = self._request(later)
        soon = self._request(self.csat.copy({"delay_days": 10}))
        self.assertEqual((planned.state, soon.state), ("scheduled", "scheduled"))
        # requests planned in 10 and 180 days do not block one today; the one
        # in 10 days is throttled when due, today's having been sent
        today = self._request()
        self.assertEqual(today.state, "scheduled")
        self.assertEqual(self._request(self.ces).state, "throttled")
        self.assertEqual(today._send_requests(), today)
        with freeze_time("2026-05-14 11:00:00"):
            self.assertFalse(soon._send_requests())
        self.assertEqual(soon.state, "throttled")
        # in 180 days, the request sent today is long past
        with freeze_time("2026-10-31 11:00:00"):
            self.assertEqual(planned._send_requests(), planned)

    def test_bad_input(self):
        Feedback = self.Feedback.with_user(self.salesman)
        with self.assertRaisesRegex(
            ValidationError, "Touchpoint: no record with id 999999"
        ):
            Feedback.request_feedback(999999, self.contact.id)
        with self.assertRaisesRegex(
            ValidationError, "Contact: no record with id 999999"
        ):
            Feedback.request_feedback(self.nps.id, 999999)
        with self.assertRaisesRegex(ValidationError, "Contact: expected a record id"):
            Feedback.request_feedback(self.nps.id, "x")
        other_company = self.env["res.company"].create({"name": "Other Co"})
        stranger = self.env["res.partner"].create(
            {"name": "Stranger", "email": "s@x.example", "company_id": other_company.id}
        )
        with self.assertRaisesRegex(ValidationError, "is a contact of Other Co"):
            self._request(partner=stranger, user=self.manager)
        with self.assertRaisesRegex(ValidationError, "or neither"):
            self._request(res_model="sale.order")
        with self.assertRaisesRegex(ValidationError, "Unknown document"):
            self._request(res_model="no.such.model", res_id=1)
        self.nps.active = False
        with self.assertRaisesRegex(ValidationError, "is archived"):
            self._request()
        self.assertFalse(self.Feedback.search([("partner_id", "=", stranger.id)]))

    def test_answer_and_score_range(self):
        feedback = self._request()
        as_salesman = feedback.with_user(self.salesman)
        for score in (-1, 11, 7.5, "9", True):
            with self.assertRaisesRegex(ValidationError, "whole number from 0 to 10"):
                as_salesman.record_answer(score)
        as_salesman.record_answer(9, comment="Great migration", source="staff")
        self.assertEqual(
            (feedback.state, feedback.score, feedback.category, feedback.source),
            ("answered", 9, "promoter", "staff"),
        )
        self.assertFalse(feedback.followup_state)
        # the last answer wins
        as_salesman.record_answer(10)
        self.assertEqual((feedback.score, feedback.comment), (10, "Great migration"))
        csat = self._request(self.csat, partner=self.customer)
        with self.assertRaisesRegex(ValidationError, "from 1 to 5"):
            csat.with_user(self.salesman).record_answer(0)
        with self.assertRaisesRegex(ValidationError, "Unknown source"):
            csat.with_user(self.salesman).record_answer(4, source="fax")

    def test_unanswered_score_is_blank_not_zero(self):
        asked = self._request()
        answered = self._request(self.ces, partner=self.customer)
        self.env.company.feedback_throttle_days = 0
        worst = self._request(self.csat, partner=self.other_contact, user=self.manager)
        answered.with_user(self.salesman).record_answer(6)
        worst.sudo().record_answer(1)
        # 0 is the worst NPS answer: a request not answered shows no score
        self.assertIs(asked.score, False)
        as_salesman = asked.with_user(self.salesman)
        self.assertIs(as_salesman.read(["score"])[0]["score"], False)
        self.assertEqual(asked.export_data(["score"])["datas"], [[""]])
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT score FROM customer_feedback WHERE id = %s", [asked.id]
        )
        self.assertIsNone(self.env.cr.fetchone()[0])
        # the average leaves it out
        [(average,)] = self.Feedback._read_group(
            [("id", "in", (asked | answered | worst).ids)], [], ["score:avg"]
        )
        self.assertEqual(average, 3.5)

    def test_expired_request_takes_no_answer(self):
        feedback = self._request()
        feedback.sudo().write({"state": "expired", "date_expiry": "2026-01-31"})
        with self.assertRaisesRegex(UserError, "expired on 01/31/2026"):
            feedback.with_user(self.salesman).record_answer(5)

    @freeze_time("2026-05-04 10:00:00")
    def test_unhappy_answer_opens_one_followup(self):
        feedback = self._request()
        feedback.with_user(self.salesman).record_answer(3, comment="Too slow")
        self.assertEqual(feedback.category, "detractor")
        self.assertEqual(feedback.followup_state, "open")
        self.assertEqual(feedback.followup_user_id, self.salesman)
        self.assertEqual(
            feedback.followup_deadline, fields.Datetime.now() + timedelta(hours=48)
        )
        activity_type = self.env.ref("customer_value.mail_activity_feedback_followup")
        activities = feedback.activity_ids.filtered(
            lambda a: a.activity_type_id == activity_type
        )
        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.user_id, self.salesman)
        feedback.with_user(self.salesman).record_answer(2)
        self.assertEqual(
            len(feedback.activity_ids), 1, "one follow-up, not one per answer"
        )
        with self.assertRaisesRegex(ValidationError, "Say what the follow-up achieved"):
            feedback.with_user(self.salesman).action_resolve_followup(False)
        feedback.with_user(self.salesman).action_resolve_followup(
            "solved", note="Called back"
        )
        self.assertEqual(
            (
                feedback.followup_state,
                feedback.followup_outcome,
                feedback.followup_note,
            ),
            ("resolved", "solved", "Called back"),
        )
        self.assertTrue(feedback.followup_date_done)
        self.assertFalse(feedback.activity_ids)
        with self.assertRaisesRegex(UserError, "no open follow-up"):
            feedback.with_user(self.salesman).action_resolve_followup("solved")

    def test_marking_the_followup_activity_done_asks_for_the_outcome(self):
        feedback = self._request()
        feedback.with_user(self.salesman).record_answer(2, comment="Too slow")
        activity = feedback.activity_ids.with_user(self.salesman)
        self.assertEqual(len(activity), 1)
        # "Mark Done" from the chatter or the activity menu
        with self.assertRaises(RedirectWarning) as caught:
            activity.action_feedback(feedback="Called her back")
        _message, action, _button, context = caught.exception.args
        self.assertEqual(
            action, "customer_value.customer_feedback_resolve_wizard_action"
        )
        self.assertEqual(feedback.followup_state, "open")
        self.assertTrue(activity.exists())
        with self.assertRaises(RedirectWarning):
            activity.action_done()
        # the dialog it opens resolves the follow-up and closes the activity
        wizard = (
            self.env["customer.feedback.resolve.wizard"]
            .with_user(self.salesman)
            .with_context(**context)
            .create({"outcome": "solved"})
        )
        self.assertEqual(wizard.note, "Called her back")
        wizard.action_resolve()
        self.assertEqual(
            (feedback.followup_state, feedback.followup_note),
            ("resolved", "Called her back"),
        )
        self.assertFalse(activity.exists())

    def test_record_an_answer_taken_by_phone_from_the_form(self):
        feedback = self._request(self.csat)
        feedback._send_requests()
        Wizard = (
            self.env["customer.feedback.answer.wizard"]
            .with_user(self.salesman)
            .with_context(active_model="customer.feedback", active_id=feedback.id)
        )
        form = Form(Wizard)
        self.assertEqual(form.scale, "1 - 5")
        self.assertIn("satisfied", form.question)
        form.score = 9
        form.comment = "Said on the phone"
        with self.assertRaisesRegex(ValidationError, "from 1 to 5"):
            form.save().action_record()
        form.score = 4
        form.save().action_record()
        self.assertEqual(
            (feedback.state, feedback.score, feedback.comment, feedback.source),
            ("answered", 4, "Said on the phone", "staff"),
        )

    def test_followup_of_a_customer_without_salesperson(self):
        self.customer.user_id = False
        self.ces.followup_user_id = self.manager
        # the customer is the managers': not a salesperson's to ask
        with self.assertRaises(AccessError):
            self._request(self.ces)
        feedback = self._request(self.ces, user=self.manager)
        feedback.with_user(self.manager).record_answer(2)
        self.assertEqual(feedback.category, "hard")
        self.assertEqual(feedback.followup_user_id, self.manager)
        self.assertFalse(feedback.with_user(self.salesman).has_access("read"))

    def test_rights(self):
        mine = self._request()
        theirs = self._request(partner=self.other_contact, user=self.other_salesman)
        Feedback = self.Feedback.with_user(self.salesman)
        self.assertIn(mine, Feedback.search([]))
        self.assertNotIn(theirs, Feedback.search([]))
        with self.assertRaises(AccessError):
            theirs.with_user(self.salesman).record_answer(5)
        with self.assertRaises(AccessError):
            mine.with_user(self.salesman).unlink()
        # managers see all
        self.assertIn(theirs, self.Feedback.with_user(self.manager).search([]))
        # a portal user sees their company's requests, read only
        portal = self.env["res.users"].create(
            {
                "name": "Fay",
                "login": "fb_portal",
                "partner_id": self.contact.id,
                "groups_id": [Command.set([self.env.ref("base.group_portal").id])],
            }
        )
        self.assertEqual(self.Feedback.with_user(portal).search([]), mine)
        with self.assertRaises(AccessError):
            mine.with_user(portal).record_answer(9)
        with self.assertRaises(AccessError):
            self.Feedback.with_user(portal).request_feedback(
                self.nps.id, self.contact.id
            )


@tagged("post_install", "-at_install")
class TestFeedbackTriggers(SubscriptionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.email = "subscriber@inc.example"
        Touchpoint = cls.env["customer.feedback.touchpoint"]
        cls.touchpoints = {
            trigger: Touchpoint.create(
                {"name": trigger, "metric": "csat", "trigger": trigger}
            )
            for trigger in (
                "sale_confirmed",
                "subscription_started",
                "subscription_upgraded",
                "subscription_downgraded",
                "subscription_closed",
            )
        }
        cls.company.feedback_throttle_days = 0

    def _requests(self, trigger):
        return self.env["customer.feedback"].search(
            [("touchpoint_id", "=", self.touchpoints[trigger].id)]
        )

    def test_sale_confirmed(self):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "user_id": self.salesman.id,
                "order_line": [Command.create({"product_id": self.support.id})],
            }
        )
        # confirming asks nothing (it is on every salesperson's path): the
        # sending job does
        order.with_user(self.salesman).action_confirm()
        self.assertFalse(self._requests("sale_confirmed"))
        # the sending job asks once, whatever the runs
        Touchpoint = self.env["customer.feedback.touchpoint"]
        Touchpoint._catch_up_sales_confirmed()
        Touchpoint._catch_up_sales_confirmed()
        request = self._requests("sale_confirmed").filtered(
            lambda r: r.res_id == order.id
        )
        self.assertEqual(len(request), 1)
        self.assertEqual((request.res_model, request.res_id), ("sale.order", order.id))
        self.assertEqual(request.partner_id, self.customer)
        self.assertEqual(request.state, "scheduled")

    def test_sales_confirmed_before_the_touchpoint_are_not_asked(self):
        orders = self.env["sale.order"].create(
            [
                {
                    "partner_id": self.customer.id,
                    "order_line": [Command.create({"product_id": self.support.id})],
                }
                for _i in range(2)
            ]
        )
        orders.action_confirm()
        early, late = orders
        # confirmed before the touchpoint was made
        early.date_order = fields.Datetime.now() - timedelta(days=1)
        self.touchpoints["sale_confirmed"].flush_recordset()
        self.env.cr.execute(
            "UPDATE customer_feedback_touchpoint SET create_date = %s WHERE id = %s",
            [
                fields.Datetime.now() - timedelta(hours=1),
                self.touchpoints["sale_confirmed"].id,
            ],
        )
        self.env["customer.feedback"]._cron_send_requests()
        request = self._requests("sale_confirmed").filtered(
            lambda r: r.res_id in orders.ids
        )
        self.assertEqual(request.res_id, late.id)
        # the same job sends it
        self.assertEqual(request.state, "sent")

    def test_subscription_started_upgraded_closed(self):
        sub = self._subscription([(self.basic, 1)])
        self.assertEqual(self._requests("subscription_started").res_id, sub.id)
        sub.change_plan(self.pro.id)
        self.assertEqual(self._requests("subscription_upgraded").res_id, sub.id)
        self.assertFalse(self._requests("subscription_downgraded"))
        sub.change_plan(self.basic.id, reason_id=self.reason.id)
        self.assertEqual(self._requests("subscription_downgraded").res_id, sub.id)
        self.assertFalse(self._requests("subscription_closed"))
        sub.with_context(subscription_change_reason_id=self.reason.id).write(
            {"close_reason_id": self.close_reason.id, "stage_id": self.stage_closed.id}
        )
        self.assertEqual(self._requests("subscription_closed").res_id, sub.id)

    def test_archived_touchpoint_asks_nothing(self):
        self.touchpoints["subscription_started"].active = False
        self._subscription([(self.basic, 1)])
        self.assertFalse(self._requests("subscription_started"))

    def test_periodic_touchpoint_asks_active_customers_once_a_period(self):
        periodic = self.env["customer.feedback.touchpoint"].create(
            {
                "name": "Quarterly",
                "metric": "nps",
                "trigger": "periodic",
                "period_days": 90,
            }
        )
        sub = self._subscription([(self.basic, 1)])
        idle = self.env["res.partner"].create(
            {"name": "Idle Inc", "is_company": True, "email": "idle@inc.example"}
        )
        Touchpoint = self.env["customer.feedback.touchpoint"]
        created = Touchpoint._cron_periodic_requests()
        mine = created.filtered(lambda f: f.touchpoint_id == periodic)
        self.assertIn(sub.commercial_partner_id, mine.commercial_partner_id)
        self.assertNotIn(idle, mine.commercial_partner_id)
        # not twice in the period
        again = Touchpoint._cron_periodic_requests()
        self.assertFalse(
            again.filtered(lambda f: f.commercial_partner_id == self.customer)
        )
        with freeze_time(fields.Datetime.now() + timedelta(days=91)):
            later = Touchpoint._cron_periodic_requests()
        self.assertTrue(
            later.filtered(lambda f: f.commercial_partner_id == self.customer)
        )

    @mute_logger("odoo.addons.customer_value.models.customer_feedback_touchpoint")
    def test_periodic_batches_oldest_first_and_a_bad_customer(self):
        """The customers asked longest ago come first (never asked before
        all), the cron hears what remains, and a customer whose request
        cannot be made (its contact belongs to another company) is said on
        it, does not stop the batch and is not tried again within the
        period."""
        Touchpoint = self.env["customer.feedback.touchpoint"]
        Touchpoint.search([("trigger", "=", "periodic")]).active = False
        periodic = Touchpoint.create(
            {"name": "Every 90 days", "metric": "nps", "trigger": "periodic"}
        )
        Touchpoint._cron_periodic_requests(batch_size=100000)  # the demo's
        Partner = self.env["res.partner"]
        asked_before, bad, never = (
            Partner.create(
                {"name": name, "is_company": True, "email": f"{name}@p.example"}
            )
            for name in ("asked", "bad", "never")
        )
        for partner in (asked_before, bad, never):
            self.env["sale.order"].create({"partner_id": partner.id}).write(
                {"state": "sale"}
            )
        self.env["customer.feedback"].create(
            {
                "touchpoint_id": periodic.id,
                "partner_id": asked_before.id,
                "date_scheduled": fields.Datetime.now() - timedelta(days=100),
                "state": "answered",
            }
        )
        bad.company_id = self.env["res.company"].create({"name": "Elsewhere"})

        def run():
            with patch.object(
                type(self.env["ir.cron"]), "_notify_progress", autospec=True
            ) as progress:
                created = Touchpoint._cron_periodic_requests(batch_size=2)
            return created, progress.call_args.kwargs

        created, progress = run()
        self.assertEqual(created.partner_id, never)
        self.assertEqual(progress, {"done": 2, "remaining": 1})
        self.assertIn("not requested", bad.message_ids[0].body)
        created, progress = run()
        self.assertEqual(created.partner_id, asked_before)
        self.assertEqual(progress, {"done": 1, "remaining": 0})
        created, progress = run()
        self.assertFalse(created)
        self.assertEqual(progress, {"done": 0, "remaining": 0})
        self.assertEqual(
            len(bad.message_ids.filtered(lambda m: "not requested" in m.body)), 1
        )
        # tried again the next period
        self.assertEqual(set(periodic.periodic_skipped), {str(bad.id)})
        later = fields.Datetime.now() + timedelta(days=1)
        self.assertEqual(periodic._periodic_skipped_since(later), {})
