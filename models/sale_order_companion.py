# Copyright 2026 customer_value contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""A recurring element in everything sold: a quotation of one-off products
without any recurring line suggests their recurring companions, and the
salesperson adds one with one click. On confirmation subscription_oca starts
the subscription as for any subscribable line."""

from odoo import api, fields, models
from odoo.exceptions import UserError


class SaleOrder(models.Model):
    _inherit = "sale.order"

    recurring_suggestion_ids = fields.Many2many(
        "product.product",
        compute="_compute_recurring_suggestion_ids",
        string="Recurring Suggestions",
        help="The recurring companions of the quotation's one-off products, "
        "while the quotation has no recurring line.",
    )

    @api.depends("order_line.product_id", "state", "company_id")
    def _compute_recurring_suggestion_ids(self):
        for order in self:
            order.recurring_suggestion_ids = order._recurring_suggestions()

    def _recurring_suggestions(self):
        """The subscription products to suggest on this quotation: the
        companions of its products, none once a line is recurring."""
        self.ensure_one()
        Product = self.env["product.product"]
        products = self.order_line.product_id
        if (
            self.state not in ("draft", "sent")
            or not products
            or any(products.mapped("subscribable"))
        ):
            return Product
        company = self.company_id
        companions = products.product_tmpl_id.recurring_companion_ids.filtered(
            lambda tmpl: tmpl.subscribable
            and tmpl.sale_ok
            and tmpl.subscription_template_id
            and (not tmpl.company_id or tmpl.company_id == company)
        )
        return companions.product_variant_ids

    def action_add_recurring_companion(self, product_id=None):
        """Add the recurring companion ``product_id`` (a product.product id)
        to this quotation, one unit; it must be one of the quotation's
        suggestions."""
        Mixin = self.env["customer.value.input.mixin"]
        Mixin._cv_check_one(self)
        product = Mixin._cv_browse("product.product", product_id, self.env._("Product"))
        if not product:
            raise UserError(self.env._("Choose the recurring companion to add."))
        self.check_access("write")
        if self.state not in ("draft", "sent"):
            raise UserError(
                self.env._(
                    "%(order)s is no longer a quotation: recurring companions are "
                    "added to quotations only.",
                    order=self.display_name,
                )
            )
        suggestions = self._recurring_suggestions()
        if product not in suggestions:
            if any(self.order_line.product_id.mapped("subscribable")):
                message = self.env._(
                    "%(order)s already has a recurring line: no companion to add.",
                    order=self.display_name,
                )
            elif suggestions:
                message = self.env._(
                    '"%(product)s" is not a recurring companion of the products of '
                    "%(order)s. Suggested: %(suggested)s.",
                    product=product.display_name,
                    order=self.display_name,
                    suggested=", ".join(suggestions.mapped("display_name")),
                )
            else:
                message = self.env._(
                    '"%(product)s" is not a recurring companion of the products of '
                    "%(order)s, which suggest none.",
                    product=product.display_name,
                    order=self.display_name,
                )
            raise UserError(message)
        self.env["sale.order.line"].create(
            {"order_id": self.id, "product_id": product.id, "product_uom_qty": 1.0}
        )
        return True
