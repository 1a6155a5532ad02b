# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models
from odoo.tools import SQL

from .sql_view import create_sql_view


class CustomerWhitespaceReport(models.Model):
    """One row per customer, company and product category where something
    happens: the customer owns a product of it (confirmed sales of the next
    offers' period, running subscriptions), else was offered one, else has
    one among their next offers (not yet offered). The categories where
    nothing happens are the whitespace left."""

    _name = "customer.whitespace.report"
    _description = "Whitespace Analysis"
    _auto = False
    _order = "partner_id, categ_id"
    _depends = {
        "sale.order": ["state", "date_order", "partner_id", "company_id"],
        "sale.order.line": ["order_id", "product_id", "is_downpayment"],
        "sale.subscription": ["revenue_active", "commercial_partner_id", "company_id"],
        "sale.subscription.line": ["sale_subscription_id", "product_id"],
        "customer.next.offer": [
            "partner_id",
            "company_id",
            "product_categ_id",
            "state",
        ],
        "product.template": ["categ_id"],
        "res.partner": ["commercial_partner_id", "user_id"],
    }

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    categ_id = fields.Many2one(
        "product.category", string="Product Category", readonly=True
    )
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    status = fields.Selection(
        [("owns", "Owns"), ("offered", "Offered"), ("not_yet", "Not Yet")],
        readonly=True,
    )
    owns = fields.Integer(
        readonly=True, help="1 when the customer has a product of it."
    )
    offered = fields.Integer(
        readonly=True, help="1 when a product of it was offered, none owned."
    )
    not_yet = fields.Integer(
        readonly=True,
        help="1 when a product of it is among the next offers, none owned or offered.",
    )

    def _query(self):
        return SQL(
            """
            WITH period AS (
                SELECT (now() AT TIME ZONE 'UTC') - make_interval(months => COALESCE(
                    (SELECT CASE WHEN value ~ '^[0-9]+$' THEN value::int END
                       FROM ir_config_parameter
                      WHERE key = 'customer_value.next_offer_months'), 24)) AS since
            ), fact AS (
                SELECT p.commercial_partner_id AS partner_id, o.company_id,
                       t.categ_id, 3 AS level
                  FROM sale_order o
                  JOIN period ON o.date_order >= period.since
                  JOIN res_partner p ON p.id = o.partner_id
                  JOIN sale_order_line l ON l.order_id = o.id
                  JOIN product_product pp ON pp.id = l.product_id
                  JOIN product_template t ON t.id = pp.product_tmpl_id
                 WHERE o.state = 'sale' AND NOT COALESCE(l.is_downpayment, false)
                 UNION ALL
                SELECT s.commercial_partner_id, s.company_id, t.categ_id, 3
                  FROM sale_subscription s
                  JOIN sale_subscription_line sl ON sl.sale_subscription_id = s.id
                  JOIN product_product pp ON pp.id = sl.product_id
                  JOIN product_template t ON t.id = pp.product_tmpl_id
                 WHERE s.revenue_active AND s.commercial_partner_id IS NOT NULL
                 UNION ALL
                SELECT partner_id, company_id, product_categ_id,
                       CASE WHEN state = 'offered' THEN 2 ELSE 1 END
                  FROM customer_next_offer
                 WHERE state IN ('new', 'offered')
            ), cell AS (
                SELECT partner_id, company_id, categ_id, max(level) AS level
                  FROM fact GROUP BY partner_id, company_id, categ_id
            )
            SELECT row_number() OVER (ORDER BY cell.partner_id, cell.company_id,
                                      cell.categ_id) AS id,
                   cell.partner_id, cell.company_id, cell.categ_id,
                   customer.user_id,
                   CASE cell.level WHEN 3 THEN 'owns' WHEN 2 THEN 'offered'
                        ELSE 'not_yet' END AS status,
                   (cell.level = 3)::int AS owns,
                   (cell.level = 2)::int AS offered,
                   (cell.level = 1)::int AS not_yet
              FROM cell JOIN res_partner customer ON customer.id = cell.partner_id
            """
        )

    def init(self):
        create_sql_view(self)
