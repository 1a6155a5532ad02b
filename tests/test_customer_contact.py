# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The last contact with a customer, from each source, and the monthly
contact rhythm's check-in activities."""

from datetime import date, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestCustomerContact(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(
            cls.env,
            login="contact_salesman",
            groups="sales_team.group_sale_salesman",
            email="sales@company.example",
        )
        Partner = cls.env["res.partner"]
        cls.customer = Partner.create(
            {
                "name": "Rhythm Co",
                "is_company": True,
                "email": "it@rhythm.example",
                "user_id": cls.salesman.id,
            }
        )
        cls.contact = Partner.create(
            {
                "name": "Rita Rhythm",
                "parent_id": cls.customer.id,
                "email": "rita@rhythm.example",
            }
        )
        # a contact is dated on the day of whoever makes it: the salesman has
        # no time zone (UTC), the superuser running the jobs has Brussels';
        # around midnight UTC the two days differ (CI once ran at 23:30 UTC)
        cls.today = fields.Date.context_today(cls.customer)
        cls.salesman_today = fields.Date.context_today(
            cls.customer.with_user(cls.salesman)
        )

    def _catch_up(self):
        """The job of every 15 minutes that moves the last contacts."""
        self.env["res.partner"]._cron_contact_catch_up()
        self.env.invalidate_all()

    def _post(self, partner, **kwargs):
        return partner.with_user(self.salesman).message_post(
            body="Your renewal",
            partner_ids=self.contact.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            **kwargs,
        )

    def test_message_to_the_customer_counts_a_note_does_not(self):
        self.assertFalse(self.customer.last_contact_date)
        order_partner = self.customer.with_user(self.salesman)
        # as the chatter posts them
        order_partner.message_post(
            body="Internal: call them",
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        self._catch_up()
        self.assertFalse(self.customer.last_contact_date, "a note is not a contact")
        self._post(self.customer)
        self.env.invalidate_all()
        self.assertFalse(
            self.customer.last_contact_date, "posting writes nothing on the customer"
        )
        self._catch_up()
        self.assertEqual(self.customer.last_contact_date, self.salesman_today)
        self.assertEqual(
            self.customer.next_contact_date, self.salesman_today + timedelta(days=30)
        )

    def test_incoming_email_counts(self):
        with freeze_time("2026-09-01"):
            self.customer.message_post(
                body="Question about my invoice",
                author_id=self.contact.id,
                message_type="email",
                subtype_xmlid="mail.mt_comment",
            )
        self._catch_up()
        self.assertEqual(self.customer.last_contact_date, date(2026, 9, 1))
        # an older contact does not move it back
        self.env["res.partner"]._note_contact(self.contact.ids, date(2026, 8, 1))
        self.assertEqual(self.customer.last_contact_date, date(2026, 9, 1))

    def test_done_call_counts(self):
        activity = self.customer.activity_schedule(
            "mail.mail_activity_data_call", user_id=self.salesman.id
        )
        self.assertFalse(self.customer.last_contact_date)
        activity.with_user(self.salesman).action_feedback(feedback="Renewal agreed")
        self._catch_up()
        self.assertEqual(self.customer.last_contact_date, self.salesman_today)

    def test_done_call_on_a_document_counts_for_its_customer(self):
        other = self.env["res.partner"].create({"name": "Lead Co", "is_company": True})
        lead = self.env["crm.lead"].create({"name": "Renewal", "partner_id": other.id})
        activity = lead.activity_schedule(
            "mail.mail_activity_data_call", user_id=self.salesman.id
        )
        activity.with_user(self.salesman).action_feedback(feedback="Interested")
        self._catch_up()
        self.assertEqual(other.last_contact_date, self.salesman_today)

    def test_meeting_held_counts_a_planned_one_once_held(self):
        start = fields.Datetime.now() - timedelta(days=3)
        self.env["calendar.event"].create(
            {
                "name": "Review",
                "start": start,
                "stop": start + timedelta(hours=1),
                "partner_ids": [(6, 0, (self.contact | self.salesman.partner_id).ids)],
            }
        )
        self._catch_up()
        self.assertEqual(self.customer.last_contact_date, start.date())
        planned = fields.Datetime.now() + timedelta(days=1)
        self.env["calendar.event"].create(
            {
                "name": "Workshop",
                "start": planned,
                "stop": planned + timedelta(hours=2),
                "partner_ids": [(6, 0, self.contact.ids)],
            }
        )
        self._catch_up()
        self.assertEqual(self.customer.last_contact_date, start.date())
        with freeze_time(planned + timedelta(days=1)):
            # the daily rhythm job catches up first: no check-in for them
            self.env["res.partner"]._cron_contact_rhythm()
        self.env.invalidate_all()
        self.assertEqual(self.customer.last_contact_date, planned.date())
        # the employee's own partner is not a customer contacted
        self.assertFalse(self.salesman.partner_id.last_contact_date)

    def test_feedback_answer_counts(self):
        touchpoint = self.env["customer.feedback.touchpoint"].create(
            {"name": "Contact NPS", "metric": "nps"}
        )
        Feedback = self.env["customer.feedback"]
        feedback = Feedback.browse(
            Feedback.request_feedback(touchpoint.id, self.contact.id)
        )
        feedback._send_requests()
        self.assertFalse(self.customer.last_contact_date, "an automated e-mail is not")
        feedback.record_answer(9, source="staff")
        self.assertEqual(self.customer.last_contact_date, self.today)

    def test_backfill_from_history(self):
        with freeze_time("2026-07-15"):
            self.customer.message_post(
                body="Hello",
                partner_ids=self.contact.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        self.env.cr.execute(
            "UPDATE res_partner SET last_contact_date = NULL WHERE id = %s",
            [self.customer.id],
        )
        self.customer.invalidate_recordset()
        self.env["res.partner"]._backfill_last_contact()
        self.assertEqual(self.customer.last_contact_date, date(2026, 7, 15))
        self.assertEqual(self.customer.next_contact_date, date(2026, 8, 14))

    def test_check_in_activity_once(self):
        order = self.env["sale.order"].create({"partner_id": self.customer.id})
        order.action_confirm()
        self.env["res.partner"]._note_contact(
            self.customer.ids, self.today - timedelta(days=40)
        )
        Partner = self.env["res.partner"]
        check_in = self.env.ref("customer_value.mail_activity_check_in")
        Partner._cron_contact_rhythm()
        Partner._cron_contact_rhythm()
        activities = self.customer.activity_ids.filtered(
            lambda a: a.activity_type_id == check_in
        )
        self.assertEqual(len(activities), 1, "never a second while one is open")
        self.assertEqual(activities.user_id, self.salesman)
        # the customer's own rhythm: every 60 days, not due yet
        other = self.env["res.partner"].create(
            {"name": "Slow Co", "is_company": True, "contact_cadence_days": 60}
        )
        self.env["sale.order"].create({"partner_id": other.id}).action_confirm()
        self.env["res.partner"]._note_contact(
            other.ids, self.today - timedelta(days=40)
        )
        Partner._cron_contact_rhythm()
        self.assertFalse(other.activity_ids)
        # listed by the "Not contacted for 30 days" menu
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_value.res_partner_action_contact_due"
        )
        self.assertEqual(action["name"], "Not Contacted for 30 Days")
        self.assertEqual(self.customer.days_since_contact, 40)

    def _watermark(self):
        return int(
            self.env["res.partner"]._get_contact_job_param(
                "customer_value.contact_message_watermark"
            )
        )

    def test_message_committed_late_is_still_caught(self):
        """A message of a long transaction gets its id before a later one is
        committed: the job reads again the messages of the last hour, and
        moves its watermark past a message only once it is an hour old."""
        self._catch_up()
        watermark = self._watermark()
        other = self.env["res.partner"].create(
            {"name": "Other Co", "is_company": True, "email": "o@other.example"}
        )
        late = self._post(self.customer)
        other.message_post(body="Hello", author_id=other.id, message_type="email")
        # the first one is not committed yet when the job runs
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE mail_message SET message_type = 'notification' WHERE id = %s",
            [late.id],
        )
        self.env.cr.execute(
            "DELETE FROM mail_message_res_partner_rel WHERE mail_message_id = %s",
            [late.id],
        )
        self._catch_up()
        self.assertEqual(other.last_contact_date, self.salesman_today)
        self.assertFalse(self.customer.last_contact_date)
        self.assertEqual(self._watermark(), watermark, "the messages are too recent")
        # committed now
        self.env.cr.execute(
            "UPDATE mail_message SET message_type = 'comment' WHERE id = %s",
            [late.id],
        )
        self.env.cr.execute(
            "INSERT INTO mail_message_res_partner_rel VALUES (%s, %s)",
            [late.id, self.contact.id],
        )
        self._catch_up()
        self.assertEqual(self.customer.last_contact_date, self.salesman_today)
        # an hour later, the watermark passes them
        with freeze_time(fields.Datetime.now() + timedelta(hours=2)):
            self._catch_up()
        self.assertGreater(self._watermark(), late.id)

    def test_job_twice_changes_nothing(self):
        self._post(self.customer)
        Partner = self.env["res.partner"]
        self.assertTrue(Partner._catch_up_contacts() is False)
        self.assertEqual(
            Partner._backfill_last_contact(
                message_ids=(self._watermark(), 10**9),
                touched_since=fields.Datetime.now() - timedelta(days=1),
            ),
            [],
            "the second run moves no date",
        )
        activities = self.env["mail.activity"].search_count([])
        messages = self.env["mail.message"].search_count([])
        Partner._catch_up_contacts()
        self.assertEqual(self.env["mail.activity"].search_count([]), activities)
        self.assertEqual(self.env["mail.message"].search_count([]), messages)
        self.env.invalidate_all()
        self.assertEqual(self.customer.last_contact_date, self.salesman_today)

    def test_job_catches_up_by_batches(self):
        self._catch_up()
        self._post(self.customer)
        for n in range(3):
            self.env["res.partner"].create(
                {"name": f"Filler {n}", "email": f"f{n}@f.example"}
            ).message_post(body="Hello", message_type="email")
        Partner = self.env["res.partner"]
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE mail_message SET create_date = create_date - interval '2 hours'"
            " WHERE id > %s",
            [self._watermark()],
        )
        rounds = 1
        while Partner._catch_up_contacts(batch_size=2):
            rounds += 1
        self.assertGreater(rounds, 1)
        self.env.invalidate_all()
        self.assertEqual(self.customer.last_contact_date, self.salesman_today)
        self.env.cr.execute("SELECT max(id) FROM mail_message")
        last = self.env.cr.fetchone()[0]
        self.assertEqual(self._watermark(), last)

    def test_job_queries_do_not_grow_with_the_customers(self):
        Partner = self.env["res.partner"]

        def contacted(count):
            customers = Partner.create(
                [
                    {"name": f"Job Co {count}-{n}", "is_company": True}
                    for n in range(count)
                ]
            )
            for customer in customers:
                customer.message_post(
                    body="Hi", author_id=customer.id, message_type="email"
                )
            self.env.flush_all()
            self.env.invalidate_all()
            queries = self.env.cr.sql_log_count
            Partner._catch_up_contacts()
            counts.append(self.env.cr.sql_log_count - queries)
            self.assertTrue(
                all(c.last_contact_date == self.salesman_today for c in customers)
            )

        counts = []
        contacted(2)
        contacted(2)
        contacted(20)
        self.assertEqual(counts[1], counts[2], "the same queries for 2 or 20")
        self.assertLessEqual(counts[2], 20)

    def test_one_catch_up_at_a_time(self):
        """The daily rhythm job and the 15-minute job may meet: the second
        leaves the catch-up to the first instead of failing on its update."""
        self._post(self.customer)
        Partner = self.env["res.partner"]
        with self.env.registry.cursor() as other:
            other.execute(
                "SELECT id FROM ir_config_parameter WHERE key = %s FOR UPDATE",
                ["customer_value.contact_message_watermark"],
            )
            self.assertTrue(other.fetchone(), "set at install")
            self.assertFalse(Partner._catch_up_contacts())
            self.env.invalidate_all()
            self.assertFalse(self.customer.last_contact_date)
            other.rollback()
        self._catch_up()
        self.assertEqual(self.customer.last_contact_date, self.salesman_today)
