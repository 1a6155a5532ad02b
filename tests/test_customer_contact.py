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

    def test_message_to_the_customer_counts_a_note_does_not(self):
        self.assertFalse(self.customer.last_contact_date)
        order_partner = self.customer.with_user(self.salesman)
        # as the chatter posts them
        order_partner.message_post(
            body="Internal: call them",
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        self.assertFalse(self.customer.last_contact_date, "a note is not a contact")
        order_partner.message_post(
            body="Your renewal",
            partner_ids=self.contact.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
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
        self.assertEqual(self.customer.last_contact_date, self.salesman_today)

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
        self.assertEqual(self.customer.last_contact_date, start.date())
        with freeze_time(planned + timedelta(days=1)):
            self.env["res.partner"]._cron_contact_rhythm()
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
