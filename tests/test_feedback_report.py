# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The feedback analysis: NPS, CSAT, CES, response rate, requests not sent
and follow-up times, on known data, as the salespeople and managers see it."""

from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time
from lxml import etree

from odoo import Command, fields
from odoo.tests import TransactionCase, new_test_user, tagged

from .subscription_common import SubscriptionCommon


@tagged("post_install", "-at_install")
class TestFeedbackReport(SubscriptionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.feedback_throttle_days = 0
        cls.salesman = new_test_user(
            cls.env, login="fbr_salesman", groups="sales_team.group_sale_salesman"
        )
        cls.other_salesman = new_test_user(
            cls.env, login="fbr_other", groups="sales_team.group_sale_salesman"
        )
        cls.manager = new_test_user(
            cls.env, login="fbr_manager", groups="sales_team.group_sale_manager"
        )
        cls.tag = cls.env["res.partner.category"].create({"name": "Key account"})
        Partner = cls.env["res.partner"]
        cls.acme = Partner.create(
            {
                "name": "Report Acme",
                "is_company": True,
                "email": "acme@report.example",
                "user_id": cls.salesman.id,
                "country_id": cls.env.ref("base.be").id,
                "category_id": [Command.set(cls.tag.ids)],
            }
        )
        cls.globex = Partner.create(
            {
                "name": "Report Globex",
                "is_company": True,
                "email": "globex@report.example",
                "user_id": cls.other_salesman.id,
                "country_id": cls.env.ref("base.br").id,
            }
        )
        Touchpoint = cls.env["customer.feedback.touchpoint"]
        cls.nps = Touchpoint.create({"name": "Report NPS", "metric": "nps"})
        cls.csat = Touchpoint.create({"name": "Report CSAT", "metric": "csat"})
        cls.ces = Touchpoint.create({"name": "Report CES", "metric": "ces"})
        cls.touchpoints = cls.nps | cls.csat | cls.ces
        cls.Report = cls.env["customer.feedback.report"]

    def _answered(self, touchpoint, partner, score, when="2026-03-10 09:00:00"):
        with freeze_time(when):
            feedback = self._sent(touchpoint, partner, when)
            feedback.record_answer(score, source="staff")
        return feedback

    def _sent(self, touchpoint, partner, when="2026-03-10 09:00:00"):
        with freeze_time(when):
            Feedback = self.env["customer.feedback"]
            feedback = Feedback.browse(
                Feedback.request_feedback(touchpoint.id, partner.id)
            )
            feedback._send_requests()
        return feedback

    def _figures(self, domain, groupby, aggregates, user=None):
        domain = [("touchpoint_id", "in", self.touchpoints.ids), *domain]
        Report = self.Report.with_user(user or self.manager)
        return {
            group[0] if len(group) == 2 else group[:-1]: group[-1]
            for group in Report._read_group(domain, groupby, aggregates)
        }

    def test_nps_csat_ces_and_response_rate(self):
        # NPS: 2 promoters, 1 passive, 2 detractors -> (40 % - 40 %) = 0, then
        # a third promoter in April
        for score in (10, 9, 8, 3, 6):
            self._answered(self.nps, self.acme, score)
        self._answered(self.nps, self.globex, 9, when="2026-04-02 09:00:00")
        self._sent(self.nps, self.globex)  # unanswered: lowers the response rate
        for score in (5, 4, 2):
            self._answered(self.csat, self.acme, score)
        for score in (7, 5, 3, 4):
            self._answered(self.ces, self.acme, score)
        by_month = self._figures([("metric", "=", "nps")], ["date:month"], ["nps:avg"])
        self.assertEqual(
            {month.strftime("%Y-%m"): nps for month, nps in by_month.items()},
            {"2026-03": 0.0, "2026-04": 100.0},
        )
        figures = self.Report.with_user(self.manager)._read_group(
            [("touchpoint_id", "in", self.touchpoints.ids)],
            ["touchpoint_id"],
            [
                "nps:avg",
                "promoter_rate:avg",
                "csat_rate:avg",
                "ces_score:avg",
                "ces_easy_rate:avg",
                "response_rate:avg",
                "answer_count:sum",
                "request_count:sum",
            ],
        )
        by_touchpoint = {row[0]: row[1:] for row in figures}
        nps, promoters, *__, response, answers, requests = by_touchpoint[self.nps]
        self.assertAlmostEqual(nps, 100 * (3 - 2) / 6)
        self.assertAlmostEqual(promoters, 50.0)
        self.assertAlmostEqual(response, 100 * 6 / 7)
        self.assertEqual((answers, requests), (6, 7))
        self.assertAlmostEqual(by_touchpoint[self.csat][2], 100 * 2 / 3)
        __, __, __, ces_score, ces_easy, *__ = by_touchpoint[self.ces]
        self.assertAlmostEqual(ces_score, (7 + 5 + 3 + 4) / 4)
        self.assertAlmostEqual(ces_easy, 50.0)

    def test_response_rate_by_the_month_asked(self):
        """Two requests of March answered in April and one of April not
        answered: March 100 %, April 0 %, never 2 answers out of 1 request."""
        for score in (9, 10):
            feedback = self._sent(self.nps, self.acme, "2026-03-30 09:00:00")
            with freeze_time("2026-04-02 09:00:00"):
                feedback.record_answer(score, source="staff")
        self._sent(self.nps, self.globex, "2026-04-05 09:00:00")
        Report = self.Report.with_user(self.manager)
        arch = Report.get_views([(False, "pivot")])["views"]["pivot"]["arch"]
        pivot = etree.fromstring(arch)  # noqa: S320 - our own view
        [column] = pivot.xpath("//field[@type='col']")
        self.assertEqual(
            (column.get("name"), column.get("interval")), ("date_requested", "month")
        )
        rows = Report._read_group(
            [("touchpoint_id", "in", self.touchpoints.ids)],
            ["date_requested:month"],
            ["request_count:sum", "answer_count:sum", "response_rate:avg"],
        )
        self.assertEqual(
            {month.strftime("%Y-%m"): figures for month, *figures in rows},
            {"2026-03": [2, 2, 100.0], "2026-04": [1, 0, 0.0]},
        )

    def test_dimensions_tag_country_salesperson_plan_family(self):
        sub = self._subscription(partner=self.acme)
        self._answered(self.nps, self.acme, 10)
        self._answered(self.nps, self.globex, 0)
        self.assertEqual(
            self._figures([("metric", "=", "nps")], ["category_ids"], ["nps:avg"]),
            {self.tag: 100.0, self.env["res.partner.category"]: -100.0},
        )
        by_country = self._figures(
            [("metric", "=", "nps")], ["country_id"], ["nps:avg"]
        )
        self.assertEqual(by_country[self.env.ref("base.be")], 100.0)
        self.assertEqual(by_country[self.env.ref("base.br")], -100.0)
        by_user = self._figures([("metric", "=", "nps")], ["user_id"], ["nps:avg"])
        self.assertEqual(by_user[self.salesman], 100.0)
        self.assertEqual(by_user[self.other_salesman], -100.0)
        # the customer's running subscription gives the plan family
        self.assertTrue(sub.revenue_active)
        by_family = self._figures(
            [("metric", "=", "nps")], ["plan_family_id"], ["nps:avg"]
        )
        self.assertEqual(by_family[self.family], 100.0)

    def test_requests_not_sent_are_counted(self):
        self.env.company.feedback_throttle_days = 30
        self._sent(self.nps, self.acme)
        self._sent(self.csat, self.acme)  # asked recently
        nobody = self.env["res.partner"].create({"name": "No mail", "user_id": False})
        self._sent(self.nps, nobody)
        self.env["mail.blacklist"].sudo()._add("globex@report.example")
        self._sent(self.nps, self.globex)
        [(throttled, opted_out, no_email)] = self.Report.with_user(
            self.manager
        )._read_group(
            [("touchpoint_id", "in", self.touchpoints.ids)],
            [],
            ["throttled_count:sum", "opted_out_count:sum", "no_email_count:sum"],
        )
        self.assertEqual((throttled, opted_out, no_email), (1, 1, 1))

    def test_followup_time_to_resolve_and_on_time(self):
        on_time = self._answered(self.nps, self.acme, 2, when="2026-03-10 09:00:00")
        late = self._answered(self.nps, self.acme, 1, when="2026-03-10 09:00:00")
        self._answered(self.nps, self.acme, 4, when="2026-03-10 09:00:00")  # open
        with freeze_time("2026-03-11 09:00:00"):  # after 24 of the 48 hours
            on_time.with_user(self.salesman).action_resolve_followup("solved")
        with freeze_time("2026-03-14 09:00:00"):  # 96 hours, 2 days late
            late.with_user(self.salesman).action_resolve_followup("explained")
            [(count, hours, in_time)] = self.Report.with_user(self.manager)._read_group(
                [
                    ("touchpoint_id", "in", self.touchpoints.ids),
                    ("followup_state", "!=", False),
                ],
                [],
                [
                    "followup_count:sum",
                    "followup_hours:avg",
                    "followup_on_time_rate:avg",
                ],
            )
        self.assertEqual(count, 3)
        self.assertAlmostEqual(hours, (24 + 96) / 2)
        # the open one is overdue by now (real time): 1 of 3 in time
        self.assertAlmostEqual(in_time, 100 / 3)

    def test_salesperson_sees_own_customers_manager_all(self):
        mine = self._answered(self.nps, self.acme, 9)
        theirs = self._answered(self.nps, self.globex, 2)
        as_salesman = self.Report.with_user(self.salesman).search([])
        self.assertIn(mine.id, as_salesman.feedback_id.ids)
        self.assertNotIn(theirs.id, as_salesman.feedback_id.ids)
        # the follow-up owner sees the answer they follow up
        theirs.sudo().followup_user_id = self.salesman
        self.assertIn(
            theirs.id, self.Report.with_user(self.salesman).search([]).feedback_id.ids
        )
        as_manager = self.Report.with_user(self.manager).search([])
        self.assertIn(theirs.id, as_manager.feedback_id.ids)
        other_company = self.env["res.company"].create({"name": "Report Other Co"})
        theirs.sudo().company_id = other_company
        self.assertNotIn(
            theirs.id, self.Report.with_user(self.manager).search([]).feedback_id.ids
        )

    def test_overdue_followups_filter(self):
        feedback = self._answered(self.nps, self.acme, 1, when="2026-03-10 09:00:00")
        Feedback = self.env["customer.feedback"].with_user(self.salesman)
        with freeze_time("2026-03-11 09:00:00"):
            self.assertNotIn(
                feedback, Feedback.search([("followup_overdue", "=", True)])
            )
        with freeze_time(datetime(2026, 3, 12, 9) + timedelta(minutes=1)):
            self.assertIn(feedback, Feedback.search([("followup_overdue", "=", True)]))
            self.assertNotIn(
                feedback, Feedback.search([("followup_overdue", "=", False)])
            )
            feedback.invalidate_recordset(["followup_overdue"])
            self.assertTrue(feedback.followup_overdue)
        action = self.env.ref(
            "customer_value.customer_feedback_action_followups_overdue"
        )
        self.assertIn("search_default_followup_overdue", action.context)


@tagged("post_install", "-at_install")
class TestFeedbackDemo(TransactionCase):
    """The demo has a year of answers, so that the analysis shows something
    (the test database is installed with demo data)."""

    def test_demo_year_of_answers(self):
        relationship = self.env.ref("customer_value.touchpoint_relationship_demo")
        manager = new_test_user(
            self.env, login="fbd_manager", groups="sales_team.group_sale_manager"
        )
        Report = self.env["customer.feedback.report"].with_user(manager)
        months = Report._read_group(
            [
                ("touchpoint_id", "=", relationship.id),
                ("state", "=", "answered"),
                ("date", ">=", fields.Datetime.now() - relativedelta(months=13)),
            ],
            ["date:month"],
            ["nps:avg"],
        )
        self.assertGreaterEqual(len(months), 10, "answers in most months of the year")
        [(nps, response_rate, followups, in_time)] = Report._read_group(
            [("touchpoint_id", "=", relationship.id)],
            [],
            [
                "nps:avg",
                "response_rate:avg",
                "followup_count:sum",
                "followup_on_time_rate:avg",
            ],
        )
        self.assertTrue(-100 < nps < 100)
        self.assertTrue(50 < response_rate < 100)
        self.assertGreaterEqual(followups, 2)
        self.assertTrue(0 <= in_time < 100, "a follow-up was resolved late")
        overdue = (
            self.env["customer.feedback"]
            .with_user(manager)
            .search_count([("followup_state", "=", "open")])
        )
        self.assertTrue(overdue)
