# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Who may write, read and answer what of a feedback request, run as the real
users: a salesperson, a colleague of the customer's contact on the portal."""

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestFeedbackRights(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.env.company.feedback_throttle_days = 0
        cls.salesman = new_test_user(
            cls.env, login="fbr_salesman", groups="sales_team.group_sale_salesman"
        )
        cls.colleague = new_test_user(
            cls.env, login="fbr_colleague", groups="sales_team.group_sale_salesman"
        )
        Partner = cls.env["res.partner"]
        cls.customer = Partner.create(
            {"name": "Rights Co", "is_company": True, "user_id": cls.salesman.id}
        )
        cls.contact = Partner.create(
            {"name": "Rita", "parent_id": cls.customer.id, "email": "rita@r.example"}
        )
        cls.coworker = Partner.create(
            {"name": "Cole", "parent_id": cls.customer.id, "email": "cole@r.example"}
        )
        cls.touchpoint = cls.env["customer.feedback.touchpoint"].create(
            {"name": "Rights NPS", "metric": "nps"}
        )
        cls.Feedback = cls.env["customer.feedback"]

    def _request(self, partner=None, user=None, **kwargs):
        Feedback = self.Feedback.with_user(user or self.salesman)
        return self.Feedback.browse(
            Feedback.request_feedback(
                self.touchpoint.id, (partner or self.contact).id, **kwargs
            )
        )

    def _portal_user(self, partner, login):
        return self.env["res.users"].create(
            {
                "name": partner.name,
                "login": login,
                "partner_id": partner.id,
                "groups_id": [Command.set([self.env.ref("base.group_portal").id])],
            }
        )

    def test_salesperson_cannot_write_an_answer(self):
        feedback = self._request()
        as_salesman = feedback.with_user(self.salesman)
        forged = (
            {"state": "answered"},
            {"score": 11},
            {"score": 0},
            {"source": "email"},
            {"date_answered": "2026-01-01 10:00:00"},
            {"followup_state": "resolved"},
            {"followup_outcome": "solved"},
            {"followup_note": "all fine"},
            {"access_token": "known"},
        )
        for vals in forged:
            with self.assertRaisesRegex(AccessError, "only through its actions"):
                as_salesman.write(vals)
        with self.assertRaisesRegex(AccessError, "only through its actions"):
            self.Feedback.with_user(self.salesman).create(
                {
                    "touchpoint_id": self.touchpoint.id,
                    "partner_id": self.contact.id,
                    "state": "answered",
                    "score": 0,
                }
            )
        self.assertEqual((feedback.state, feedback.score), ("scheduled", 0))
        # what staff may change: the date of a request not yet sent
        as_salesman.date_scheduled = "2030-01-01 08:00:00"
        feedback._send_requests()
        with self.assertRaisesRegex(UserError, "already sent"):
            as_salesman.partner_id = self.coworker

    def test_staff_answers_are_never_the_customers(self):
        feedback = self._request()
        feedback._send_requests()
        as_salesman = feedback.with_user(self.salesman)
        for source in ("email", "portal", "survey"):
            with self.assertRaisesRegex(ValidationError, "only the customer answers"):
                as_salesman.record_answer(9, source=source)
        as_salesman.record_answer(9, comment="Said on the phone", source="staff")
        self.assertEqual((feedback.source, feedback.score), ("staff", 9))
        answer = feedback.message_ids.filtered(lambda m: "Answer: 9" in m.body)
        self.assertEqual(answer.author_id, self.salesman.partner_id)
        self.assertNotEqual(answer.author_id, self.contact)

    def test_portal_sees_only_their_own_requests(self):
        mine = self._request()
        theirs = self._request(partner=self.coworker)
        (mine | theirs)._send_requests()
        mine.with_user(self.salesman).record_answer(2, comment="Slow")
        portal = self._portal_user(self.contact, "fbr_portal")
        Feedback = self.Feedback.with_user(portal)
        self.assertEqual(Feedback.search([]), mine)
        with self.assertRaises(AccessError):
            theirs.with_user(portal).read(["score", "comment"])
        self.assertEqual(mine.with_user(portal).read(["score"])[0]["score"], 2)
        # internal follow-up fields and the answer links' keys are staff-only
        for field in (
            "followup_note",
            "followup_outcome",
            "followup_state",
            "followup_user_id",
            "access_token",
        ):
            with self.assertRaises(AccessError, msg=field):
                mine.with_user(portal).read([field])
        self.assertNotIn(
            "followup_note", Feedback.fields_get(attributes=["type"]), "hidden"
        )
        with self.assertRaises(AccessError):
            mine.with_user(portal).record_answer(9)

    def test_document_name_with_the_readers_rights(self):
        other_customer = self.env["res.partner"].create(
            {"name": "Private Deal Co", "user_id": self.colleague.id}
        )
        private = (
            self.env["crm.lead"]
            .with_user(self.colleague)
            .create(
                {
                    "name": "Colleague's private deal",
                    "partner_id": other_customer.id,
                    "user_id": self.colleague.id,
                }
            )
        )
        # a salesperson (own documents) cannot point a request at it
        with self.assertRaises(AccessError):
            self._request(res_model="crm.lead", res_id=private.id)
        feedback = self._request()
        with self.assertRaises(AccessError):
            feedback.with_user(self.salesman).write(
                {"res_model": "crm.lead", "res_id": private.id}
            )
        with self.assertRaises(AccessError):
            self.Feedback.with_user(self.salesman).create(
                {
                    "touchpoint_id": self.touchpoint.id,
                    "partner_id": self.contact.id,
                    "res_model": "crm.lead",
                    "res_id": private.id,
                }
            )
        with self.assertRaisesRegex(ValidationError, "Unknown document"):
            feedback.with_user(self.salesman).write(
                {"res_model": "ir.config_parameter.nope", "res_id": 1}
            )
        # set by someone who may read it: the salesperson does not see its name
        about_private = self._request(
            user=self.colleague,
            partner=other_customer,
            res_model="crm.lead",
            res_id=private.id,
        )
        about_private.user_id = self.salesman
        self.assertEqual(
            about_private.with_user(self.colleague).document_name,
            "Colleague's private deal",
        )
        self.assertNotIn(
            "private deal", about_private.with_user(self.salesman).document_name
        )

    @freeze_time("2026-06-01 10:00:00")
    def test_same_answer_again_keeps_the_resolved_followup(self):
        feedback = self._request()
        feedback._send_requests()
        as_salesman = feedback.with_user(self.salesman)
        # the customer answers 3 from the e-mail: a follow-up opens
        feedback._apply_answer(3, "Slow support", "email")
        self.assertEqual(feedback.followup_state, "open")
        as_salesman.action_resolve_followup("solved", note="Called, fixed")
        # the customer opens the same link again: nothing changes
        with freeze_time("2026-06-03 10:00:00"):
            feedback._apply_answer(3, None, "email")
        self.assertEqual(
            (feedback.followup_state, feedback.followup_outcome),
            ("resolved", "solved"),
        )
        self.assertFalse(feedback.activity_ids)
        # a changed unhappy answer opens a new follow-up, the earlier one is kept
        feedback._apply_answer(1, None, "email")
        self.assertEqual(
            (feedback.followup_state, feedback.followup_outcome), ("open", False)
        )
        history = feedback.message_ids.filtered(
            lambda m: "Earlier follow-up" in (m.body or "")
        )
        self.assertEqual(len(history), 1)
        self.assertIn("Called, fixed", history.body)
        self.assertTrue(history.subtype_id.internal or not history.subtype_id)

    def test_owner_follows_the_customers_salesperson(self):
        feedback = self._request()
        self.assertEqual(feedback.user_id, self.salesman)
        self.assertNotIn(feedback, self.Feedback.with_user(self.colleague).search([]))
        self.customer.user_id = self.colleague
        self.assertEqual(feedback.user_id, self.colleague)
        self.assertIn(feedback, self.Feedback.with_user(self.colleague).search([]))

    def test_erasing_a_contact_erases_their_feedback(self):
        feedback = self._request()
        feedback._send_requests()
        feedback._apply_answer(4, "Personal remark", "email")
        self.coworker.unlink()  # never asked: nothing in the way
        self.contact.unlink()
        self.assertFalse(feedback.exists())
