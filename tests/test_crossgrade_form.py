# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Crossgrade prices on the web client's path.

``odoo.tests.Form`` runs the onchanges the web client runs: a line's own
onchange (which sees a stale copy of the line in its order), then the order's
onchange. What is stored must be what the form showed, to the cent.
"""

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import CrossgradeCommon


@tagged("post_install", "-at_install")
class TestCrossgradeForm(CrossgradeCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.origin = cls._origin(seats=25, user_id=cls.salesman.id)
        # Prices show as a discount on the list price, as on the demo database.
        cls.env.ref("base.group_user").implied_ids += cls.env.ref(
            "sale.group_discount_per_so_line"
        )

    def _new_quotation(self, *quantities, product=None):
        form = Form(self.env["sale.order"].with_user(self.salesman))
        form.partner_id = self.customer
        form.pricelist_id = self.pricelist
        for qty in quantities:
            with form.order_line.new() as line:
                line.product_id = product or self.product
                line.product_uom_qty = qty
        return form

    def _shown(self, form):
        """(quantity, crossgrade units, discount, subtotal) of each line shown."""
        shown = []
        for index in range(len(form.order_line)):
            with form.order_line.edit(index) as line:
                shown.append(
                    (
                        line.product_uom_qty,
                        line.crossgrade_qty,
                        line.discount,
                        line.price_subtotal,
                    )
                )
        return shown

    def assertStoredAsShown(self, form, order):
        shown = self._shown(form)
        stored = [
            (
                line.product_uom_qty,
                line.crossgrade_qty,
                line.discount,
                line.price_subtotal,
            )
            for line in order.order_line
        ]
        self.assertEqual(sorted(stored), sorted(shown))
        self.assertEqual(order.amount_untaxed, form.tax_totals["base_amount_currency"])
        self.assertEqual(
            order.crossgrade_discount_amount, form.crossgrade_discount_amount
        )

    def assertExact(self, order, crossgrade_units, regular_units):
        """Crossgrade units at 75.00 (25 % off 100), the others at 95.00 (5 % off):
        the amounts add up to the cent and the header's discount is what the
        lines took off."""
        lines = order.order_line
        self.assertEqual(sum(lines.mapped("crossgrade_qty")), crossgrade_units)
        self.assertEqual(
            sum(lines.mapped("product_uom_qty")), crossgrade_units + regular_units
        )
        self.assertEqual(
            order.amount_untaxed, crossgrade_units * 75.0 + regular_units * 95.0
        )
        self.assertEqual(order.crossgrade_discount_amount, crossgrade_units * 20.0)
        for line in lines:
            # a line is either all crossgrade or all regular: no rounded blend
            self.assertIn(line.crossgrade_qty, (0.0, line.product_uom_qty))
            self.assertEqual(line.discount, 25.0 if line.crossgrade_qty else 5.0)

    def test_more_units_than_seats_split_the_line(self):
        form = self._new_quotation(40)
        self.assertEqual(
            self._shown(form), [(25.0, 25.0, 25.0, 1875.0), (15.0, 0.0, 5.0, 1425.0)]
        )
        self.assertEqual(form.crossgrade_discount_amount, 500.0)
        order = form.save()
        self.assertStoredAsShown(form, order)
        self.assertExact(order, 25, 15)
        self.assertEqual(order.order_line[1].crossgrade_explanation.count("regular"), 1)

    def test_quantity_changed_before_the_first_save(self):
        form = self._new_quotation(20)
        with form.order_line.edit(0) as line:
            line.product_uom_qty = 30
        # The line's own onchange saw a stale copy of the line holding the
        # seats; the order's onchange gives them back to it.
        self.assertEqual(form.crossgrade_discount_amount, 500.0)
        order = form.save()
        self.assertStoredAsShown(form, order)
        self.assertExact(order, 25, 5)

    def test_quantity_lowered_before_the_first_save(self):
        form = self._new_quotation(40)
        with form.order_line.edit(0) as line:
            line.product_uom_qty = 10
        order = form.save()
        self.assertStoredAsShown(form, order)
        # the 15 regular units now fit in the freed seats
        self.assertExact(order, 25, 0)

    def test_lines_share_the_seats(self):
        form = self._new_quotation(10, 10, 10)
        order = form.save()
        self.assertStoredAsShown(form, order)
        self.assertExact(order, 25, 5)
        self.assertEqual(
            order.order_line.mapped("crossgrade_qty"), [10.0, 10.0, 5.0, 0.0]
        )

    def test_removing_a_line_frees_its_seats(self):
        form = self._new_quotation(20, 10)
        form.order_line.remove(0)
        order = form.save()
        self.assertStoredAsShown(form, order)
        # 20 | 5 + 5 regular: without the first line, the seats cover the rest
        self.assertExact(order, 10, 0)

    def test_product_changed_before_the_first_save(self):
        form = self._new_quotation(30, product=self.product_mail)
        self.assertEqual(form.crossgrade_discount_amount, 0.0)
        with form.order_line.edit(0) as line:
            line.product_id = self.product
        order = form.save()
        self.assertStoredAsShown(form, order)
        self.assertExact(order, 25, 5)

    def test_autosave_then_edit_and_save(self):
        form = self._new_quotation(20)
        order = form.save()  # the web client saves when the user leaves a line
        self.assertExact(order, 20, 0)
        with form.order_line.edit(0) as line:
            line.product_uom_qty = 40
        form.save()
        self.assertStoredAsShown(form, order)
        self.assertExact(order, 25, 15)
        with form.order_line.edit(1) as line:
            line.product_uom_qty = 10
        with form.order_line.edit(0) as line:
            line.product_uom_qty = 30
        form.save()
        self.assertStoredAsShown(form, order)
        self.assertExact(order, 25, 15)

    def test_duplicate_quotation(self):
        order = self._new_quotation(40).save()
        duplicate = order.with_user(self.salesman).copy()
        self.assertExact(duplicate, 25, 15)
        self.assertStoredAsShown(Form(duplicate), duplicate)

    def test_update_prices_after_verification(self):
        self.origin.sudo().state = "declared"
        order = self._new_quotation(40).save()
        self.assertExact(order, 0, 40)
        self.origin.with_user(self.manager).action_verify()
        order.with_user(self.salesman).action_update_prices()
        self.assertExact(order, 25, 15)
        self.assertStoredAsShown(Form(order), order)

    def test_xmlrpc_path_splits_the_same_way(self):
        order = self._quote(lines=[(self.product, 30)], user=self.salesman)
        self.assertExact(order, 25, 5)
        order.order_line[0].product_uom_qty = 35
        self.assertExact(order, 25, 15)

    def test_new_quotation_from_a_verified_origin(self):
        action = self.origin.with_user(self.salesman).action_new_quotation()
        form = Form(
            self.env["sale.order"]
            .with_user(self.salesman)
            .with_context(**action["context"])
        )
        self.assertEqual(form.partner_id, self.customer)
        self.assertEqual(form.pricelist_id, self.pricelist)
        with form.order_line.new() as line:
            line.product_id = self.product
            line.product_uom_qty = 10
        order = form.save()
        self.assertStoredAsShown(form, order)
        self.assertExact(order, 10, 0)
        self.origin.sudo().state = "migrated"
        with self.assertRaisesRegex(UserError, "gives no crossgrade price any more"):
            self.origin.with_user(self.salesman).action_new_quotation()
