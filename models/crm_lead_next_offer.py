# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Leads: the product a next-best-offer opportunity offers."""

from odoo import fields, models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    # set by customer.next.offer.action_create_opportunity: lost, it keeps
    # the product out of the customer's offers for some months
    next_offer_product_tmpl_id = fields.Many2one(
        "product.template",
        string="Offered Product",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        help="The product this cross-sell opportunity offers.",
    )
