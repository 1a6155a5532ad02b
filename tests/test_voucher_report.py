# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .voucher_common import VoucherCommon


@tagged("post_install", "-at_install")
class TestVoucherReport(VoucherCommon):
    """A known data set:

    Training (500) issued in January: redeemed and reminded, redeemed, expired
    and reminded, available and reminded; in February: redeemed and reminded,
    cancelled. Support (100) issued in January: expired, expired, redeemed and
    reminded.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.support = cls.env["customer.voucher.type"].create(
            {"name": "Support", "category": "support_hours", "value": 100.0}
        )

        def voucher(voucher_type, issued, outcome, reminded):
            expiry = "2026-03-31" if outcome == "expired" else "2026-12-31"
            record = cls._voucher(
                type_id=voucher_type.id, issue_date=issued, expiry_date=expiry
            )
            if reminded:
                record.write({"reminded": True, "reminder_count": 1})
            if outcome == "redeemed":
                with freeze_time("2026-03-15"):
                    record.action_redeem()
            elif outcome == "cancelled":
                record.action_cancel()
            return record

        for issued, outcome, reminded in (
            ("2026-01-05", "redeemed", True),
            ("2026-01-06", "redeemed", False),
            ("2026-01-07", "expired", True),
            ("2026-01-08", "available", True),
            ("2026-02-01", "redeemed", True),
            ("2026-02-02", "cancelled", True),
        ):
            voucher(cls.training, issued, outcome, reminded)
        for outcome, reminded in (
            ("expired", False),
            ("expired", False),
            ("redeemed", True),
        ):
            voucher(cls.support, "2026-01-10", outcome, reminded)
        with freeze_time("2026-04-01"):
            cls.env["customer.voucher"]._cron_expire()
        action = cls.env.ref("customer_value.customer_voucher_action_analysis")
        cls.domain = [
            ("type_id", "in", (cls.training | cls.support).ids),
            *safe_eval(action.domain),
        ]

    def _figures(self, groupby):
        return {
            tuple(group): (count, round(rate, 2), redeemed, expired)
            for *group, count, rate, redeemed, expired in self.env[
                "customer.voucher"
            ]._read_group(
                self.domain,
                groupby,
                [
                    "__count",
                    "redeemed_rate:avg",
                    "value_redeemed:sum",
                    "value_expired:sum",
                ],
            )
        }

    def test_by_type_and_month_of_issue(self):
        figures = {
            (voucher_type.name, month.month): values
            for (voucher_type, month), values in self._figures(
                ["type_id", "issue_date:month"]
            ).items()
        }
        self.assertEqual(
            figures,
            {
                ("Training", 1): (4, 50.0, 1000.0, 500.0),
                ("Training", 2): (1, 100.0, 500.0, 0.0),
                ("Support", 1): (3, 33.33, 100.0, 200.0),
            },
        )

    def test_reminded_versus_never_reminded(self):
        figures = {
            reminded: values
            for (reminded,), values in self._figures(["reminded"]).items()
        }
        self.assertEqual(figures[True], (5, 60.0, 1100.0, 500.0))
        self.assertEqual(figures[False], (3, 33.33, 500.0, 200.0))

    def test_customer_form(self):
        self.assertEqual(self.customer.voucher_count, 8)
        self.assertEqual(self.contact.voucher_count, 8)  # the company's figures
        self.assertEqual(self.customer.voucher_available_count, 1)
        self.assertAlmostEqual(self.customer.voucher_redemption_rate, 50.0)
        self.assertEqual(self.customer.voucher_value_available, 500.0)
        self.assertEqual(self.customer.voucher_value_expired, 700.0)
        action = self.customer.action_view_vouchers()
        self.assertEqual(self.env["customer.voucher"].search_count(action["domain"]), 9)

    def test_views_load(self):
        for view_type in ("list", "form", "pivot", "graph", "search"):
            self.env["customer.voucher"].get_views([(False, view_type)])
        self.env["customer.voucher"].with_context(active_test=False).get_views(
            [
                (
                    self.env.ref(
                        "customer_value.customer_voucher_view_graph_reminders"
                    ).id,
                    "graph",
                )
            ]
        )
