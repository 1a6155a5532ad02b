# Copyright 2026 customer_value contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""A recurring element in everything sold: the subscription products offered
with a one-off product (hardware: managed service, licence: support plan)."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ProductTemplate(models.Model):
    _inherit = "product.template"

    recurring_companion_ids = fields.Many2many(
        "product.template",
        "product_template_recurring_companion_rel",
        "product_tmpl_id",
        "companion_tmpl_id",
        string="Recurring Companions",
        domain="[('subscribable', '=', True), ('id', '!=', id), "
        "'|', ('company_id', '=', False), ('company_id', '=', company_id)]",
        help="Subscription products suggested on a quotation of this product "
        "that has no recurring line yet (hardware: a managed service, a "
        "licence: a support plan).",
    )

    @api.constrains("recurring_companion_ids", "subscribable", "company_id")
    def _check_recurring_companions(self):
        for tmpl in self.filtered("recurring_companion_ids"):
            if tmpl.subscribable:
                raise ValidationError(
                    self.env._(
                        'Product "%(product)s" is a subscription product: it is '
                        "recurring already and needs no recurring companion.",
                        product=tmpl.display_name,
                    )
                )
            companions = tmpl.recurring_companion_ids
            if tmpl in companions:
                raise ValidationError(
                    self.env._(
                        'Product "%(product)s" cannot be its own recurring '
                        "companion.",
                        product=tmpl.display_name,
                    )
                )
            wrong = companions.filtered(
                lambda c: not c.subscribable or not c.subscription_template_id
            )
            if wrong:
                raise ValidationError(
                    self.env._(
                        'Recurring companions of "%(product)s" must be '
                        "subscription products with a subscription template "
                        "(so that confirming the order starts the subscription): "
                        "%(wrong)s is not.",
                        product=tmpl.display_name,
                        wrong=", ".join(wrong.mapped("display_name")),
                    )
                )
            foreign = companions.filtered(
                lambda c, tmpl=tmpl: tmpl.company_id
                and c.company_id
                and c.company_id != tmpl.company_id
            )
            if foreign:
                raise ValidationError(
                    self.env._(
                        'Recurring companions of "%(product)s" must be sold by '
                        "the same company: %(wrong)s belongs to another one.",
                        product=tmpl.display_name,
                        wrong=", ".join(foreign.mapped("display_name")),
                    )
                )
