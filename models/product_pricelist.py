# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import models
from odoo.osv import expression


class ProductPricelist(models.Model):
    _inherit = "product.pricelist"

    def _get_applicable_rules_domain(self, products, date, **kwargs):
        """Crossgrade rules apply only when the caller says which qualify.

        Sales order lines put the ids of the crossgrade rules their customer
        qualifies for in the context (``crossgrade_rule_ids``); any other
        price computation (product page, pricelist report, other customers)
        skips crossgrade rules and falls through to the next rule as usual.
        """
        domain = super()._get_applicable_rules_domain(products, date, **kwargs)
        eligible = self.env.context.get("crossgrade_rule_ids") or []
        return expression.AND(
            [
                domain,
                ["|", ("crossgrade_restricted", "=", False), ("id", "in", eligible)],
            ]
        )
