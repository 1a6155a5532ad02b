# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from collections import defaultdict

from odoo import Command, api, fields, models

from .auto_init import create_empty_columns
from .formatting import format_quantity


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    # Crossgrade: which origin priced the line, for how many units
    crossgrade_origin_id = fields.Many2one(
        "crossgrade.origin",
        compute="_compute_crossgrade",
        store=True,
        precompute=True,
        index="btree_not_null",
    )
    crossgrade_qty = fields.Float(
        string="Crossgrade Quantity",
        compute="_compute_crossgrade",
        store=True,
        precompute=True,
        digits="Product Unit of Measure",
        help="Units priced at the crossgrade price: at most the seats of the "
        "origin not used by other lines of the order. The other units are at "
        "the regular price, and the unit price is the blend of both.",
    )
    crossgrade_regular_price = fields.Float(
        string="Regular Unit Price",
        compute="_compute_crossgrade",
        store=True,
        precompute=True,
        digits="Product Price",
        help="Unit price the pricelist gives without crossgrade rules.",
    )
    crossgrade_discount = fields.Monetary(
        compute="_compute_crossgrade",
        store=True,
        precompute=True,
        help="What the crossgrade rule took off the regular price of this line.",
    )
    crossgrade_explanation = fields.Char(compute="_compute_crossgrade_explanation")

    def _auto_init(self):
        """Created empty: before the install no line had a crossgrade price."""
        create_empty_columns(
            self,
            [
                "crossgrade_origin_id",
                "crossgrade_qty",
                "crossgrade_regular_price",
                "crossgrade_discount",
            ],
        )
        return super()._auto_init()

    def _crossgrade_candidates_by_order(self):
        return {order: order._crossgrade_candidates() for order in self.order_id}

    @api.depends("product_id", "product_uom", "product_uom_qty")
    def _compute_pricelist_item_id(self):  # pylint: disable=missing-return
        """Let the pricelist see the crossgrade rules the customer qualifies
        for (one query per order, not per line)."""
        candidates = self._crossgrade_candidates_by_order()
        for order, lines in self.grouped("order_id").items():
            rule_ids = sorted(
                {rule_id for rule_id, _o, _s in candidates.get(order, [])}
            )
            lines = lines.with_context(crossgrade_rule_ids=rule_ids)
            super(SaleOrderLine, lines)._compute_pricelist_item_id()

    @api.depends("product_id", "product_uom", "product_uom_qty")
    def _compute_crossgrade(self):
        self._crossgrade_allocate(self._crossgrade_candidates_by_order())

    def _crossgrade_allocate(self, candidates, only_changes=False):  # pylint: disable=missing-return
        """Allocate the origins' seats to the lines, in line order.

        Lines of the order that are not recomputed keep the seats they hold,
        so the crossgrade price never covers more units than the origin has.
        ``candidates``: ``_crossgrade_candidates()`` by order. Outside of the
        fields' computation (``only_changes``), only the values that change are
        written: their dependents (the price) are recomputed only then.
        """
        for order, lines in self.grouped("order_id").items():
            seats = {}
            origins_by_rule = defaultdict(list)
            for rule_id, origin_id, origin_seats in candidates.get(order, []):
                seats[origin_id] = origin_seats
                origins_by_rule[rule_id].append(origin_id)
            for other in order.order_line - lines:
                if other.crossgrade_origin_id.id in seats:
                    seats[other.crossgrade_origin_id.id] -= other.crossgrade_qty
            crossgrade_lines = lines.browse(
                line.id
                for line in lines
                if line.pricelist_item_id.id in origins_by_rule
            )
            for line in lines - crossgrade_lines:
                line._crossgrade_set(
                    {
                        "crossgrade_origin_id": False,
                        "crossgrade_qty": 0.0,
                        "crossgrade_regular_price": 0.0,
                        "crossgrade_discount": 0.0,
                    },
                    only_changes,
                )
            regular_prices = crossgrade_lines._crossgrade_regular_prices()
            for line in crossgrade_lines.sorted("sequence"):
                origin_id = next(
                    (
                        origin_id
                        for origin_id in origins_by_rule[line.pricelist_item_id.id]
                        if seats[origin_id] > 0
                    ),
                    False,
                )
                qty = min(line.product_uom_qty, seats[origin_id]) if origin_id else 0.0
                if origin_id:
                    seats[origin_id] -= qty
                regular = regular_prices[line]
                crossgrade_price = super(SaleOrderLine, line)._get_pricelist_price()
                line._crossgrade_set(
                    {
                        "crossgrade_origin_id": origin_id,
                        "crossgrade_qty": qty,
                        "crossgrade_regular_price": regular,
                        "crossgrade_discount": line.currency_id.round(
                            max(regular - crossgrade_price, 0.0) * qty
                        ),
                    },
                    only_changes,
                )

    def _crossgrade_set(self, values, only_changes):
        self.ensure_one()
        if only_changes:
            values = {
                fname: value
                for fname, value in values.items()
                if self._fields[fname].convert_to_write(self[fname], self) != value
            }
        if not values:
            return
        if only_changes and not isinstance(self.id, models.NewId):
            self.write(values)  # one write, one recomputation of the price
        else:
            self.update(values)

    def _crossgrade_split(self):
        """Move the units the crossgrade seats do not cover to a new line at the
        regular price, right after each line."""
        for line in self:
            order = line.order_id
            ordered = order.order_line.sorted("sequence")
            following = ordered[list(ordered).index(line) + 1 :]
            sequence = line.sequence + 1
            vals = {
                "product_id": line.product_id.id,
                "product_uom": line.product_uom.id,
                "product_uom_qty": line.product_uom_qty - line.crossgrade_qty,
                "sequence": sequence,
                "name": line.name,
                "analytic_distribution": line.analytic_distribution,
            }
            line.product_uom_qty = line.crossgrade_qty
            # make room right after the line (lines made by code share a sequence)
            for other in following:
                if other.sequence <= sequence:
                    other.sequence = sequence + 1
                sequence = other.sequence
            order.order_line = [Command.create(vals)]

    @api.depends("crossgrade_qty")
    def _compute_price_unit(self):
        # a line's price follows the seats it holds
        return super()._compute_price_unit()

    @api.depends("crossgrade_qty")
    def _compute_discount(self):
        return super()._compute_discount()

    def _crossgrade_regular_prices(self):
        """Unit prices without crossgrade rules: one rule search per order.

        Mirrors ``product.pricelist._compute_price_rule`` for lines that differ
        in quantity and unit of measure.
        """
        prices = {}
        for order, lines in self.grouped("order_id").items():
            pricelist = order.pricelist_id.with_context(crossgrade_rule_ids=[])
            date = lines[:1]._get_order_date() or fields.Datetime.now()
            rules = pricelist._get_applicable_rules(lines.product_id, date)
            for line in lines:
                product = line.product_id.with_context(
                    **line._get_product_price_context()
                )
                uom = line.product_uom or product.uom_id
                quantity = line.product_uom_qty or 1.0
                qty_in_product_uom = uom._compute_quantity(
                    quantity, product.uom_id, raise_if_failure=False
                )
                rule = next(
                    (
                        r
                        for r in rules
                        if r._is_applicable_for(product, qty_in_product_uom)
                    ),
                    rules.browse(),
                )
                prices[line] = rule._compute_price(
                    product, quantity, uom, date=date, currency=line.currency_id
                )
        return prices

    @api.depends("crossgrade_qty", "product_uom_qty", "crossgrade_origin_id")
    def _compute_crossgrade_explanation(self):
        for line in self:
            # sudo: the origin is a fact about the customer, recorded by any
            # salesperson; whoever quotes the customer sees why the price.
            origin = line.crossgrade_origin_id.sudo()
            if not line.pricelist_item_id.crossgrade_restricted:
                line.crossgrade_explanation = False
            elif not origin:
                line.crossgrade_explanation = self.env._(
                    "The customer's crossgrade seats are used by other lines: "
                    "regular price."
                )
            elif line.crossgrade_qty < line.product_uom_qty:
                line.crossgrade_explanation = self.env._(
                    "Crossgrade price for %(seats)s of %(qty)s units (seats of "
                    "%(origin)s), regular price for the rest: blended unit price.",
                    seats=format_quantity(self.env, line.crossgrade_qty),
                    qty=format_quantity(self.env, line.product_uom_qty),
                    origin=origin.competitor_product_id.display_name,
                )
            else:
                line.crossgrade_explanation = self.env._(
                    "Crossgrade price: migrating from %s.",
                    origin.competitor_product_id.display_name,
                )

    def _get_pricelist_price(self):
        """Blend the crossgrade and regular prices when the origin's seats do
        not cover the whole quantity."""
        price = super()._get_pricelist_price()
        if not self.pricelist_item_id.crossgrade_restricted:
            return price
        quantity = self.product_uom_qty or 1.0
        crossgrade_qty = min(self.crossgrade_qty, quantity)
        if crossgrade_qty >= quantity:
            return price
        return (
            crossgrade_qty * price
            + (quantity - crossgrade_qty) * self.crossgrade_regular_price
        ) / quantity

    # Vouchers

    voucher_ids = fields.One2many(
        "customer.voucher", "sale_line_id", string="Vouchers", readonly=True
    )

    def write(self, vals):
        res = super().write(vals)
        if {"product_id", "product_uom", "product_uom_qty", "sequence"} & set(vals):
            self.order_id._crossgrade_reallocate()
        if "product_uom_qty" in vals or "product_id" in vals:
            self.filtered(lambda line: line.state == "sale")._issue_vouchers()
        return res

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.order_id._crossgrade_reallocate()
        lines.filtered(lambda line: line.state == "sale")._issue_vouchers()
        return lines

    def unlink(self):
        orders = self.order_id
        res = super().unlink()
        orders.exists()._crossgrade_reallocate()
        return res

    def _issue_vouchers(self):
        """Issue the vouchers the lines' products grant that are not issued yet:
        confirming again or editing the order never issues twice."""
        lines = self.filtered(lambda line: line.product_id and not line.display_type)
        Grant = self.env["customer.voucher.grant"].sudo()
        grants = Grant.search(
            [
                ("product_tmpl_id", "in", lines.product_id.product_tmpl_id.ids),
                ("type_id.active", "=", True),
            ]
        )
        if not grants:
            return self.env["customer.voucher"]
        Voucher = self.env["customer.voucher"].sudo()
        issued = {
            (line.id, voucher_type.id): count
            for line, voucher_type, count in Voucher._read_group(
                [("sale_line_id", "in", lines.ids), ("state", "!=", "cancelled")],
                ["sale_line_id", "type_id"],
                ["__count"],
            )
        }
        grants_by_product = defaultdict(lambda: Grant)
        for grant in grants:
            grants_by_product[grant.product_tmpl_id] |= grant
        vals_list = []
        for line in lines:
            order = line.order_id
            # a renewal order of subscription_oca belongs to its subscription
            renewal = order.order_subscription_id
            subscription = (
                renewal
                or order.subscription_ids.filtered(
                    lambda sub, line=line: line.product_id
                    in sub.sale_subscription_line_ids.product_id
                )[:1]
            )
            for grant in grants_by_product[line.product_id.product_tmpl_id]:
                if grant.company_id and grant.company_id != order.company_id:
                    continue
                if renewal and grant.issue_on != "every_renewal":
                    continue
                wanted = int(line.product_uom_qty) * grant.quantity
                missing = wanted - issued.get((line.id, grant.type_id.id), 0)
                vals_list += [
                    {
                        "type_id": grant.type_id.id,
                        "partner_id": order.partner_id.id,
                        "company_id": order.company_id.id,
                        "user_id": order.user_id.id,
                        "sale_order_id": order.id,
                        "sale_line_id": line.id,
                        "subscription_id": subscription.id,
                        "issue_date": fields.Date.context_today(self),
                    }
                ] * max(missing, 0)
        vouchers = Voucher.create(vals_list)
        for order in vouchers.sale_order_id:
            issued = vouchers.filtered(lambda v, o=order: v.sale_order_id == o)
            order.message_post(
                body=self.env._(
                    "%(count)s voucher(s) issued: %(codes)s",
                    count=len(issued),
                    codes=", ".join(issued.mapped("code")),
                )
            )
        return vouchers
