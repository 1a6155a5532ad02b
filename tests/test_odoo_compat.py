# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""What Odoo's own flows keep doing with the addon installed: companies are
created with its settings however they are created, referred leads can be
deleted, and the CRM's lead assignment costs what it costs without it.

scripts/odoo_tests runs Odoo's own tests (crm, sale_crm, sale_loyalty, sale,
account, survey, mail) with and without the addon; these pin the causes of
the failures it found."""

from odoo.tests import Form, TransactionCase, new_test_user, tagged
from odoo.tools import SQL

from .test_customer_referral import ReferralCase

# Queries of TestLeadWriteQueries on stock Odoo 18, without customer_value,
# measured in a database with the addon's dependencies only (the same steps
# in an Odoo shell): 20 leads written one by one, as the CRM's assignment
# does. The addon adds one query per batch: reading the leads' referrals
# (referral_ids, for the referrals' state and salesperson), once for the 20.
STOCK_ONE_BY_ONE = 152
STOCK_CONVERT = 96
REFERRALS_READ = 1


@tagged("post_install", "-at_install")
class TestCompanyCreation(TransactionCase):
    """A multi-company administrator creates a company: the addon's settings
    get their defaults, on the form and by a plain create."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = new_test_user(
            cls.env,
            login="compat_admin",
            groups="base.group_erp_manager,base.group_multi_company,"
            "sales_team.group_sale_manager",
        )

    def _assert_defaults(self, company):
        self.assertRecordValues(
            company,
            [
                {
                    "referral_assignment": "salesperson",
                    "referral_won_on": "order",
                    "referral_names_count": 3,
                    "referral_names_period_days": 365,
                    "referral_portal_daily_cap": 10,
                    "feedback_throttle_days": 30,
                    "feedback_expiry_days": 30,
                    "health_at_risk_below": 80,
                    "health_critical_below": 40,
                    "contact_cadence_days": 30,
                }
            ],
        )

    def test_company_form(self):
        form = Form(self.env["res.company"].with_user(self.admin))
        form.name = "Compat Form Company"
        company = form.save()
        self._assert_defaults(company)

    def test_company_create(self):
        company = (
            self.env["res.company"]
            .with_user(self.admin)
            .create(
                {
                    "name": "Compat Created Company",
                    "currency_id": self.env.ref("base.EUR").id,
                }
            )
        )
        self._assert_defaults(company)
        # and its sales team, as crm's own tests make one
        team = (
            self.env["crm.team"]
            .with_user(self.admin)
            .with_company(company)
            .create({"name": "Compat Team", "company_id": company.id})
        )
        self.assertEqual(team.company_id, company)

    def test_columns_default_in_the_database(self):
        """The addon's required fields on other modules' tables default in
        PostgreSQL too: Odoo runs the at-install tests of the modules below
        the addon (crm's, when its tests run in a database with the addon)
        with a registry that does not know them, and the rows it inserts (a
        company) must get the default, never a NOT NULL violation."""
        missing = []
        for model in self.env.registry.values():
            if (
                model._abstract
                or model._transient
                or not model._auto
                or model._original_module == "customer_value"
            ):
                continue
            for field in model._fields.values():
                if field._module != "customer_value" or not (
                    field.store and field.column_type and field.required
                ):
                    continue
                self.env.cr.execute(
                    SQL(
                        "SELECT column_default FROM information_schema.columns "
                        "WHERE table_name = %s AND column_name = %s",
                        model._table,
                        field.name,
                    )
                )
                [[column_default]] = self.env.cr.fetchall()
                if column_default is None:
                    missing.append(f"{model._name}.{field.name}")
        self.assertFalse(missing, "required without a default in the database")

    def test_company_inserted_without_the_addon(self):
        """A company inserted by a registry that does not know the addon gets
        its settings: its INSERT names none of the addon's columns, which
        take their DEFAULT (given here explicitly to an existing row)."""
        company = self.env["res.company"].create({"name": "Compat Base"})
        columns = (
            "referral_assignment",
            "referral_won_on",
            "contact_cadence_days",
            "referral_names_count",
        )
        self.env.cr.execute(
            SQL(
                "UPDATE res_company SET %s WHERE id = %s",
                SQL(", ").join(
                    SQL("%s = DEFAULT", SQL.identifier(column)) for column in columns
                ),
                company.id,
            )
        )
        company.invalidate_recordset()
        self.assertEqual(company.referral_assignment, "salesperson")
        self.assertEqual(company.referral_won_on, "order")
        self.assertEqual(company.contact_cadence_days, 30)
        self.assertEqual(company.referral_names_count, 3)


@tagged("post_install", "-at_install")
class TestReferredLeadDeletion(ReferralCase):
    """crm's tests delete all the leads (demo leads included, some referred):
    a referred lead is deleted, its referral keeps what it had become."""

    def test_sales_manager_deletes_a_referred_lead(self):
        results = self._submit(
            {"name": "Won Then Deleted", "email": "wtd@compat.example"},
            {"name": "Pending Then Deleted", "email": "ptd@compat.example"},
        )
        won, pending = (self._referral(result) for result in results)
        won.lead_id.with_user(self.salesman).action_set_won()
        self.assertEqual(won.state, "won")
        leads = won.lead_id | pending.lead_id
        leads.with_user(self.manager).unlink()
        self.assertFalse(leads.exists(), "the leads are gone")
        self.assertFalse(won.lead_id)
        self.assertEqual(won.state, "won", "what it had become stays")
        self.assertEqual(pending.state, "lost", "nobody pursues it any more")
        self.assertEqual(won.deleted_lead_state, "won")

    def test_lead_deleted_without_the_addon(self):
        """A registry that does not know the addon (crm's at-install tests)
        deletes a referred lead by SQL: the referral loses its lead, the
        deletion is not refused."""
        [result] = self._submit({"name": "Raw Delete", "email": "raw@compat.example"})
        referral = self._referral(result)
        lead = referral.lead_id
        self.env.flush_all()
        self.env.cr.execute(SQL("DELETE FROM crm_lead WHERE id = %s", lead.id))
        self.env.invalidate_all()
        self.assertFalse(lead.exists())
        self.assertFalse(referral.lead_id)


@tagged("post_install", "-at_install")
class TestLeadWriteQueries(TransactionCase):
    """Writing the salesperson and team of leads, and converting them, as the
    CRM's assignment does (lead by lead), costs what it costs on stock Odoo:
    the referrals of the leads are found through the leads' referral_ids,
    read once for the batch, not searched lead by lead."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env, login="qc_manager", groups="sales_team.group_sale_manager"
        )
        cls.salesman = new_test_user(
            cls.env, login="qc_salesman", groups="sales_team.group_sale_salesman"
        )
        cls.team = cls.env["crm.team"].create({"name": "QC Team", "alias_name": False})
        cls.leads = cls.env["crm.lead"].create(
            [
                {
                    "name": f"QC lead {i}",
                    "type": "lead",
                    "email_from": f"qc{i}@x.example",
                }
                for i in range(21)
            ]
        )

    def test_lead_by_lead_assignment(self):
        leads = self.leads.with_user(self.manager).with_context(
            mail_auto_subscribe_no_notify=True
        )
        # warm-up (the caches the tests before left or not): one lead more
        warm, leads = leads[0], leads[1:]
        warm.write({"user_id": self.salesman.id, "team_id": self.team.id})
        warm.write({"type": "opportunity"})
        self.env.invalidate_all()
        with self.assertQueryCount(STOCK_ONE_BY_ONE + REFERRALS_READ):
            for lead in leads:
                lead.write({"user_id": self.salesman.id, "team_id": self.team.id})
        self.assertEqual(self.leads.user_id, self.salesman)
        self.env.invalidate_all()
        with self.assertQueryCount(STOCK_CONVERT + REFERRALS_READ):
            for lead in leads:
                lead.write({"type": "opportunity"})
        self.assertEqual(set(self.leads.mapped("type")), {"opportunity"})


@tagged("post_install", "-at_install")
class TestOdooRunnerSeesEveryTest(TransactionCase):
    def test_every_test_module_is_imported(self):
        """Odoo's own runner (--test-tags /customer_value, OCA's CI) runs
        only the test modules that tests/__init__.py imports; pytest finds
        the files itself, so a forgotten import went unnoticed."""
        from pathlib import Path

        from odoo.addons.customer_value import tests

        folder = Path(tests.__file__).parent
        files = {path.stem for path in folder.glob("test_*.py")}
        imported = {name for name in vars(tests) if name.startswith("test_")}
        self.assertEqual(files - imported, set())
