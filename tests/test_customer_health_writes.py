# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The nightly health job and the customers' rows: a customer's row is
written only when its health changed; the activities of customers without a
salesperson go to the company's responsible, or to nobody (never to the
administrator); a customer whose activity fails does not stop the batch."""

from datetime import date, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from .subscription_common import SubscriptionCommon


@tagged("post_install", "-at_install")
class TestCustomerHealthWrites(SubscriptionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.customers = Partner.create(
            [{"name": f"Writes {i}", "is_company": True} for i in range(5)]
        )
        voucher_type = cls.env["customer.voucher.type"].create(
            {"name": "Writes", "value": 100.0, "validity_days": 365}
        )
        # one voucher unused each: 95 points, healthy
        cls.env["customer.voucher"].create(
            [
                {"type_id": voucher_type.id, "partner_id": customer.id}
                for customer in cls.customers
            ]
        )
        Partner._note_contact(cls.customers.ids)
        cls.critical_type = cls.env.ref("customer_value.mail_activity_health_critical")
        cls.responsible = new_test_user(
            cls.env,
            login="health_responsible",
            groups="sales_team.group_sale_salesman_all_leads",
            company_id=cls.company.id,
        )

    def _rows_written(self):
        """The res_partner rows this transaction updated so far."""
        self.env.flush_all()
        return self.env.execute_query(
            SQL(
                "SELECT n_tup_upd FROM pg_stat_xact_user_tables "
                "WHERE relname = 'res_partner'"
            )
        )[0][0]

    def _row_versions(self, partners):
        """The physical version of each row: an update makes a new one."""
        self.env.flush_all()
        return dict(
            self.env.execute_query(
                SQL(
                    "SELECT id, ctid::text FROM res_partner WHERE id IN %s",
                    tuple(partners.ids),
                )
            )
        )

    def _compute(self):
        before = self._rows_written()
        written = self.customers.sudo()._compute_health()
        return written, self._rows_written() - before

    def _all_critical(self):
        self.company.write({"health_at_risk_below": 100, "health_critical_below": 100})

    def test_a_row_is_written_only_when_its_health_changes(self):
        with freeze_time("2026-11-02"):
            written, rows = self._compute()
            self.assertEqual(written, self.customers, "first computation")
            self.assertEqual(rows, 5)
            self.assertEqual(set(self.customers.mapped("health_score")), {95})
        with freeze_time("2026-11-03"):
            versions = self._row_versions(self.customers)
            written, rows = self._compute()
            self.assertFalse(written, "nothing changed")
            self.assertEqual(rows, 0)
            self.assertEqual(self._row_versions(self.customers), versions)
            # the health changed on the 2nd; it was computed again on the 3rd
            self.assertEqual(
                set(self.customers.mapped("health_date")), {date(2026, 11, 2)}
            )
            snapshots = self.env["customer.health.snapshot"].search(
                [("partner_id", "in", self.customers.ids)]
            )
            self.assertEqual(len(snapshots), 5)
            self.assertEqual(set(snapshots.mapped("date")), {date(2026, 11, 3)})
        with freeze_time("2026-11-04"):
            self.company.health_at_risk_below = 96
            written, rows = self._compute()
            self.assertEqual(written, self.customers, "all turned at risk")
            self.assertEqual(rows, 5)
            self.assertEqual(set(self.customers.mapped("health_state")), {"at_risk"})
            self.assertEqual(
                set(self.customers.mapped("health_date")), {date(2026, 11, 4)}
            )

    def test_the_job_goes_by_the_day_of_the_snapshot(self):
        Partner = self.env["res.partner"]

        def run():
            done = Partner
            while batch := Partner._cron_compute_health(batch_size=500):
                done |= batch
            return done

        with freeze_time("2026-11-02"):
            self.assertLessEqual(self.customers, run())
            self.assertFalse(run(), "all computed today")
        with freeze_time("2026-11-03"):
            versions = self._row_versions(self.customers)
            self.assertLessEqual(self.customers, run(), "computed again")
            self.assertEqual(
                self._row_versions(self.customers), versions, "and not written"
            )
            self.assertFalse(run())

    def _critical_activities(self, partners):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "in", partners.ids),
                ("activity_type_id", "=", self.critical_type.id),
            ]
        )

    def test_customers_without_a_salesperson_never_go_to_the_administrator(self):
        admin = self.env.ref("base.user_admin")
        owned, orphan, later = self.customers[0], self.customers[1], self.customers[2]
        owned.user_id = self.salesman
        self._all_critical()
        with freeze_time("2026-11-02"):
            (owned | orphan).with_user(self.salesman).action_compute_health()
        self.assertEqual(self._critical_activities(owned).user_id, self.salesman)
        self.assertEqual(orphan.health_state, "critical")
        self.assertFalse(self._critical_activities(orphan), "for nobody")
        self.assertNotIn(admin.partner_id, orphan.message_partner_ids)
        self.assertNotIn(self.env.user.partner_id, orphan.message_partner_ids)
        # with a responsible: theirs, without following the customer
        self.company.customer_responsible_id = self.responsible
        with freeze_time("2026-11-03"):
            later.with_user(self.salesman).action_compute_health()
        activity = self._critical_activities(later)
        self.assertEqual(activity.user_id, self.responsible)
        self.assertNotIn(self.responsible.partner_id, later.message_partner_ids)
        # the customers without a salesperson are listed
        orphans = self.env["res.partner"].search(
            [("id", "in", self.customers.ids), ("user_id", "=", False)]
        )
        self.assertIn(orphan, orphans)
        self.assertNotIn(owned, orphans)

    def test_an_archived_responsible_gets_nothing(self):
        self.company.customer_responsible_id = self.responsible
        self.responsible.active = False
        self._all_critical()
        with freeze_time("2026-11-02"):
            self.customers[0].with_user(self.salesman).action_compute_health()
        self.assertEqual(self.customers[0].health_state, "critical")
        self.assertFalse(self._critical_activities(self.customers[0]))

    def test_a_failing_activity_does_not_stop_the_batch(self):
        self.customers.user_id = self.salesman
        self._all_critical()
        broken = self.customers[2]
        Activity = type(self.env["mail.activity"])
        create = Activity.create

        def failing_create(records, vals_list):
            if any(
                vals.get("res_id") == broken.id
                for vals in ([vals_list] if isinstance(vals_list, dict) else vals_list)
            ):
                # a database error, as a deleted user would raise
                records.env.cr.execute("SELECT 1 / 0")
            return create(records, vals_list)

        with (
            freeze_time("2026-11-02"),
            patch.object(Activity, "create", failing_create),
            self.assertLogs(
                "odoo.addons.customer_value.models.res_partner", "WARNING"
            ) as logs,
        ):
            self.env["res.partner"]._cron_compute_health(batch_size=500)
        self.assertTrue(
            [line for line in logs.output if f"on customer {broken.id}" in line]
        )
        self.assertFalse(self._critical_activities(broken))
        self.assertEqual(
            set(self._critical_activities(self.customers).mapped("res_id")),
            set((self.customers - broken).ids),
        )
        self.assertEqual(
            set(self.customers.mapped("health_state")), {"critical"}, "all computed"
        )

    def test_contact_rhythm_selects_only_customers_someone_can_be_given(self):
        """Needs the change of res_partner_contact.py (h4-res_partner_contact.patch):
        customers nobody can be given a check-in are not selected again and
        again (the cron would call itself back forever with 1,000 of them)."""
        Partner = self.env["res.partner"]
        owned, orphan = self.customers[:2]
        owned.user_id = self.salesman
        selected = []
        schedule = type(Partner)._schedule_owner_activities

        def spy(partners, *args, **kwargs):
            selected.append(partners)
            return schedule(partners, *args, **kwargs)

        with (
            freeze_time(date.today() + timedelta(days=40)),
            patch.object(type(Partner), "_schedule_owner_activities", spy),
        ):
            Partner._cron_contact_rhythm(batch_size=10000)
            self.assertIn(owned, selected[-1])
            self.assertNotIn(orphan, selected[-1])
            self.company.customer_responsible_id = self.responsible
            Partner._cron_contact_rhythm(batch_size=10000)
            self.assertIn(orphan, selected[-1])
        check_in = self.env.ref("customer_value.mail_activity_check_in")
        activity = orphan.activity_ids.filtered(
            lambda a: a.activity_type_id == check_in
        )
        self.assertEqual(activity.user_id, self.responsible)
        self.assertNotIn(self.responsible.partner_id, orphan.message_partner_ids)
