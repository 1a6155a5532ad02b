# Copyright 2026 customer_value contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The one-click "Add" of a recurring suggestion, from its row on the
quotation form (the row is the product; the quotation is in the context)."""

from odoo import models
from odoo.exceptions import UserError


class ProductProduct(models.Model):
    _inherit = "product.product"

    def action_add_to_quotation_as_companion(self):
        Mixin = self.env["customer.value.input.mixin"]
        Mixin._cv_check_one(self)
        order = Mixin._cv_browse(
            "sale.order",
            self.env.context.get("recurring_order_id"),
            self.env._("Quotation"),
        )
        if not order:
            raise UserError(
                self.env._("Save the quotation first, then add the companion.")
            )
        return order.action_add_recurring_companion(self.id)
