# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The sending job: due requests by batches, each sent once even when two runs
overlap or one is interrupted; expiry; a constant number of queries a batch."""

from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestFeedbackSending(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.feedback_throttle_days = 0
        cls.touchpoint = cls.env["customer.feedback.touchpoint"].create(
            {"name": "Sending NPS", "metric": "nps"}
        )
        cls.Feedback = cls.env["customer.feedback"]
        # the demo's recent sales and waiting requests are not this test's
        # business: asked about now, then expired
        Touchpoint = cls.env["customer.feedback.touchpoint"]
        while Touchpoint._catch_up_sales_confirmed(500)[1]:
            pass
        cls.Feedback.search([("state", "=", "scheduled")]).write({"state": "expired"})

    def _requests(self, count):
        partners = self.env["res.partner"].create(
            [
                {"name": f"Sending {i}", "email": f"sending{i}@fb.example"}
                for i in range(count)
            ]
        )
        return self.Feedback.browse(
            [
                self.Feedback.request_feedback(self.touchpoint.id, partner.id)
                for partner in partners
            ]
        )

    def _mails(self, requests):
        return self.env["mail.mail"].search(
            [("model", "=", "customer.feedback"), ("res_id", "in", requests.ids)]
        )

    def test_batches_report_progress(self):
        requests = self._requests(3)
        with patch.object(
            type(self.env["ir.cron"]), "_notify_progress", autospec=True
        ) as progress:
            first = self.Feedback._cron_send_requests(batch_size=2)
            progress.assert_called_with(self.env["ir.cron"], done=2, remaining=1)
            second = self.Feedback._cron_send_requests(batch_size=2)
            progress.assert_called_with(self.env["ir.cron"], done=1, remaining=0)
        self.assertEqual(first | second, requests)
        self.assertEqual(set(requests.mapped("state")), {"sent"})
        self.assertEqual(len(self._mails(requests)), 3)
        self.assertFalse(self.Feedback._cron_send_requests(batch_size=2))

    def test_interrupted_batch_sends_nothing_and_resumes(self):
        requests = self._requests(2)
        template = self.env.ref("customer_value.mail_template_feedback_request")
        with patch.object(
            type(template), "send_mail_batch", side_effect=RuntimeError("worker killed")
        ):
            with self.assertRaises(RuntimeError), self.env.cr.savepoint():
                self.Feedback._cron_send_requests()
        self.env.invalidate_all()
        # rolled back with the batch: still scheduled, no mail
        self.assertEqual(set(requests.mapped("state")), {"scheduled"})
        self.assertFalse(self._mails(requests))
        self.assertEqual(self.Feedback._cron_send_requests(), requests)
        self.assertEqual(len(self._mails(requests)), 2)

    def test_concurrent_run_never_sends_twice(self):
        # Another run claimed the requests after this run selected them: the
        # claim (scheduled -> sent) keeps this run from sending them again.
        requests = self._requests(2)
        stale = self.Feedback.browse(requests.ids)
        self.assertEqual(self.Feedback._cron_send_requests(), requests)
        self.assertFalse(stale._send_requests())
        self.assertEqual(len(self._mails(requests)), 2)

    def test_locked_requests_are_skipped(self):
        """A second worker's query skips the rows the first one locked."""
        requests = self._requests(2)
        self.env.flush_all()
        now = fields.Datetime.now()
        self.env.cr.execute(self.Feedback._due_requests_query(now, 10))
        self.assertEqual(len(self.env.cr.fetchall()), 2)
        with self.registry.cursor() as other_cr:
            other_cr.execute(self.Feedback._due_requests_query(now, 10))
            self.assertFalse(
                [row for row in other_cr.fetchall() if row[0] in requests.ids]
            )

    def test_query_count_per_batch_is_constant(self):
        """The same queries for a batch of 2 requests or 20: selecting,
        checking (opt-out, throttle), claiming, rendering and queuing the mails
        are per batch."""
        self.Feedback._cron_send_requests()  # warms the caches
        for size in (2, 20):
            requests = self._requests(size)
            self.env.flush_all()
            self.env.invalidate_all()
            # 3 of them ask first about the sales confirmed since the last
            # run (the demo has a "Sale order confirmed" touchpoint)
            with self.assertQueryCount(27):
                sent = self.Feedback._cron_send_requests()
            self.assertEqual(sent, requests)

    @mute_logger("odoo.addons.customer_value.models.mail_batch")
    def test_a_request_that_cannot_be_made_is_retried_tomorrow(self):
        broken = self.env.ref("customer_value.mail_template_feedback_request").copy(
            {"body_html": '<p><t t-out="object.no_such_field"/></p>'}
        )
        other_touchpoint = self.touchpoint.copy({"mail_template_id": broken.id})
        failing = self.Feedback.browse(
            self.Feedback.request_feedback(
                other_touchpoint.id,
                self.env["res.partner"]
                .create({"name": "Broken", "email": "broken@fb.example"})
                .id,
            )
        )
        fine = self._requests(1)
        sent = self.Feedback._cron_send_requests()
        self.assertEqual(sent, fine)
        self.assertEqual(failing.state, "scheduled")
        self.assertGreater(failing.date_scheduled, fields.Datetime.now())
        self.assertIn("Request not sent", failing.message_ids[0].body)

    @mute_logger("odoo.addons.customer_value.models.customer_feedback_sending")
    def test_a_closed_survey_fails_its_requests_only(self):
        """A touchpoint whose survey was closed: its requests are not sent,
        said on them and to the touchpoint's responsible (once), tried again
        tomorrow; the other requests of the batch are sent."""
        responsible = new_test_user(
            self.env, login="fbsend_resp", groups="sales_team.group_sale_manager"
        )
        survey = self.env["survey.survey"].create(
            {
                "title": "Closed survey",
                "access_mode": "token",
                "question_and_page_ids": [
                    Command.create(
                        {
                            "title": "Recommend us?",
                            "question_type": "scale",
                            "scale_min": 0,
                            "scale_max": 10,
                        }
                    )
                ],
            }
        )
        with_survey = self.touchpoint.copy(
            {"survey_id": survey.id, "followup_user_id": responsible.id}
        )
        partner = self.env["res.partner"].create(
            {"name": "Surveyed", "email": "surveyed@fb.example"}
        )
        failing = self.Feedback.browse(
            self.Feedback.request_feedback(with_survey.id, partner.id)
        )
        fine = self._requests(2)
        survey.action_archive()
        with patch.object(
            type(self.env["ir.cron"]), "_notify_progress", autospec=True
        ) as progress:
            sent = self.Feedback._cron_send_requests()
        progress.assert_called_with(self.env["ir.cron"], done=3, remaining=0)
        self.assertEqual(sent, fine)
        self.assertEqual(set(fine.mapped("state")), {"sent"})
        self.assertEqual(len(self._mails(fine)), 2)
        self.assertEqual(failing.state, "scheduled")
        self.assertFalse(failing.survey_user_input_id)
        self.assertFalse(self._mails(failing))
        self.assertGreater(failing.date_scheduled, fields.Datetime.now())
        self.assertIn("Request not sent", failing.message_ids[0].body)
        self.assertEqual(failing.activity_ids.user_id, responsible)
        # tomorrow, still closed: tried again, the responsible not told twice
        with freeze_time(fields.Datetime.now() + timedelta(days=1, hours=1)):
            self.assertFalse(self.Feedback._cron_send_requests())
        self.assertEqual(failing.state, "scheduled")
        self.assertEqual(len(failing.activity_ids), 1)
        # the survey reopened: sent
        survey.action_unarchive()
        with freeze_time(fields.Datetime.now() + timedelta(days=2, hours=1)):
            self.assertEqual(self.Feedback._cron_send_requests(), failing)
        self.assertTrue(failing.survey_user_input_id)

    def test_throttled_again_when_sent(self):
        """Requests made without the throttle (from the form, over RPC, two
        made concurrently) are throttled when they fall due: one is sent."""
        self.env.company.feedback_throttle_days = 30
        partner = self.env["res.partner"].create(
            {"name": "Twice", "email": "twice@fb.example"}
        )
        other = self.touchpoint.copy()
        first, second = self.Feedback.create(
            [
                {"touchpoint_id": touchpoint.id, "partner_id": partner.id}
                for touchpoint in (self.touchpoint, other)
            ]
        )
        self.assertEqual((first.state, second.state), ("scheduled", "scheduled"))
        self.assertEqual(self.Feedback._cron_send_requests(), first)
        self.assertEqual(second.state, "throttled")
        self.assertEqual(len(self._mails(first | second)), 1)
        # one made later, while the first was sent: throttled when due
        third = self.Feedback.create(
            {"touchpoint_id": self.touchpoint.id, "partner_id": partner.id}
        )
        self.assertFalse(self.Feedback._cron_send_requests())
        self.assertEqual(third.state, "throttled")

    def test_expiry(self):
        [request] = self._requests(1)
        self.Feedback._cron_send_requests()
        self.assertEqual(
            request.date_expiry,
            fields.Date.context_today(request) + timedelta(days=30),
        )
        with freeze_time(fields.Datetime.now() + timedelta(days=30)):
            self.Feedback._cron_expire()
            self.assertEqual(request.state, "sent", "answerable on its last day")
        with freeze_time(fields.Datetime.now() + timedelta(days=31)):
            self.Feedback._cron_expire()
            self.assertEqual(request.state, "expired")
