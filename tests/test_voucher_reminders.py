# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .voucher_common import VoucherCommon


@tagged("post_install", "-at_install")
class TestVoucherReminders(VoucherCommon):
    """Schedule: 30 days after issue; 60, 30 and 7 days before expiry. A voucher
    issued on 2026-01-01 expires on 2027-01-01: its steps fall on 2026-01-31,
    2026-11-02, 2026-12-02 and 2026-12-25."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.voucher = cls._voucher(issue_date="2026-01-01")
        cls.Voucher = cls.env["customer.voucher"]

    def _run(self, when, batch_size=500):
        with freeze_time(when):
            return self.Voucher._cron_send_reminders(batch_size=batch_size)

    def _mails(self, vouchers):
        return self.env["mail.mail"].search(
            [("model", "=", "customer.voucher"), ("res_id", "in", vouchers.ids)]
        )

    def test_each_step_once_on_its_day(self):
        self.assertFalse(self._run("2026-01-30"))
        self.assertEqual(self._run("2026-01-31"), self.voucher)
        self.assertFalse(self._run("2026-01-31"))  # a second run the same day
        self.assertFalse(self._run("2026-06-01"))
        self.assertEqual(self._run("2026-11-02"), self.voucher)
        self.assertEqual(self._run("2026-12-02"), self.voucher)
        self.assertEqual(self._run("2026-12-25"), self.voucher)
        self.assertFalse(self._run("2026-12-31"))
        self.assertEqual(
            self.voucher.reminder_ids.sorted("id").step_id,
            self.steps["issue", 30]
            | self.steps["expiry", 60]
            | self.steps["expiry", 30]
            | self.steps["expiry", 7],
        )
        self.assertEqual(set(self.voucher.reminder_ids.mapped("status")), {"sent"})
        self.assertEqual(self.voucher.reminder_count, 4)
        self.assertEqual(str(self.voucher.last_reminder_date), "2026-12-25")
        self.assertTrue(self.voucher.reminded)
        self.assertEqual(len(self._mails(self.voucher)), 4)

    def test_the_mail(self):
        self._run("2026-01-31")
        mail = self._mails(self.voucher)
        self.assertEqual(mail.recipient_ids, self.contact)  # the beneficiary
        self.assertIn("Training", mail.subject)
        self.assertIn(self.voucher.code, mail.body_html)
        self.assertIn("500.00", mail.body_html)
        self.assertEqual(self.voucher.reminder_ids.mail_id, mail)
        self.assertEqual(self.voucher.reminder_ids.partner_id, self.contact)

    def test_late_run_sends_the_latest_due_step_only(self):
        # The job did not run for months: one reminder, not a burst.
        self.assertEqual(self._run("2026-12-10"), self.voucher)
        self.assertEqual(self.voucher.reminder_ids.step_id, self.steps["expiry", 30])
        self.assertFalse(self._run("2026-12-11"))
        self.assertEqual(self._run("2026-12-26"), self.voucher)
        self.assertEqual(self.voucher.reminder_count, 2)

    def test_no_reminder_for_used_or_expired_vouchers(self):
        redeemed = self._voucher(issue_date="2026-01-01")
        redeemed.action_redeem()
        cancelled = self._voucher(issue_date="2026-01-01")
        cancelled.action_cancel()
        past = self._voucher(issue_date="2025-01-01", expiry_date="2025-12-31")
        self.assertEqual(self._run("2026-01-31"), self.voucher)
        self.assertFalse(
            redeemed.reminder_ids | cancelled.reminder_ids | past.reminder_ids
        )

    def test_steps_outside_the_validity_are_not_sent(self):
        # Valid 20 days: "30 days after issue" and "60/30 before expiry" fall
        # outside; only "7 days before expiry" is sent.
        short = self._voucher(issue_date="2026-03-01", expiry_date="2026-03-21")
        self.assertFalse(self._run("2026-03-01").filtered(lambda v: v == short))
        self.assertEqual(self._run("2026-03-14"), short)
        self.assertEqual(short.reminder_ids.step_id, self.steps["expiry", 7])
        self.assertFalse(self._run("2026-03-31"))

    def test_opted_out_customer_is_skipped_and_logged(self):
        self.env["mail.blacklist"]._add(self.contact.email)
        no_email = self._voucher(
            issue_date="2026-01-01",
            partner_id=self.env["res.partner"].create({"name": "No Mail Ltd"}).id,
        )
        self.assertFalse(self._run("2026-01-31"))
        log = self.voucher.reminder_ids
        self.assertEqual(log.status, "opted_out")
        self.assertFalse(log.mail_id)
        self.assertFalse(self._mails(self.voucher | no_email))
        self.assertIn("opted out", self.voucher.message_ids[0].body)
        self.assertEqual(no_email.reminder_ids.status, "no_email")
        self.assertIn("no e-mail address", no_email.message_ids[0].body)
        self.assertEqual(self.voucher.reminder_count, 0)
        self.assertFalse(self._run("2026-01-31"))  # logged: not retried daily

    def test_batches_report_progress(self):
        vouchers = self.voucher | self._voucher(issue_date="2026-01-01")
        vouchers |= self._voucher(issue_date="2026-01-01")
        with patch.object(
            type(self.env["ir.cron"]), "_notify_progress", autospec=True
        ) as progress:
            first = self._run("2026-01-31", batch_size=2)
            self.assertEqual(len(first), 2)
            progress.assert_called_with(self.env["ir.cron"], done=2, remaining=1)
            second = self._run("2026-01-31", batch_size=2)
            progress.assert_called_with(self.env["ir.cron"], done=1, remaining=0)
        self.assertEqual(first | second, vouchers)
        self.assertEqual(len(self._mails(vouchers)), 3)

    def test_interrupted_batch_sends_nothing_and_resumes(self):
        other = self._voucher(issue_date="2026-01-01")
        template = self.env.ref("customer_value.mail_template_voucher_reminder")
        with patch.object(
            type(template), "send_mail_batch", side_effect=RuntimeError("worker killed")
        ):
            with self.assertRaises(RuntimeError), self.env.cr.savepoint():
                self._run("2026-01-31")
        # Rolled back with the batch: no log, no mail, nothing counted.
        self.assertFalse((self.voucher | other).reminder_ids)
        self.assertFalse(self._mails(self.voucher | other))
        self.assertEqual(self._run("2026-01-31"), self.voucher | other)
        self.assertEqual(len(self._mails(self.voucher | other)), 2)

    def test_concurrent_run_never_sends_twice(self):
        # Another run claimed the step after this run selected the voucher: the
        # claim (unique voucher and step) keeps this run from sending it again.
        with freeze_time("2026-01-31"):
            self.env.flush_all()
            self.env.cr.execute(self.Voucher._due_reminders_query("2026-01-31", 10))
            stale = self.env.cr.fetchall()
            self.assertEqual(len(self.Voucher._send_reminders(stale)), 1)
            self.assertFalse(self.Voucher._send_reminders(stale))
        self.assertEqual(len(self._mails(self.voucher)), 1)
        self.assertEqual(self.voucher.reminder_count, 1)

    @mute_logger("odoo.sql_db")
    def test_the_log_is_unique_per_step(self):
        from psycopg2 import IntegrityError

        Log = self.env["customer.voucher.reminder"]
        values = {
            "voucher_id": self.voucher.id,
            "step_id": self.steps["issue", 30].id,
            "status": "sent",
        }
        Log.create(values)
        with self.assertRaises(IntegrityError), self.env.cr.savepoint():
            Log.create(values)
            self.env.flush_all()

    def test_query_count_per_batch_is_constant(self):
        """The same queries for a batch of 2 reminders or 20: selecting, claiming,
        rendering and queuing the mails and counting are all done per batch."""
        self._run("2026-01-31")  # warms the caches (template, mail server...)
        for size in (2, 20):
            vouchers = self.Voucher.browse()
            for _i in range(size):
                vouchers |= self._voucher(issue_date="2026-01-01")
            self.env.flush_all()
            self.env.invalidate_all()
            with self.assertQueryCount(23):
                sent = self._run("2026-01-31")
            self.assertEqual(sent, vouchers)

    def test_a_reminder_that_cannot_be_made_does_not_stop_the_others(self):
        broken = self.env.ref("customer_value.mail_template_voucher_reminder").copy(
            {"body_html": '<p><t t-out="object.no_such_field"/></p>'}
        )
        support = self.env["customer.voucher.type"].create(
            {
                "name": "Support hours",
                "category": "support_hours",
                "value": 100.0,
                "validity_days": 365,
                "mail_template_id": broken.id,
                "reminder_step_ids": [Command.create({"anchor": "issue", "days": 30})],
            }
        )
        failing = self._voucher(issue_date="2026-01-01", type_id=support.id)
        other = self._voucher(issue_date="2026-01-01")
        cron = self.env.ref("customer_value.ir_cron_voucher_reminders")
        with (
            freeze_time("2026-01-31"),
            mute_logger("odoo.addons.customer_value.models.customer_voucher_reminding"),
        ):
            cron.method_direct_trigger()
        self.assertTrue(cron.active)
        self.assertEqual(len(self._mails(self.voucher | other)), 2)
        self.assertFalse(self._mails(failing))
        log = failing.reminder_ids
        self.assertEqual(log.status, "failed")
        self.assertEqual(log.company_id, self.company)
        self.assertEqual(failing.reminder_count, 0)
        self.assertIn("Reminder not sent", failing.message_ids[0].body)
        self.assertEqual((self.voucher | other).mapped("reminder_count"), [1, 1])
        # The failed step is not tried again; the log is readable by the
        # salesperson of the voucher.
        self.assertFalse(self._run("2026-01-31"))
        self.assertEqual(
            self.env["customer.voucher.reminder"]
            .with_user(self.manager)
            .search([("voucher_id", "=", failing.id)]),
            log,
        )

    def test_a_reminder_writes_no_link_token(self):
        """The voucher's link token is made with the voucher: reminders (two
        at once, by hand and by the job) only read it."""
        token = self.voucher.access_token
        self.assertTrue(token)
        self.voucher.flush_recordset()
        with self.assertQueryCount(0):
            self.voucher._portal_ensure_token()
        action = self.voucher.with_user(self.salesman).action_send_reminder()
        Form(
            self.env["mail.compose.message"]
            .with_user(self.salesman)
            .with_context(**action["context"])
        ).save().action_send_mail()
        self.assertEqual(self.voucher.access_token, token)

    def test_send_reminder_by_hand_counts(self):
        # the voucher's salesperson sends it from the form, through the composer
        action = self.voucher.with_user(self.salesman).action_send_reminder()
        composer = Form(
            self.env["mail.compose.message"]
            .with_user(self.salesman)
            .with_context(**action["context"])
        )
        self.assertIn(self.voucher.code, composer.body)
        composer.save().action_send_mail()
        self.assertEqual(self.voucher.reminder_count, 1)
        self.assertTrue(self.voucher.reminded)
        log = (
            self.env["customer.voucher.reminder"]
            .with_user(self.salesman)
            .search([("voucher_id", "=", self.voucher.id)])
        )
        self.assertEqual(
            (log.manual, log.status, log.company_id, log.partner_id),
            (True, "sent", self.company, self.contact),
        )
        # a note on the voucher is not a reminder; the schedule still runs
        self.voucher.message_post(body="Called the customer")
        self.assertEqual(self.voucher.reminder_count, 1)
        self.assertEqual(self._run("2026-01-31"), self.voucher)
        self.assertEqual(self.voucher.reminder_count, 2)
        self.assertEqual(len(self.voucher.reminder_ids), 2)
