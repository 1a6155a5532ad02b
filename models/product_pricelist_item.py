# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .auto_init import create_empty_columns
from .column_defaults import set_column_defaults


class ProductPricelistItem(models.Model):
    _inherit = "product.pricelist.item"

    # Crossgrade (migration pricelists)
    crossgrade_competitor_ids = fields.Many2many(
        "crossgrade.competitor",
        "product_pricelist_item_crossgrade_competitor_rel",
        "item_id",
        "competitor_id",
        string="Migrating from Competitors",
        help="Apply this rule only to customers who use a product of one of "
        "these competitors (a crossgrade origin that is not yet migrated).",
    )
    crossgrade_competitor_product_ids = fields.Many2many(
        "crossgrade.competitor.product",
        "product_pricelist_item_crossgrade_product_rel",
        "item_id",
        "competitor_product_id",
        string="Migrating from Products",
        help="Apply this rule only to customers who use one of these competitor "
        "products (a crossgrade origin that is not yet migrated).",
    )
    crossgrade_verified_only = fields.Boolean(
        string="Verified Origins Only",
        default=True,
        help="When set, the customer's origin must have been verified by a "
        "Sales manager; otherwise a declared origin is enough.",
    )
    crossgrade_restricted = fields.Boolean(
        string="Crossgrade Rule",
        compute="_compute_crossgrade_restricted",
        store=True,
        index=True,
    )

    def _auto_init(self):
        """Created empty (not a crossgrade rule): before the install no rule
        named competitors."""
        create_empty_columns(self, ["crossgrade_restricted"])
        return super()._auto_init()

    def init(self):
        res = super().init()
        # rules created where this addon's fields are unknown (an earlier
        # module's tests) ask for verified origins too
        set_column_defaults(self, ["crossgrade_verified_only"])
        return res

    @api.depends("crossgrade_competitor_ids", "crossgrade_competitor_product_ids")
    def _compute_crossgrade_restricted(self):
        for item in self:
            item.crossgrade_restricted = bool(
                item.crossgrade_competitor_ids or item.crossgrade_competitor_product_ids
            )

    @api.constrains("crossgrade_competitor_ids", "crossgrade_competitor_product_ids")
    def _check_crossgrade_active(self):
        for item in self.with_context(active_test=False):
            archived = item.crossgrade_competitor_ids.filtered(
                lambda c: not c.active
            ).mapped("display_name") + item.crossgrade_competitor_product_ids.filtered(
                lambda p: not p.active or not p.competitor_id.active
            ).mapped("display_name")
            if archived:
                raise ValidationError(
                    self.env._(
                        "The crossgrade condition of pricelist rule %(rule)s names "
                        "archived competitors or products: %(names)s. Restore "
                        "them or remove them from the rule.",
                        rule=item.display_name,
                        names=", ".join(archived),
                    )
                )
