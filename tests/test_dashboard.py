# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The Customer Value dashboard (spreadsheet_dashboard): every data source of
its spreadsheet names fields that exist and group or aggregate as used, the
demo data fills each of them, only sales managers see it, and it loads in the
browser."""

import base64
import json

from freezegun import freeze_time

from odoo import Command
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged

from .subscription_common import SubscriptionCommon


def dashboard_json(env):
    dashboard = env.ref("customer_value.spreadsheet_dashboard_customer_value")
    return json.loads(base64.b64decode(dashboard.spreadsheet_binary_data))


def data_sources(spreadsheet):
    """(name, model, domain, measures, groupbys) of each chart, pivot and
    list, and the fields each list shows."""
    for sheet in spreadsheet["sheets"]:
        for figure in sheet["figures"]:
            meta = figure["data"]["metaData"]
            yield (
                figure["id"],
                meta["resModel"],
                figure["data"]["searchParams"]["domain"],
                [meta["measure"]],
                meta["groupBy"],
            )
    for pivot in spreadsheet["pivots"].values():
        yield (
            pivot["name"],
            pivot["model"],
            pivot["domain"],
            [measure["fieldName"] for measure in pivot["measures"]],
            [
                f"{row['fieldName']}:{row['granularity']}"
                if row.get("granularity")
                else row["fieldName"]
                for row in pivot["rows"] + pivot["columns"]
            ],
        )


@tagged("post_install", "-at_install")
class TestDashboard(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.spreadsheet = dashboard_json(cls.env)

    def test_data_sources_name_real_fields(self):
        sources = list(data_sources(self.spreadsheet))
        self.assertEqual(len(sources), 7, "six charts and the MRR bridge")
        for name, model, domain, measures, groupbys in sources:
            with self.subTest(source=name):
                fields = self.env[model].fields_get(
                    attributes=["groupable", "aggregator", "store"]
                )
                for measure in measures:
                    if measure != "__count":
                        self.assertTrue(fields[measure].get("aggregator"), measure)
                for groupby in groupbys:
                    self.assertTrue(fields[groupby.split(":")[0]]["groupable"], groupby)
                # the spreadsheet runs exactly this read_group
                self.env[model].read_group(domain, measures, groupbys, lazy=False)
        for data_list in self.spreadsheet["lists"].values():
            fields = self.env[data_list["model"]].fields_get()
            for column in data_list["columns"]:
                self.assertIn(column, fields)
            self.env[data_list["model"]].search_read(
                data_list["domain"], data_list["columns"]
            )

    def test_demo_data_fills_every_chart_and_table(self):
        """On the demo database each chart, the MRR bridge and the goals have
        figures to show (the tour checks the browser draws them)."""
        self.assertTrue(self.env.ref("customer_value.goal_nps_year"))
        for name, model, domain, measures, groupbys in data_sources(self.spreadsheet):
            with self.subTest(source=name):
                groups = self.env[model].read_group(
                    domain, measures, groupbys, lazy=False
                )
                self.assertTrue(groups, f"{name}: no demo figures")
        [goals] = self.spreadsheet["lists"].values()
        self.assertGreaterEqual(self.env[goals["model"]].search_count([]), 5)

    def test_clear_at_a_glance(self):
        """No "(#1) MRR Bridge" in the grid (the pivot's own header is off,
        the measures head their columns), the months oldest first as in the
        charts, and a goal's baseline of 0 is not shown like no baseline."""
        [sheet] = self.spreadsheet["sheets"]
        cells = {ref: cell.get("content", "") for ref, cell in sheet["cells"].items()}
        pivots = [c for c in cells.values() if c.startswith("=PIVOT(")]
        self.assertEqual(pivots, ["=PIVOT(1,13,FALSE,FALSE)"], "no pivot title")
        [pivot] = self.spreadsheet["pivots"].values()
        self.assertEqual(
            [cells[f"{col}47"] for col in "BCDEFGHIJ"],
            [
                f'=PIVOT.HEADER(1,"measure","{measure["fieldName"]}")'
                for measure in pivot["measures"]
            ],
        )
        self.assertEqual(
            {
                row.get("order", "asc")
                for row in pivot["rows"]
                if row.get("granularity")
            },
            {"asc"},
            "months in the order of the charts",
        )
        for figure in sheet["figures"]:
            self.assertFalse(figure["data"]["metaData"].get("order"))
        self.assertEqual(
            cells["D64"],
            '=IF(ODOO.LIST(1,1,"has_baseline"),ODOO.LIST(1,1,"baseline_value")+0,"")',
        )
        self.assertEqual(
            cells["F64"],
            '=IF(ODOO.LIST(1,1,"has_current"),ODOO.LIST(1,1,"current_value")+0,"")',
        )

    def test_only_sales_managers_see_it(self):
        manager = new_test_user(
            self.env, login="dash_manager", groups="sales_team.group_sale_manager"
        )
        salesman = new_test_user(
            self.env, login="dash_salesman", groups="sales_team.group_sale_salesman"
        )
        dashboard = self.env.ref("customer_value.spreadsheet_dashboard_customer_value")
        Dashboard = self.env["spreadsheet.dashboard"]
        self.assertIn(dashboard, Dashboard.with_user(manager).search([]))
        self.assertNotIn(dashboard, Dashboard.with_user(salesman).search([]))
        self.assertEqual(dashboard.dashboard_group_id.name, "Sales")


@tagged("post_install", "-at_install")
class TestDashboardMrrPerCompany(SubscriptionCommon):
    def test_mrr_is_shown_per_company_never_added_across(self):
        """A manager of two companies sees each company's opening and closing
        MRR, not the largest of the two, and no total adds their currencies."""
        first = self._known_quarter("Dash Co 1")  # closing 250 from March on
        second = self.env["res.company"].create(
            {"name": "Dash Co 2", "currency_id": self.currency.id}
        )
        self.env.user.company_ids |= second
        partner = self.env["res.partner"].create(
            {"name": "D", "is_company": True, "company_id": second.id}
        )
        with freeze_time("2026-01-10"):
            self._subscription(
                [(self.enterprise, 1)], partner=partner, company_id=second.id
            )  # closing 100
        self.env.flush_all()
        companies = first | second
        manager = new_test_user(
            self.env,
            login="dash_mrr_manager",
            groups="sales_team.group_sale_manager",
            company_id=first.id,
            company_ids=[Command.set(companies.ids)],
        )
        Report = (
            self.env["sale.subscription.mrr.report"]
            .with_user(manager)
            .with_context(allowed_company_ids=companies.ids)
        )
        spreadsheet = dashboard_json(self.env)
        sources = [
            source for source in data_sources(spreadsheet) if source[1] == Report._name
        ]
        self.assertEqual(len(sources), 2, "the closing MRR chart and the bridge")
        for name, _model, domain, measures, groupbys in sources:
            with self.subTest(source=name):
                groups = Report.read_group(
                    [*domain, ("date", "=", "2026-04-01")],
                    measures,
                    groupbys,
                    lazy=False,
                )
                self.assertEqual(
                    {
                        group["company_id"][0]: (
                            group["closing_mrr"],
                            group.get("opening_mrr", group["closing_mrr"]),
                        )
                        for group in groups
                        if group.get("company_id")
                    },
                    {first.id: (250.0, 250.0), second.id: (100.0, 100.0)},
                )
        # no chart or table adds amounts of different companies (currencies)
        for name, model, _domain, measures, groupbys in data_sources(spreadsheet):
            fields_ = self.env[model]._fields
            if any(fields_.get(m) and fields_[m].type == "monetary" for m in measures):
                with self.subTest(source=name):
                    self.assertIn("company_id", groupbys)
        # the bridge's table shows no total (it would add the currencies)
        [sheet] = spreadsheet["sheets"]
        self.assertEqual(sheet["cells"]["A48"]["content"], "=PIVOT(1,13,FALSE,FALSE)")


@tagged("post_install", "-at_install")
class TestDashboardUi(HttpCase):
    def test_dashboard_loads_in_the_browser(self):
        self.start_tour(
            "/odoo/action-spreadsheet_dashboard.ir_actions_dashboard_action",
            "customer_value_dashboard",
            login="admin",
        )
