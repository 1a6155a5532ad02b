# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import date, timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from .common import CrossgradeCommon


@tagged("post_install", "-at_install")
class TestCrossgradePricing(CrossgradeCommon):
    def test_verified_origin_gets_crossgrade_price(self):
        origin = self._origin()
        order = self._quote(user=self.salesman)
        line = order.order_line
        self.assertUnitPrice(line, 75.0)
        self.assertEqual(line.crossgrade_origin_id, origin)
        self.assertEqual(line.crossgrade_qty, 10)
        self.assertEqual(line.crossgrade_regular_price, 95.0)
        self.assertEqual(order.crossgrade_origin_id, origin)
        self.assertAlmostEqual(order.crossgrade_discount_amount, 200.0)
        self.assertIn("Rival AV Endpoint", line.crossgrade_explanation)

    def test_declared_origin_needs_verification(self):
        self._origin(state="declared")
        order = self._quote()
        self.assertUnitPrice(order.order_line, 95.0)
        self.assertFalse(order.crossgrade_origin_id)
        self.assertFalse(order.crossgrade_discount_amount)

    def test_declared_origin_enough_when_rule_allows(self):
        origin = self._origin(self.rival_mail, state="declared")
        order = self._quote(lines=[(self.product_mail, 2)])
        self.assertUnitPrice(order.order_line, 160.0)
        self.assertEqual(order.crossgrade_origin_id, origin)
        self.assertAlmostEqual(order.crossgrade_discount_amount, 2 * (190.0 - 160.0))

    def test_rejected_origin_falls_through(self):
        self._origin(state="rejected")
        self.assertUnitPrice(self._quote().order_line, 95.0)

    def test_migrated_origin_falls_through(self):
        self._origin(state="migrated")
        self.assertUnitPrice(self._quote().order_line, 95.0)

    def test_no_origin_falls_through_to_next_rule(self):
        order = self._quote(lines=[(self.product, 1), (self.product_mail, 1)])
        self.assertUnitPrice(order.order_line[0], 95.0)
        self.assertUnitPrice(order.order_line[1], 190.0)
        self.assertFalse(order.order_line.crossgrade_origin_id)

    def test_no_other_rule_falls_through_to_list_price(self):
        self.rule_regular.unlink()
        self.assertUnitPrice(self._quote().order_line, 100.0)
        self._origin()
        self.assertUnitPrice(self._quote().order_line, 75.0)

    def test_other_customer_origin_does_not_apply(self):
        self._origin()
        order = self._quote(partner=self.other_customer)
        self.assertUnitPrice(order.order_line, 95.0)

    def test_contact_of_customer_gets_company_origin(self):
        origin = self._origin()
        order = self._quote(partner=self.contact)
        self.assertUnitPrice(order.order_line, 75.0)
        self.assertEqual(order.crossgrade_origin_id, origin)

    def test_competitor_level_rule_matches_any_product_of_competitor(self):
        origin = self._origin(self.rival_mail)
        order = self._quote()
        self.assertUnitPrice(order.order_line, 75.0)
        self.assertEqual(order.crossgrade_origin_id, origin)

    def test_product_level_rule_needs_that_product(self):
        self._origin(self.rival_endpoint)
        order = self._quote(lines=[(self.product_mail, 1)])
        self.assertUnitPrice(order.order_line, 190.0)
        self._origin(self.other_server)
        order = self._quote(lines=[(self.product_mail, 1)])
        self.assertUnitPrice(order.order_line, 190.0)

    def test_origin_of_other_competitor_does_not_match(self):
        self._origin(self.other_server)
        self.assertUnitPrice(self._quote().order_line, 95.0)

    def test_seats_cap_splits_the_line(self):
        self._origin(seats=5)
        crossgrade, regular = self._quote().order_line
        # 5 units at 75 on the line, the 5 others on a new line at 95
        self.assertEqual(
            (crossgrade.product_uom_qty, crossgrade.crossgrade_qty), (5, 5)
        )
        self.assertUnitPrice(crossgrade, 75.0)
        self.assertAlmostEqual(crossgrade.crossgrade_discount, 5 * 20.0)
        self.assertIn("Crossgrade price", crossgrade.crossgrade_explanation)
        self.assertEqual((regular.product_uom_qty, regular.crossgrade_qty), (5, 0))
        self.assertEqual(regular.product_id, self.product)
        self.assertUnitPrice(regular, 95.0)
        self.assertIn("used by other lines", regular.crossgrade_explanation)

    def test_seats_are_shared_by_the_lines_of_an_order(self):
        self._origin(seats=5)
        order = self._quote(
            lines=[(self.product, 3), (self.product, 4), (self.product, 2)]
        )
        self.assertEqual(
            [(line.product_uom_qty, line.crossgrade_qty) for line in order.order_line],
            [(3, 3), (2, 2), (2, 0), (2, 0)],
        )
        for line, price in zip(
            order.order_line, (75.0, 75.0, 95.0, 95.0), strict=False
        ):
            self.assertUnitPrice(line, price)
        self.assertAlmostEqual(order.crossgrade_discount_amount, 5 * 20.0)

    def test_blended_price_on_a_line_priced_by_hand(self):
        """A line with a price set by hand is not split; should its price be
        recomputed, the crossgrade and regular prices are blended."""
        self._origin(seats=5)
        order = self._quote(lines=[(self.product, 3)])
        line = order.order_line
        line.price_unit = 80.0
        line.product_uom_qty = 10
        self.assertEqual(len(order.order_line), 1)
        self.assertEqual(line.crossgrade_qty, 5)
        self.assertEqual(line.price_unit, 80.0)
        self.assertIn("5 of 10", line.crossgrade_explanation)
        line.with_context(force_price_recomputation=True)._compute_price_unit()
        self.assertUnitPrice(line, 85.0)

    def test_changing_quantity_reallocates_seats(self):
        self._origin(seats=5)
        order = self._quote(lines=[(self.product, 3), (self.product, 2)])
        first, second = order.order_line
        self.assertEqual(second.crossgrade_qty, 2)
        first.product_uom_qty = 4
        # the first line keeps its 3 seats; its 4th unit is on a regular line
        self.assertEqual(
            [(line.product_uom_qty, line.crossgrade_qty) for line in order.order_line],
            [(3, 3), (2, 2), (1, 0)],
        )
        first.product_uom_qty = 1
        # the freed seats go to the regular line
        self.assertEqual(
            [(line.product_uom_qty, line.crossgrade_qty) for line in order.order_line],
            [(1, 1), (2, 2), (1, 1)],
        )
        for line in order.order_line:
            self.assertUnitPrice(line, 75.0)

    def test_zero_seats_never_qualify(self):
        self._origin(seats=0)
        self.assertUnitPrice(self._quote().order_line, 95.0)

    @freeze_time("2026-06-30")
    def test_grace_period_after_competitor_renewal(self):
        origin = self._origin(renewal_date=date(2026, 6, 30) - timedelta(days=31))
        self.assertUnitPrice(self._quote().order_line, 95.0)
        origin.renewal_date = date(2026, 6, 30) - timedelta(days=30)
        self.assertUnitPrice(self._quote().order_line, 75.0)
        origin.renewal_date = date(2026, 6, 30) - timedelta(days=45)
        self.env["res.config.settings"].create({"crossgrade_grace_days": 60}).execute()
        self.assertUnitPrice(self._quote().order_line, 75.0)

    def test_update_prices_after_verification(self):
        origin = self._origin(state="declared")
        order = self._quote()
        self.assertUnitPrice(order.order_line, 95.0)
        origin.with_user(self.manager).action_verify()
        order.action_update_prices()
        self.assertUnitPrice(order.order_line, 75.0)
        self.assertEqual(order.crossgrade_origin_id, origin)

    def test_pricing_outside_an_order_ignores_crossgrade_rules(self):
        self._origin()
        price = self.pricelist._get_product_price(self.product, 1.0)
        self.assertAlmostEqual(price, 95.0)

    def test_archived_origin_does_not_qualify(self):
        self._origin(active=False)
        self.assertUnitPrice(self._quote().order_line, 95.0)

    def test_rest_of_a_split_line_takes_the_next_origin(self):
        endpoint = self._origin(seats=5)
        mail = self._origin(self.rival_mail, seats=3)  # same competitor
        order = self._quote(lines=[(self.product, 10), (self.product_mail, 1)])
        self.assertEqual(
            [
                (line.product_id, line.product_uom_qty, line.crossgrade_origin_id)
                for line in order.order_line.sorted(
                    lambda line: (line.sequence, line.id)
                )
            ],
            [
                (self.product, 5, endpoint),
                # the mail filter line holds 1 of the 3 seats of its origin
                (self.product, 2, mail),
                (self.product, 3, self.env["crossgrade.origin"]),
                (self.product_mail, 1, mail),
            ],
        )
        # 7 units at 75, 3 at 95, the mail filter at 160 (20 % off 200)
        self.assertEqual(order.amount_untaxed, 7 * 75.0 + 3 * 95.0 + 160.0)

    def test_price_set_by_hand_is_kept(self):
        self._origin(seats=5)
        order = self._quote(lines=[(self.product, 10), (self.product_mail, 1)])
        regular = order.order_line.filtered(
            lambda line: line.product_id == self.product and not line.crossgrade_qty
        )
        regular.price_unit = 90.0
        order.order_line.filtered(
            lambda line: line.product_id == self.product_mail
        ).product_uom_qty = 2
        self.assertEqual(regular.price_unit, 90.0)
        self.assertEqual(regular.crossgrade_qty, 0)
        # freed seats do not go to it either: its price is the user's
        order.order_line[0].product_uom_qty = 1
        self.assertEqual(regular.crossgrade_qty, 0)
        self.assertEqual(regular.price_unit, 90.0)
