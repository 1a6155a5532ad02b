# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class CustomerVoucherGrant(models.Model):
    """A product that grants vouchers of a type when it is sold."""

    _name = "customer.voucher.grant"
    _inherit = ["customer.value.input.mixin"]
    _description = "Product Granting Vouchers"
    _order = "type_id, id"
    _check_company_auto = True

    type_id = fields.Many2one(
        "customer.voucher.type",
        string="Voucher Type",
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(related="type_id.company_id", store=True)
    product_tmpl_id = fields.Many2one(
        "product.template",
        string="Product",
        required=True,
        ondelete="restrict",
        index=True,
        check_company=True,
    )
    quantity = fields.Integer(
        string="Vouchers per Unit",
        required=True,
        default=1,
        help="Vouchers issued for each unit of the product sold.",
    )
    issue_on = fields.Selection(
        [("first_sale", "First sale only"), ("every_renewal", "Every renewal")],
        required=True,
        default="first_sale",
        help="First sale only: the order that sells the product issues the "
        "vouchers, its subscription's renewal orders do not. Every renewal: each "
        "renewal order of the subscription issues them again (yearly training "
        "credits, for example).",
    )

    _sql_constraints = [
        (
            "type_product_uniq",
            "unique(type_id, product_tmpl_id)",
            "A product grants a voucher type once: change its quantity instead.",
        ),
        (
            "quantity_positive",
            "CHECK(quantity > 0)",
            "A product grants at least one voucher per unit.",
        ),
    ]
