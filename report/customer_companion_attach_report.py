# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models
from odoo.tools import SQL

from .sql_view import create_sql_view


class CustomerCompanionAttachReport(models.Model):
    """One row per confirmed order and one-off product that has recurring
    companions: did the order include one of them?"""

    _name = "customer.companion.attach.report"
    _description = "Recurring Companion Attach Rate"
    _auto = False
    _order = "date desc"
    # what the view reads: flushed before it is searched
    _depends = {
        "sale.order": ["date_order", "state", "user_id", "company_id", "partner_id"],
        "sale.order.line": ["order_id", "product_id"],
        "product.product": ["product_tmpl_id"],
        "product.template": ["recurring_companion_ids", "categ_id"],
    }

    date = fields.Datetime(string="Order Date", readonly=True)
    order_id = fields.Many2one("sale.order", readonly=True)
    product_tmpl_id = fields.Many2one(
        "product.template", string="Product", readonly=True
    )
    categ_id = fields.Many2one("product.category", string="Category", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    attach_rate = fields.Float(
        readonly=True,
        aggregator="avg",
        help="Share of the orders of the product that included one of its "
        "recurring companions.",
    )
    attached_count = fields.Integer(
        string="Orders with a Companion",
        readonly=True,
        aggregator="sum",
    )

    def _query(self):
        return SQL(
            """
            SELECT min(line.id) AS id,
                   so.date_order AS date,
                   so.id AS order_id,
                   tmpl.id AS product_tmpl_id,
                   tmpl.categ_id AS categ_id,
                   so.partner_id AS partner_id,
                   so.user_id AS user_id,
                   so.team_id AS team_id,
                   so.company_id AS company_id,
                   attached.yes::int::float AS attach_rate,
                   attached.yes::int AS attached_count
              FROM sale_order_line line
              JOIN sale_order so ON so.id = line.order_id
              JOIN product_product pp ON pp.id = line.product_id
              JOIN product_template tmpl ON tmpl.id = pp.product_tmpl_id
              CROSS JOIN LATERAL (
                    SELECT EXISTS (
                        SELECT 1
                          FROM sale_order_line other
                          JOIN product_product cp ON cp.id = other.product_id
                          JOIN product_template_recurring_companion_rel rel
                            ON rel.companion_tmpl_id = cp.product_tmpl_id
                           AND rel.product_tmpl_id = tmpl.id
                         WHERE other.order_id = so.id
                    ) AS yes
              ) attached
             WHERE so.state = 'sale'
               AND EXISTS (
                    SELECT 1 FROM product_template_recurring_companion_rel has
                     WHERE has.product_tmpl_id = tmpl.id)
             GROUP BY so.id, tmpl.id, attached.yes
            """
        )

    def init(self):
        create_sql_view(self)
