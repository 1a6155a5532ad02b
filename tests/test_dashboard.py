# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The Customer Value dashboard (spreadsheet_dashboard): every data source of
its spreadsheet names fields that exist and group or aggregate as used, the
demo data fills each of them, only sales managers see it, and it loads in the
browser."""

import base64
import json
import re

from freezegun import freeze_time

from odoo import Command
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged

from .subscription_common import SubscriptionCommon


def dashboard_json(env):
    dashboard = env.ref("customer_value.spreadsheet_dashboard_customer_value")
    return json.loads(base64.b64decode(dashboard.spreadsheet_binary_data))


HEALTH_COLOURS = {"healthy": "#28A745", "at_risk": "#F0AD4E", "critical": "#DC3545"}
HEALTH_CHARTS = {
    # figure id: (the field of its pivot, is it by month)
    "4da5a0ba-c284-5e2b-84e6-83986f1af21f": ("health_state", False),
    "b8adc83c-c2e8-59cd-bd6f-c9e3c2696629": ("state", True),
}
PERIOD_FILTER = "6489a551-6c6a-5696-918c-c3d37d7bf327"


def dashboard_sheet(spreadsheet):
    [sheet] = [s for s in spreadsheet["sheets"] if s.get("isVisible", True)]
    return sheet


def range_cells(spreadsheet, reference):
    """The formulas of the cells of a chart's range ("'Sheet'!B4:B10"), top
    to bottom."""
    sheet_name, xc = reference.rsplit("!", 1)
    [sheet] = [s for s in spreadsheet["sheets"] if s["name"] == sheet_name.strip("'")]
    col, top, col2, bottom = re.fullmatch(r"([A-Z]+)(\d+):([A-Z]+)(\d+)", xc).groups()
    assert col == col2, f"{reference}: one column"
    return [
        sheet["cells"].get(f"{col}{row}", {}).get("content", "")
        for row in range(int(top), int(bottom) + 1)
    ]


def chart_pivots(spreadsheet, figure):
    """The ids of the pivots whose formulas feed a plain (not Odoo) chart."""
    ranges = [ds["dataRange"] for ds in figure["data"]["dataSets"]]
    ranges += [figure["data"]["labelRange"]] if figure["data"].get("labelRange") else []
    return {
        pivot_id
        for reference in ranges
        for formula in range_cells(spreadsheet, reference)
        for pivot_id in re.findall(r"PIVOT(?:\.VALUE|\.HEADER)?\((\d+)", formula)
    }


def data_sources(spreadsheet):
    """(name, model, domain, measures, groupbys) of each Odoo chart and pivot
    (the plain charts draw pivots' cells), and the fields each list shows."""
    for sheet in spreadsheet["sheets"]:
        for figure in sheet["figures"]:
            meta = figure["data"].get("metaData")
            if not meta:  # a plain chart: see chart_pivots
                continue
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
        self.assertEqual(
            len(sources), 7, "four Odoo charts, the MRR bridge, two health pivots"
        )
        # the plain charts draw the cells of pivots, checked as sources here
        pivots = self.spreadsheet["pivots"]
        for figure in dashboard_sheet(self.spreadsheet)["figures"]:
            if "metaData" not in figure["data"]:
                with self.subTest(chart=figure["id"]):
                    used = chart_pivots(self.spreadsheet, figure)
                    self.assertTrue(used)
                    self.assertLessEqual(used, set(pivots))
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
        sheet = dashboard_sheet(self.spreadsheet)
        cells = {ref: cell.get("content", "") for ref, cell in sheet["cells"].items()}
        pivots = [c for c in cells.values() if c.startswith("=PIVOT(")]
        self.assertEqual(pivots, ["=PIVOT(1,13,FALSE,FALSE)"], "no pivot title")
        pivot = self.spreadsheet["pivots"]["1"]
        self.assertEqual(
            [cells[f"{col}47"] for col in "BCDEFGHIJK"],
            [
                f'=PIVOT.HEADER(1,"measure","{measure["fieldName"]}")'
                for measure in pivot["measures"]
            ],
        )
        self.assertEqual(
            {
                row.get("order", "asc")
                for pivot in self.spreadsheet["pivots"].values()
                for row in pivot["rows"]
                if row.get("granularity")
            },
            {"asc"},
            "months in the order of the charts",
        )
        for figure in sheet["figures"]:
            self.assertFalse(figure["data"].get("metaData", {}).get("order"))
        self.assertEqual(
            cells["D64"],
            '=IF(ODOO.LIST(1,1,"has_baseline"),ODOO.LIST(1,1,"baseline_value")+0,"")',
        )
        self.assertEqual(
            cells["F64"],
            '=IF(ODOO.LIST(1,1,"has_current"),ODOO.LIST(1,1,"current_value")+0,"")',
        )

    def test_health_charts_colour_each_state(self):
        """Healthy green, at risk orange, critical red, whichever states have
        customers: each state is its own dataset, with its colour, drawn from
        its own PIVOT.VALUE, titled in the reader's language (the state's
        label from the pivot, or its translated label when the pivot has none
        of it); the months follow the Period filter, oldest first."""
        figures = {
            figure["id"]: figure
            for figure in dashboard_sheet(self.spreadsheet)["figures"]
        }
        selections = {
            "health_state": dict(
                self.env["res.partner"]._fields["health_state"].selection
            ),
            "state": dict(
                self.env["customer.health.snapshot"]._fields["state"].selection
            ),
        }
        for figure_id, (field, by_month) in HEALTH_CHARTS.items():
            chart = figures[figure_id]["data"]
            with self.subTest(chart=figure_id):
                self.assertEqual(chart["type"], "bar")
                self.assertEqual(chart["stacked"], by_month)
                self.assertTrue(chart["dataSetsHaveTitle"])
                self.assertEqual(
                    [ds["backgroundColor"] for ds in chart["dataSets"]],
                    list(HEALTH_COLOURS.values()),
                )
                self.assertEqual(list(selections[field]), list(HEALTH_COLOURS))
                [pivot_id] = chart_pivots(self.spreadsheet, figures[figure_id])
                pivot = self.spreadsheet["pivots"][pivot_id]
                self.assertIn(
                    field, [d["fieldName"] for d in pivot["rows"] + pivot["columns"]]
                )
                labels = range_cells(self.spreadsheet, chart["labelRange"])
                for dataset, state in zip(
                    chart["dataSets"], HEALTH_COLOURS, strict=True
                ):
                    self.assertNotIn("label", dataset, "titled by its cell")
                    title, *values = range_cells(self.spreadsheet, dataset["dataRange"])
                    self.assertEqual(len(values), len(labels) - 1)
                    self.assertEqual(
                        title,
                        f'=IF(ISNUMBER(PIVOT.VALUE({pivot_id},"__count","{field}","{state}")),'
                        f'PIVOT.HEADER({pivot_id},"{field}","{state}"),'
                        f'_t("{selections[field][state]}"))',
                    )
                    for position, value in enumerate(values, start=1):
                        self.assertRegex(
                            value,
                            rf'PIVOT\.VALUE\({pivot_id},"__count",.*"{field}","{state}"\)',
                        )
                        self.assertEqual(value.count("PIVOT.VALUE("), 1)
                        if by_month:  # the month of its row
                            self.assertIn(f'"#month:month",{position},', value)
                if by_month:
                    self.assertEqual(
                        labels[1:],
                        [
                            # the position-th month, if the period has one
                            f'=IF(ISNUMBER(PIVOT.VALUE({pivot_id},"__count",'
                            f'"#month:month",{position})),'
                            f'PIVOT.HEADER({pivot_id},"#month:month",{position}),"")'
                            for position in range(1, len(labels))
                        ],
                    )
                    self.assertGreaterEqual(len(labels) - 1, 37, "3 years of months")
                    self.assertEqual(
                        pivot["rows"],
                        [
                            {
                                "fieldName": "month",
                                "granularity": "month",
                                "order": "asc",
                            }
                        ],
                    )
                    self.assertEqual(
                        pivot["fieldMatching"],
                        {
                            PERIOD_FILTER: {
                                "chain": "month",
                                "type": "date",
                                "offset": 0,
                            }
                        },
                    )
                else:
                    self.assertEqual(pivot["domain"], [["health_state", "!=", False]])
        # the data sheet is not shown
        [data_sheet] = [s for s in self.spreadsheet["sheets"] if s["id"] != "sheet1"]
        self.assertFalse(data_sheet["isVisible"])

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
        sheet = dashboard_sheet(spreadsheet)
        self.assertEqual(sheet["cells"]["A48"]["content"], "=PIVOT(1,13,FALSE,FALSE)")


@tagged("post_install", "-at_install")
class TestDashboardUi(HttpCase):
    def test_dashboard_loads_in_the_browser(self):
        self.start_tour(
            "/odoo/action-spreadsheet_dashboard.ir_actions_dashboard_action",
            "customer_value_dashboard",
            login="admin",
        )
