# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time
from lxml import etree

from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import CrossgradeCommon


@tagged("post_install", "-at_install")
class TestCrossgradeReport(CrossgradeCommon):
    def test_wins_revenue_and_discount_per_competitor(self):
        self._origin(seats=5)
        self._origin(self.rival_mail, state="declared")
        self._origin(self.other_server)
        won = self._quote(lines=[(self.product, 10), (self.product_mail, 1)])
        won.action_confirm()
        self._quote(partner=self.other_customer).action_confirm()  # no crossgrade
        self._quote()  # a quotation is not a win
        report = self.env["crossgrade.win.report"]
        self.env.flush_all()
        groups = report._read_group(
            [("order_id", "in", won.ids)],
            ["competitor_id", "date:month"],
            ["__count", "revenue:sum", "discount:sum", "seats:sum"],
        )
        self.assertEqual(len(groups), 1)
        competitor, _month, count, revenue, discount, seats = groups[0]
        self.assertEqual(competitor, self.competitor)
        # Two origins of the same competitor won by one order.
        self.assertEqual(count, 2)
        # The 5 seats at 75 and the mail filter at 160; the 5 other units are
        # on a line at the regular price, not won by the crossgrade.
        self.assertAlmostEqual(revenue, 375.0 + 160.0)
        self.assertAlmostEqual(discount, 5 * 20.0 + 30.0)
        self.assertEqual(seats, 6)
        self.assertFalse(
            report.search([("competitor_id", "=", self.other_competitor.id)])
        )

    @freeze_time("2026-03-01")
    def test_upcoming_renewals_filter(self):
        today = date(2026, 3, 1)
        soon = self._origin(renewal_date=today + timedelta(days=90))
        self._origin(renewal_date=today + timedelta(days=91))
        self._origin(renewal_date=today - timedelta(days=1))
        self._origin(state="migrated", renewal_date=today + timedelta(days=10))
        arch = self.env["crossgrade.origin"].get_view(
            self.env.ref("customer_value.crossgrade_origin_view_search").id, "search"
        )["arch"]
        # The arch is our own view's, not outside input.
        search_view = etree.fromstring(arch)  # noqa: S320
        domain = search_view.xpath("//filter[@name='renewal_90']")[0].get("domain")
        domain = safe_eval(
            domain, {"context_today": lambda: today, "relativedelta": relativedelta}
        )
        found = self.env["crossgrade.origin"].search(
            [*domain, ("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(found, soon)
        action = self.env.ref("customer_value.crossgrade_origin_action_renewal")
        self.assertIn("search_default_renewal_90", action.context)
