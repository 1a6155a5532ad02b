# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The one-click answer pages over HTTP, as a customer's browser and as a
mail link checker reach them."""

import re

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestFeedbackHttp(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.touchpoint = cls.env["customer.feedback.touchpoint"].create(
            {"name": "Http NPS", "metric": "nps"}
        )
        cls.contact = cls.env["res.partner"].create(
            {"name": "Hal Web", "email": "hal@web.example"}
        )
        feedback_id = cls.env["customer.feedback"].request_feedback(
            cls.touchpoint.id, cls.contact.id
        )
        cls.feedback = cls.env["customer.feedback"].browse(feedback_id)
        cls.feedback._send_requests()

    def _csrf(self, page):
        return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    def test_request_mail_has_the_scale(self):
        mail = self.env["mail.mail"].search(
            [("res_id", "=", self.feedback.id), ("model", "=", "customer.feedback")]
        )
        self.assertEqual(len(mail), 1)
        for score in range(11):
            self.assertIn(
                f"/feedback/{self.feedback.access_token}/{score}", mail.body_html
            )
        # the ends of the scale say what they mean; the contact is greeted
        self.assertIn("0 = not at all likely, 10 = extremely likely", mail.body_html)
        self.assertIn("Hello Hal Web,", mail.body_html)
        self.assertEqual(self.feedback.state, "sent")
        self.assertTrue(self.feedback.date_expiry)
        # sending again sends nothing
        self.assertFalse(self.feedback._send_requests())

    def test_a_company_is_not_greeted_by_name(self):
        company = self.env["res.partner"].create(
            {"name": "Acme Corp", "is_company": True, "email": "info@acme.example"}
        )
        feedback = self.env["customer.feedback"].browse(
            self.env["customer.feedback"].request_feedback(
                self.touchpoint.id, company.id
            )
        )
        feedback._send_requests()
        mail = self.env["mail.mail"].search(
            [("res_id", "=", feedback.id), ("model", "=", "customer.feedback")]
        )
        self.assertIn("Hello,", mail.body_html)
        self.assertNotIn("Hello Acme Corp", mail.body_html)

    def test_get_records_nothing(self):
        url = f"/feedback/{self.feedback.access_token}/9"
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        self.assertIn("How likely are you to recommend", response.text)
        self.assertIn("o_feedback_selected", response.text)
        self.assertIn("0 = not at all likely, 10 = extremely likely", response.text)
        self.feedback.invalidate_recordset()
        self.assertEqual(self.feedback.state, "sent", "a link checker records nothing")

    def test_the_page_posts_the_score(self):
        page = self.url_open(f"/feedback/{self.feedback.access_token}/9").text
        response = self.url_open(
            f"/feedback/{self.feedback.access_token}/submit",
            data={"csrf_token": self._csrf(page), "score": "9"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("Your answer is recorded", response.text)
        self.feedback.invalidate_recordset()
        self.assertEqual((self.feedback.state, self.feedback.score), ("answered", 9))
        self.assertEqual(self.feedback.source, "email")
        # a comment added afterwards; the last answer wins
        self.url_open(
            f"/feedback/{self.feedback.access_token}/submit",
            data={
                "csrf_token": self._csrf(page),
                "score": "6",
                "comment": "Slow support",
            },
        )
        self.feedback.invalidate_recordset()
        self.assertEqual(
            (self.feedback.score, self.feedback.comment), (6, "Slow support")
        )
        self.assertEqual(self.feedback.followup_state, "open")
        # no salesperson, no responsible set: not the public user who answered
        self.assertEqual(
            self.feedback.followup_user_id, self.env.ref("base.user_admin")
        )
        # the assignee is told by OdooBot, not by the public user (who has no
        # e-mail address: the notification could not be sent)
        notice = self.env["mail.message"].search(
            [
                ("model", "=", "customer.feedback"),
                ("res_id", "=", self.feedback.id),
                ("message_type", "=", "user_notification"),
            ]
        )
        self.assertEqual(notice.author_id, self.env.ref("base.partner_root"))
        self.assertTrue(notice.email_from)

    def test_followup_without_administrator_goes_to_a_sales_manager(self):
        """Nobody set and the administrator archived (or deleted): a sales
        manager of the company follows up, never the public user who answered
        nor the superuser."""
        manager = new_test_user(
            self.env, login="followup_manager", groups="sales_team.group_sale_manager"
        )
        self.env.ref("base.user_admin").active = False
        page = self.url_open(f"/feedback/{self.feedback.access_token}/3").text
        self.url_open(
            f"/feedback/{self.feedback.access_token}/submit",
            data={"csrf_token": self._csrf(page), "score": "3"},
        )
        self.feedback.invalidate_recordset()
        self.assertEqual(self.feedback.followup_state, "open")
        self.assertEqual(self.feedback.followup_user_id, manager)
        self.assertEqual(self.feedback.activity_ids.user_id, manager)

    def test_post_without_csrf_is_refused(self):
        response = self.url_open(
            f"/feedback/{self.feedback.access_token}/submit", data={"score": "9"}
        )
        self.assertNotEqual(response.status_code, 200)
        self.feedback.invalidate_recordset()
        self.assertEqual(self.feedback.state, "sent")

    def test_score_out_of_range(self):
        page = self.url_open(f"/feedback/{self.feedback.access_token}/42").text
        self.assertNotIn("o_feedback_selected", page)
        response = self.url_open(
            f"/feedback/{self.feedback.access_token}/submit",
            data={"csrf_token": self._csrf(page), "score": "42"},
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("whole number from 0 to 10", response.text)
        self.feedback.invalidate_recordset()
        self.assertEqual(self.feedback.state, "sent")

    def test_unknown_and_expired_tokens_get_a_polite_page(self):
        response = self.url_open("/feedback/not-a-token/9")
        self.assertEqual(response.status_code, 404)
        self.assertIn("We could not find this survey", response.text)
        self.assertNotIn("Traceback", response.text)
        self.feedback.write({"state": "expired"})
        response = self.url_open(f"/feedback/{self.feedback.access_token}/9")
        self.assertEqual(response.status_code, 410)
        self.assertIn("This survey is closed", response.text)

    def test_answered_request_shows_the_current_answer(self):
        self.feedback._apply_answer(7, None, "email")
        page = self.url_open(f"/feedback/{self.feedback.access_token}/42").text
        self.assertIn("Your answer so far", page)
        self.assertRegex(page, r'data-score="7"\s+class="[^"]*o_feedback_selected')
        self.assertNotIn("data-pending", page, "nothing to record")

    def test_unknown_tokens_never_block_a_valid_one(self):
        # customers behind one address (a NAT): wrong links do not lock out
        # the right ones (256-bit tokens need no rate limit)
        for attempt in range(30):
            response = self.url_open(f"/feedback/guess-{attempt}/9")
            self.assertEqual(response.status_code, 404)
        response = self.url_open(f"/feedback/{self.feedback.access_token}/9")
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_feedback_selected", response.text)

    def test_staff_opening_the_link_do_not_answer(self):
        new_test_user(
            self.env,
            login="fb_http_staff",
            password="fb_http_staff",
            groups="sales_team.group_sale_salesman_all_leads",
        )
        self.authenticate("fb_http_staff", "fb_http_staff")
        page = self.url_open(f"/feedback/{self.feedback.access_token}/2").text
        self.assertIn("You are signed in as staff", page)
        self.assertNotIn('action="/feedback/', page)
        # even a crafted post from a staff session records nothing
        csrf = re.search(r'csrf_token: "([^"]+)"', self.url_open("/odoo").text).group(1)
        response = self.url_open(
            f"/feedback/{self.feedback.access_token}/submit",
            data={"csrf_token": csrf, "score": "2"},
        )
        self.assertEqual(response.status_code, 403)
        self.feedback.invalidate_recordset()
        self.assertEqual(self.feedback.state, "sent")

    def test_answer_from_the_portal(self):
        self.env["res.users"].create(
            {
                "name": "Hal",
                "login": "fb_portal_answer",
                "password": "fb_portal_answer",
                "partner_id": self.contact.id,
                "groups_id": [Command.set([self.env.ref("base.group_portal").id])],
            }
        )
        # anonymous: claiming to come from the portal changes nothing
        page = self.url_open(
            f"/feedback/{self.feedback.access_token}/8?source=portal"
        ).text
        self.assertNotIn('name="source"', page)
        self.url_open(
            f"/feedback/{self.feedback.access_token}/submit",
            data={"csrf_token": self._csrf(page), "score": "8", "source": "portal"},
        )
        self.feedback.invalidate_recordset()
        self.assertEqual(self.feedback.source, "email")
        self.authenticate("fb_portal_answer", "fb_portal_answer")
        listing = self.url_open("/my/feedback").text
        self.assertIn(
            f"/feedback/{self.feedback.access_token}/7?source=portal", listing
        )
        page = self.url_open(
            f"/feedback/{self.feedback.access_token}/7?source=portal"
        ).text
        self.assertIn('name="source" value="portal"', page)
        # in the portal's layout, with the way back to the list
        self.assertIn('<a href="/my/feedback">', page)
        self.assertIn("o_portal_submenu", page)
        self.url_open(
            f"/feedback/{self.feedback.access_token}/submit",
            data={"csrf_token": self._csrf(page), "score": "7", "source": "portal"},
        )
        self.feedback.invalidate_recordset()
        self.assertEqual((self.feedback.score, self.feedback.source), (7, "portal"))
        # back on the list, the answer is the score highlighted
        listing = self.url_open("/my/feedback").text
        self.assertRegex(
            listing,
            rf"/feedback/{self.feedback.access_token}/7\?source=portal\"\s+"
            r'class="btn btn-sm btn-primary o_feedback_selected"',
        )

    def test_portal_in_the_users_language_after_login(self):
        self.env["res.lang"]._activate_lang("fa_IR")
        self.env["ir.module.module"]._load_module_terms(["customer_value"], ["fa_IR"])
        self.env["res.users"].create(
            {
                "name": "Hal",
                "login": "fb_portal_fa",
                "password": "fb_portal_fa",
                "partner_id": self.contact.id,
                "lang": "fa_IR",
                "groups_id": [Command.set([self.env.ref("base.group_portal").id])],
            }
        )
        # a public page visited before signing in (here the answer page) left
        # the visitor's language in the cookie
        self.url_open(f"/feedback/{self.feedback.access_token}/9")
        self.assertEqual(self.opener.cookies.get("frontend_lang"), "en_US")
        login_page = self.url_open("/web/login").text
        self.url_open(
            "/web/login",
            data={
                "login": "fb_portal_fa",
                "password": "fb_portal_fa",
                "csrf_token": self._csrf(login_page),
            },
        )
        page = self.url_open("/my/feedback").text
        self.assertIn("پاسخ شما", page)  # "Your Answer"
        self.assertIn("o_rtl", page)
        self.assertIn("o_rtl", self.url_open("/my/home").text)
        # a language chosen with the selector (in the address) is kept
        page = self.url_open("/en/my/feedback").text
        self.assertIn("Your Answer", page)
        self.assertNotIn("o_rtl", page)

    def test_portal_lists_requests_and_answers(self):
        self.env["res.users"].create(
            {
                "name": "Hal",
                "login": "fb_portal_http",
                "password": "fb_portal_http",
                "partner_id": self.contact.id,
                "groups_id": [Command.set([self.env.ref("base.group_portal").id])],
            }
        )
        self.authenticate("fb_portal_http", "fb_portal_http")
        page = self.url_open("/my/feedback").text
        self.assertIn("How likely are you to recommend", page)
        self.assertIn(f"/feedback/{self.feedback.access_token}/10?source=portal", page)
        home = self.url_open("/my/home").text
        self.assertIn("/my/feedback", home)
        # the tile shows how many (filled in by the portal's counters)
        self.assertIn('class="fw-bold" data-placeholder_count="feedback_count"', home)
        self.feedback.sudo().record_answer(8, comment="Fine", source="staff")
        page = self.url_open("/my/feedback").text
        self.assertIn("Fine", page)


@tagged("post_install", "-at_install")
class TestFeedbackFigures(HttpCase):
    def test_customer_form_figures(self):
        salesman = new_test_user(
            self.env, login="fb_fig_salesman", groups="sales_team.group_sale_salesman"
        )
        customer = self.env["res.partner"].create(
            {"name": "Fig Co", "is_company": True, "user_id": salesman.id}
        )
        contact = self.env["res.partner"].create(
            {"name": "Fig", "parent_id": customer.id, "email": "fig@co.example"}
        )
        self.env.company.feedback_throttle_days = 0
        Touchpoint = self.env["customer.feedback.touchpoint"]
        Feedback = self.env["customer.feedback"].with_user(salesman)
        for metric, score in (("nps", 9), ("nps", 3), ("csat", 4)):
            touchpoint = Touchpoint.create({"name": metric, "metric": metric})
            Feedback.browse(
                Feedback.request_feedback(touchpoint.id, contact.id)
            ).record_answer(score)
        customer = customer.with_user(salesman)
        self.assertEqual(customer.feedback_count, 3)
        self.assertEqual(customer.feedback_followup_count, 1)
        self.assertEqual(customer.feedback_nps_category, "detractor")
        self.assertEqual(customer.feedback_last_scores, "NPS 3 · CSAT 4")
        self.assertEqual(
            contact.with_user(salesman).feedback_last_scores, "NPS 3 · CSAT 4"
        )
