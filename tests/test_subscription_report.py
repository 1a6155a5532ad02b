# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import date

from lxml import etree

from odoo.tests import tagged

from .subscription_common import SubscriptionCommon


@tagged("post_install", "-at_install")
class TestSubscriptionReport(SubscriptionCommon):
    """A known quarter, in a company of its own (demo data stays out):

    Jan: A new Pro 30, B new Enterprise 100                 -> closing 130
    Feb: A upgrade to Enterprise +70, B downgrade to Pro -70,
         C new Basic 10                                     -> closing 140
    Mar: A expansion to 2 seats +100, C churn -10,
         B cross-sell Support +20                           -> closing 250
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.report_company = cls._known_quarter("Report Co")

    def _month(self, month):
        return self.env["sale.subscription.mrr.report"].search_read(
            [("company_id", "=", self.report_company.id), ("date", "=", month)]
        )

    def test_monthly_bridge(self):
        [jan] = self._month("2026-01-01")
        self.assertEqual(jan["opening_mrr"], 0.0)
        self.assertEqual(jan["new_mrr"], 130.0)
        self.assertEqual(jan["closing_mrr"], 130.0)
        self.assertFalse(jan["gross_retention"])
        [feb] = self._month("2026-02-01")
        self.assertEqual(
            [
                feb[f]
                for f in (
                    "opening_mrr",
                    "new_mrr",
                    "upgrade_mrr",
                    "downgrade_mrr",
                    "net_mrr",
                    "closing_mrr",
                )
            ],
            [130.0, 10.0, 70.0, -70.0, 10.0, 140.0],
        )
        self.assertAlmostEqual(feb["gross_retention"], 46.15, places=2)
        self.assertAlmostEqual(feb["net_retention"], 100.0, places=2)
        [mar] = self._month("2026-03-01")
        self.assertEqual(
            [
                mar[f]
                for f in (
                    "opening_mrr",
                    "expansion_mrr",
                    "cross_sell_mrr",
                    "churn_mrr",
                    "contraction_mrr",
                    "closing_mrr",
                )
            ],
            [140.0, 100.0, 20.0, -10.0, 0.0, 250.0],
        )
        self.assertAlmostEqual(mar["gross_retention"], 92.86, places=2)
        self.assertAlmostEqual(mar["net_retention"], 178.57, places=2)
        # Months without movements carry the MRR over.
        [apr] = self._month("2026-04-01")
        self.assertEqual(
            (apr["opening_mrr"], apr["net_mrr"], apr["closing_mrr"]),
            (250.0, 0.0, 250.0),
        )
        # The closing MRR is the MRR of the subscriptions.
        self.assertEqual(
            self.sub_a.mrr + self.sub_b.mrr + self.sub_c.mrr, apr["closing_mrr"]
        )

    def test_movements_by_month_and_type(self):
        groups = self.env["sale.subscription.change"]._read_group(
            [("company_id", "=", self.report_company.id), ("state", "=", "done")],
            ["date:month", "change_type"],
            ["mrr_delta:sum", "__count"],
        )
        figures = {
            (month.strftime("%Y-%m"), change_type): (total, count)
            for month, change_type, total, count in groups
        }
        self.assertEqual(
            figures,
            {
                ("2026-01", "new"): (130.0, 2),
                ("2026-02", "upgrade"): (70.0, 1),
                ("2026-02", "downgrade"): (-70.0, 1),
                ("2026-02", "new"): (10.0, 1),
                ("2026-03", "expansion"): (100.0, 1),
                ("2026-03", "churn"): (-10.0, 1),
                ("2026-03", "cross_sell"): (20.0, 1),
            },
        )

    def test_churn_by_reason(self):
        groups = self.env["sale.subscription.change"]._read_group(
            [
                ("company_id", "=", self.report_company.id),
                ("state", "=", "done"),
                ("change_type", "=", "churn"),
            ],
            ["close_reason_id"],
            ["mrr_delta:sum", "__count"],
        )
        self.assertEqual(groups, [(self.close_reason, -10.0, 1)])

    def test_customer_form(self):
        a = self.a.with_company(self.report_company)
        self.assertEqual(a.subscription_mrr, 200.0)
        last = a.last_subscription_change_id
        self.assertEqual(last.change_type, "expansion")
        self.assertEqual(last.date, date(2026, 3, 12))
        self.assertEqual(len(a.subscription_change_ids), 3)
        self.assertEqual(self.c.with_company(self.report_company).subscription_mrr, 0.0)
        action = a.action_view_subscription_changes()
        self.assertEqual(
            self.env["sale.subscription.change"].search(action["domain"]),
            a.subscription_change_ids,
        )

    def test_list_shows_every_bridge_column(self):
        """Opening + each movement type (adjustments included) = closing, on
        screen: no column of the bridge is hidden by default."""
        arch = self.env["sale.subscription.mrr.report"].get_views([(False, "list")])[
            "views"
        ]["list"]["arch"]
        view = etree.fromstring(arch)  # noqa: S320 - our own view
        bridge = [
            "opening_mrr",
            "new_mrr",
            "expansion_mrr",
            "upgrade_mrr",
            "cross_sell_mrr",
            "reactivation_mrr",
            "contraction_mrr",
            "downgrade_mrr",
            "churn_mrr",
            "net_mrr",
            "adjustment_mrr",
            "closing_mrr",
        ]
        for name in bridge:
            [node] = view.xpath(f"//field[@name='{name}']")
            self.assertNotEqual(node.get("optional"), "hide", name)
            self.assertFalse(node.get("column_invisible"), name)
        movement_types = {
            key
            for key, _label in self.env["sale.subscription.change"]
            ._fields["change_type"]
            .selection
        }
        self.assertLessEqual(
            {f"{t}_mrr" for t in movement_types}
            & set(self.env["sale.subscription.mrr.report"]._fields),
            set(bridge),
        )

    def test_report_views_load(self):
        for model in (
            "sale.subscription.mrr.report",
            "sale.subscription.change",
            "sale.subscription.retention",
        ):
            for view_type in ("list", "pivot", "graph"):
                self.env[model].get_views([(False, view_type)])
        self.env["sale.subscription"].get_views([(False, "pivot"), (False, "form")])
