# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models
from odoo.tools import SQL

from .sql_view import create_sql_view


class CrossgradeWinReport(models.Model):
    """One row per crossgrade origin won by a confirmed sales order."""

    _name = "crossgrade.win.report"
    _description = "Crossgrade Wins Analysis"
    _auto = False
    _order = "date desc"
    # what the view reads: flushed before it is searched
    _depends = {
        "sale.order": ["date_order", "state", "user_id", "company_id", "currency_rate"],
        "sale.order.line": [
            "order_id",
            "crossgrade_origin_id",
            "crossgrade_qty",
            "crossgrade_discount",
            "price_subtotal",
        ],
        "crossgrade.origin": ["competitor_id", "competitor_product_id", "partner_id"],
        "res.company": ["currency_id"],
    }

    date = fields.Datetime(string="Order Date", readonly=True)
    order_id = fields.Many2one("sale.order", readonly=True)
    origin_id = fields.Many2one("crossgrade.origin", readonly=True)
    competitor_id = fields.Many2one("crossgrade.competitor", readonly=True)
    competitor_product_id = fields.Many2one(
        "crossgrade.competitor.product", readonly=True
    )
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    seats = fields.Float(string="Crossgrade Units", readonly=True)
    revenue = fields.Monetary(string="Won Revenue", readonly=True)
    discount = fields.Monetary(string="Discount Given", readonly=True)

    def _query(self):
        # Amounts in the company currency, as sale.report does.
        return SQL(
            """
            SELECT min(line.id) AS id,
                   so.date_order AS date,
                   so.id AS order_id,
                   origin.id AS origin_id,
                   origin.competitor_id AS competitor_id,
                   origin.competitor_product_id AS competitor_product_id,
                   origin.partner_id AS partner_id,
                   so.user_id AS user_id,
                   so.company_id AS company_id,
                   company.currency_id AS currency_id,
                   sum(line.crossgrade_qty) AS seats,
                   sum(line.price_subtotal
                       / COALESCE(NULLIF(so.currency_rate, 0), 1.0)) AS revenue,
                   sum(line.crossgrade_discount
                       / COALESCE(NULLIF(so.currency_rate, 0), 1.0)) AS discount
              FROM sale_order_line line
              JOIN sale_order so ON so.id = line.order_id
              JOIN res_company company ON company.id = so.company_id
              JOIN crossgrade_origin origin ON origin.id = line.crossgrade_origin_id
             WHERE so.state = 'sale'
             GROUP BY so.id, origin.id, company.currency_id
            """
        )

    def init(self):
        create_sql_view(self)
