# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The second offer after "not now": a lead lost for a reason with a delay
comes back once as a new opportunity, with an activity for its salesperson."""

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import Form, TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger
from odoo.tools.safe_eval import safe_eval


@tagged("post_install", "-at_install")
class TestCrmReoffer(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(
            cls.env,
            login="reoffer_salesman",
            groups="sales_team.group_sale_salesman",
        )
        cls.other_salesman = new_test_user(
            cls.env,
            login="reoffer_other",
            groups="sales_team.group_sale_salesman",
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Later Ltd", "is_company": True, "email": "buy@later.example"}
        )
        cls.not_now = cls.env.ref("customer_value.crm_lost_reason_not_now")
        cls.no_budget = cls.env.ref("customer_value.crm_lost_reason_no_budget")

    def _lead(self, user=None, name="Suite for 20 seats"):
        return (
            self.env["crm.lead"]
            .with_user(user or self.salesman)
            .create(
                {
                    "name": name,
                    "type": "opportunity",
                    "partner_id": self.customer.id,
                    "expected_revenue": 12000,
                    "description": "<p>Wants the Pro plan</p>",
                }
            )
        )

    def _lose(self, lead, reason):
        """Through the Lost dialog, as its salesperson; returns the re-offer
        date the dialog showed."""
        wizard = Form(
            self.env["crm.lead.lost"]
            .with_user(lead.user_id)
            .with_context(default_lead_ids=lead.ids)
        )
        wizard.lost_reason_id = reason
        shown = wizard.reoffer_date
        wizard.save().action_lost_reason_apply()
        return shown

    def test_data_reasons(self):
        self.assertEqual(
            (self.not_now.reoffer_after_months, self.no_budget.reoffer_after_months),
            (3, 6),
        )
        with self.assertRaisesRegex(ValidationError, "re-offer after 0"):
            self.not_now.reoffer_after_months = -1

    def test_the_lost_dialog_shows_the_date_and_the_lead_keeps_it(self):
        lead = self._lead()
        shown = self._lose(lead, self.not_now)
        today = fields.Date.context_today(lead)
        self.assertEqual(shown, today + relativedelta(months=3))
        self.assertFalse(lead.active)
        self.assertEqual(
            lead.reoffer_date, lead.date_closed.date() + relativedelta(months=3)
        )
        # a reason without a delay never comes back
        other = self._lead(name="Other deal")
        shown = self._lose(other, self.env.ref("crm.lost_reason_1"))
        self.assertFalse(shown)
        self.assertFalse(other.reoffer_date)

    def test_offered_again_once_when_the_time_has_come(self):
        with freeze_time("2026-03-10 09:00:00"):
            lead = self._lead()
            self._lose(lead, self.not_now)
        self.assertEqual(str(lead.reoffer_date), "2026-06-10")
        Lead = self.env["crm.lead"]
        with freeze_time("2026-06-09 09:00:00"):
            self.assertFalse(Lead._cron_reoffer(), "not yet")
        with freeze_time("2026-06-10 09:00:00"):
            self.assertEqual(Lead._cron_reoffer(), lead)
            Lead._cron_reoffer()  # a second run offers nothing again
        new = Lead.search([("reoffer_of_id", "=", lead.id)])
        self.assertEqual(len(new), 1)
        self.assertEqual(
            (new.name, new.partner_id, new.user_id, new.type, new.expected_revenue),
            (
                "Re-offer: Suite for 20 seats",
                self.customer,
                self.salesman,
                "opportunity",
                12000,
            ),
        )
        self.assertIn("Not now", new.description)
        self.assertIn("Wants the Pro plan", new.description)
        [activity] = new.activity_ids
        self.assertEqual(
            (activity.activity_type_id, activity.user_id, str(activity.date_deadline)),
            (
                self.env.ref("customer_value.mail_activity_reoffer"),
                self.salesman,
                "2026-06-10",
            ),
        )
        self.assertEqual(lead.reoffer_ids, new)
        # lost again (archived): the first lead is still offered only once
        self._lose(new, self.env.ref("crm.lost_reason_1"))
        with freeze_time("2026-07-10 09:00:00"):
            self.assertFalse(Lead._cron_reoffer())
        # the salesperson sees the new opportunity and where it comes from
        self.assertEqual(new.with_user(self.salesman).reoffer_of_id.name, lead.name)

    def test_in_the_salespersons_language(self):
        self.env["res.lang"]._activate_lang("pt_BR")
        self.env["ir.module.module"]._load_module_terms(["customer_value"], ["pt_BR"])
        self.salesman.lang = "pt_BR"
        with freeze_time("2026-03-10 09:00:00"):
            lead = self._lead()
            self._lose(lead, self.not_now)
        with freeze_time("2026-06-10 09:00:00"):
            self.env["crm.lead"]._cron_reoffer()
        new = lead.reoffer_ids
        self.assertEqual(new.name, "Nova oferta: Suite for 20 seats")
        self.assertIn("Perdido em 10/03/2026: Agora não.", new.description)
        self.assertEqual(
            new.activity_ids.summary, 'Oferecer de novo: o cliente disse "agora não"'
        )

    def test_restoring_the_lost_lead_cancels_its_reoffer(self):
        with freeze_time("2026-03-10 09:00:00"):
            lead = self._lead()
            self._lose(lead, self.no_budget)
        self.assertEqual(str(lead.reoffer_date), "2026-09-10")
        lead.with_user(self.salesman).action_unarchive()
        self.assertFalse(lead.reoffer_date)
        with freeze_time("2026-10-01 09:00:00"):
            self.assertFalse(self.env["crm.lead"]._cron_reoffer())

    def test_batches_and_an_inactive_salesperson(self):
        with freeze_time("2026-01-05 09:00:00"):
            leads = self._lead(name="A") | self._lead(name="B") | self._lead(name="C")
            for lead in leads:
                self._lose(lead, self.not_now)
        self.salesman.active = False
        Lead = self.env["crm.lead"]
        with freeze_time("2026-04-06 09:00:00"):
            self.assertEqual(len(Lead._cron_reoffer(batch_size=2)), 2)
            self.assertEqual(len(Lead._cron_reoffer(batch_size=2)), 1)
            self.assertFalse(Lead._cron_reoffer(batch_size=2))
        new = Lead.search([("reoffer_of_id", "in", leads.ids)])
        self.assertEqual(len(new), 3)
        self.assertFalse(new.user_id, "not given to an archived user")
        # nor to the superuser running the job: said on the new leads instead
        self.assertFalse(new.activity_ids)
        for lead in new:
            self.assertIn("No active salesperson", lead.message_ids[0].body)

    def test_the_reoffer_activity_falls_back_to_the_companys_responsible(self):
        with freeze_time("2026-01-05 09:00:00"):
            lead = self._lead()
            self._lose(lead, self.not_now)
        self.salesman.active = False
        self.env.company.feedback_followup_user_id = self.other_salesman
        with freeze_time("2026-04-06 09:00:00"):
            self.env["crm.lead"]._cron_reoffer()
        self.assertFalse(lead.reoffer_ids.user_id)
        self.assertEqual(lead.reoffer_ids.activity_ids.user_id, self.other_salesman)

    @mute_logger("odoo.addons.customer_value.models.crm_lead")
    def test_a_lead_that_cannot_be_offered_again_does_not_stop_the_others(self):
        elsewhere = self.env["res.company"].create({"name": "Elsewhere"})
        moved = self.env["res.partner"].create(
            {"name": "Moved Ltd", "is_company": True}
        )
        with freeze_time("2026-01-05 09:00:00"):
            fine = self._lead(name="Fine")
            broken = self._lead(name="Broken")
            broken.write({"partner_id": moved.id, "company_id": self.env.company.id})
            for lead in fine | broken:
                self._lose(lead, self.not_now)
        # the customer now belongs to another company: no opportunity of ours
        moved.company_id = elsewhere
        Lead = self.env["crm.lead"]
        with freeze_time("2026-04-06 09:00:00"):
            self.assertEqual(Lead._cron_reoffer(), fine | broken)
            self.assertFalse(Lead._cron_reoffer(), "not tried again")
        self.assertEqual(len(fine.reoffer_ids), 1)
        self.assertFalse(broken.reoffer_ids)
        self.assertFalse(broken.reoffer_date)
        self.assertIn("Not offered again", broken.message_ids[0].body)

    def test_a_new_delay_moves_the_pending_reoffers(self):
        reason = self.env["crm.lost.reason"].create(
            {"name": "Later", "reoffer_after_months": 3}
        )
        with freeze_time("2026-01-05 09:00:00"):
            pending = self._lead(name="Pending")
            offered = self._lead(name="Offered")
            for lead in pending | offered:
                self._lose(lead, reason)
        with freeze_time("2026-04-05 09:00:00"):
            self.env["crm.lead"].browse(offered.ids)._reoffer()
        reason.reoffer_after_months = 6
        self.assertEqual(str(pending.reoffer_date), "2026-07-05")
        self.assertEqual(str(offered.reoffer_date), "2026-04-05", "offered already")
        reason.reoffer_after_months = 0  # never
        self.assertFalse(pending.reoffer_date)
        with freeze_time("2026-08-05 09:00:00"):
            self.assertFalse(self.env["crm.lead"]._cron_reoffer())

    def test_due_list_and_win_rate(self):
        mine = self._lead()
        theirs = self._lead(user=self.other_salesman, name="Their deal")
        with freeze_time(fields.Date.today() - relativedelta(months=3, days=-10)):
            self._lose(mine, self.not_now)
            self._lose(theirs, self.not_now)
        action = self.env.ref("customer_value.crm_lead_action_reoffer_due")
        domain = [
            ("active", "=", False),
            ("reoffer_date", "!=", False),
            ("reoffer_date", "<=", fields.Date.today() + relativedelta(days=30)),
            ("reoffer_ids", "=", False),
        ]
        self.assertIn("reoffer_ids", action.domain)
        Lead = self.env["crm.lead"].with_context(active_test=False)
        self.assertEqual(Lead.search(domain) & (mine | theirs), mine | theirs)
        # "own documents": the salesman's own lost leads only
        self.assertEqual(
            Lead.with_user(self.salesman).search(domain) & (mine | theirs), mine
        )
        new = self.env["crm.lead"].browse((mine | theirs).ids)._reoffer()
        won = new.filtered(lambda lead: lead.reoffer_of_id == mine)
        won.action_set_won()
        # the leads that are no re-offer are left out of the average
        plain = self._lead(name="Not a re-offer")
        [(rate,)] = self.env["crm.lead"]._read_group(
            [("id", "in", (new | plain).ids)], aggregates=["reoffer_win_rate:avg"]
        )
        self.assertEqual(rate, 50.0)
        self.assertFalse(Lead.search(domain) & (mine | theirs), "offered already")

    def _action_leads(self, xmlid, user=None):
        """The lost leads an action lists, as ``user`` (its domain evaluated as
        the web client does)."""
        action = self.env.ref(xmlid)
        domain = safe_eval(
            action.domain,
            {
                "context_today": lambda: fields.Date.context_today(self.env.user),
                "relativedelta": relativedelta,
            },
        )
        Lead = self.env["crm.lead"].with_context(active_test=False)
        return Lead.with_user(user or self.env.user).search(domain)

    def test_upcoming_list_goes_beyond_30_days(self):
        soon, later, offered = (
            self._lead(name=name) for name in ("Soon", "Later", "Offered")
        )
        theirs = self._lead(user=self.other_salesman, name="Their later deal")
        with freeze_time(fields.Date.today() - relativedelta(months=3, days=-10)):
            self._lose(soon, self.not_now)  # back within 30 days
            self._lose(offered, self.not_now)
        self._lose(later, self.no_budget)  # back in 6 months
        self._lose(theirs, self.no_budget)
        offered._reoffer()
        leads = soon | later | offered | theirs
        due = self._action_leads("customer_value.crm_lead_action_reoffer_due")
        self.assertEqual(due & leads, soon)
        upcoming = self._action_leads("customer_value.crm_lead_action_reoffer_upcoming")
        self.assertEqual(upcoming & leads, soon | later | theirs)
        # "own documents": the salesman's own lost leads only, from his menu
        mine = self._action_leads(
            "customer_value.crm_lead_action_reoffer_upcoming", self.salesman
        )
        self.assertEqual(mine & leads, soon | later)
        menu = self.env.ref("customer_value.crm_lead_reoffer_upcoming_menu")
        self.assertEqual(menu.parent_id, self.env.ref("crm.crm_menu_sales"))
        self.assertIn(
            menu.id,
            self.env["ir.ui.menu"].with_user(self.salesman)._visible_menu_ids(),
        )

    def test_demo(self):
        not_now = self.env.ref("customer_value.crm_lead_not_now_demo")
        self.assertEqual(len(not_now.reoffer_ids), 1, "offered again at install")
        self.assertTrue(not_now.reoffer_ids.activity_ids)
        no_budget = self.env.ref("customer_value.crm_lead_no_budget_demo")
        self.assertFalse(no_budget.reoffer_ids)
        due = self.env.ref("customer_value.crm_lead_action_reoffer_due")
        self.assertIn(
            no_budget,
            self.env["crm.lead"]
            .with_context(active_test=False)
            .search(
                [
                    ("active", "=", False),
                    ("reoffer_ids", "=", False),
                    (
                        "reoffer_date",
                        "<=",
                        fields.Date.today() + relativedelta(days=30),
                    ),
                ]
            ),
            due.name,
        )
