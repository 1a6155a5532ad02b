# Copyright 2026 customer_value contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models
from odoo.tools import SQL

from ..models.sale_subscription_change import ADJUSTMENT_TYPES
from .sql_view import create_sql_view


class SaleSubscriptionMrrReport(models.Model):
    """MRR bridge per company and month: opening MRR, each kind of movement,
    adjustments, closing MRR, gross and net revenue retention. One SQL
    aggregate over the done movements; months without movements are listed
    too.

    Adjustments correct the recorded history (see
    ``sale_subscription_opening.py``): they are in the closing MRR but not in
    the net new MRR nor the retention, so a month reads opening + net new MRR
    + adjustments = closing."""

    _name = "sale.subscription.mrr.report"
    _description = "Monthly MRR Analysis"
    _auto = False
    _order = "date desc, company_id"
    _depends = {
        "sale.subscription.change": [
            "company_id",
            "date",
            "change_type",
            "state",
            "mrr_before",
            "mrr_after",
            "mrr_delta",
        ],
    }

    date = fields.Date(string="Month", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    # Balances, not flows: never summed over months. "max" lets the MRR over
    # time graph show them by month (and company).
    opening_mrr = fields.Monetary(string="Opening MRR", readonly=True, aggregator="max")
    new_mrr = fields.Monetary(string="New", readonly=True)
    expansion_mrr = fields.Monetary(string="Expansion", readonly=True)
    upgrade_mrr = fields.Monetary(string="Upgrade", readonly=True)
    cross_sell_mrr = fields.Monetary(string="Cross-sell", readonly=True)
    reactivation_mrr = fields.Monetary(string="Reactivation", readonly=True)
    contraction_mrr = fields.Monetary(string="Contraction", readonly=True)
    downgrade_mrr = fields.Monetary(string="Downgrade", readonly=True)
    churn_mrr = fields.Monetary(string="Churn", readonly=True)
    net_mrr = fields.Monetary(
        string="Net New MRR",
        readonly=True,
        help="The customers' movements of the month (adjustments left out).",
    )
    adjustment_mrr = fields.Monetary(
        string="Adjustments",
        readonly=True,
        help="Corrections of the recorded history (opening adjustments): in the "
        "closing MRR, not in the net new MRR or the retention.",
    )
    closing_mrr = fields.Monetary(string="Closing MRR", readonly=True, aggregator="max")
    gross_retention = fields.Float(
        string="Gross Revenue Retention (%)",
        readonly=True,
        aggregator=None,
        help="(Opening MRR - contraction - downgrade - churn) / opening MRR.",
    )
    net_retention = fields.Float(
        string="Net Revenue Retention (%)",
        readonly=True,
        aggregator=None,
        help="(Opening MRR + expansion + upgrade + cross-sell - contraction - "
        "downgrade - churn) / opening MRR. New and reactivated customers are not "
        "counted.",
    )

    def _query(self):
        kinds = (
            "new",
            "expansion",
            "upgrade",
            "cross_sell",
            "reactivation",
            "contraction",
            "downgrade",
            "churn",
            "adjustment",
        )
        sums = SQL(", ").join(
            SQL(
                "sum(mrr_delta) FILTER (WHERE change_type = %s) AS %s",
                kind,
                SQL.identifier(f"{kind}_mrr"),
            )
            for kind in kinds
        )
        columns = SQL(", ").join(
            SQL(
                "COALESCE(s.%s, 0) AS %s",
                SQL.identifier(f"{kind}_mrr"),
                SQL.identifier(f"{kind}_mrr"),
            )
            for kind in kinds
        )
        return SQL(
            """
            WITH moves AS (
                SELECT company_id,
                       date_trunc('month', date)::date AS month,
                       change_type,
                       mrr_delta
                  FROM sale_subscription_change
                 WHERE state = 'done'
            ), sums AS (
                SELECT company_id, month,
                       COALESCE(sum(mrr_delta) FILTER (
                           WHERE change_type NOT IN %(adjustments)s), 0) AS net_mrr,
                       sum(mrr_delta) AS total_mrr,
                       %(sums)s
                  FROM moves
                 GROUP BY company_id, month
            ), months AS (
                SELECT b.company_id, gs::date AS month
                  FROM (SELECT company_id,
                               min(month) AS first_month,
                               greatest(max(month),
                                        date_trunc('month', now())::date) AS last_month
                          FROM sums GROUP BY company_id) b,
                       generate_series(b.first_month, b.last_month,
                                       interval '1 month') gs
            ), bridge AS (
                SELECT m.company_id,
                       m.month,
                       COALESCE(s.net_mrr, 0) AS net_mrr,
                       %(columns)s,
                       sum(COALESCE(s.total_mrr, 0)) OVER w AS closing_mrr,
                       sum(COALESCE(s.total_mrr, 0)) OVER w
                           - COALESCE(s.total_mrr, 0) AS opening_mrr
                  FROM months m
                  LEFT JOIN sums s
                    ON s.company_id = m.company_id AND s.month = m.month
                WINDOW w AS (PARTITION BY m.company_id ORDER BY m.month)
            )
            SELECT row_number() OVER (ORDER BY bridge.company_id, bridge.month) AS id,
                   bridge.month AS date,
                   bridge.company_id,
                   company.currency_id,
                   bridge.opening_mrr,
                   bridge.new_mrr, bridge.expansion_mrr, bridge.upgrade_mrr,
                   bridge.cross_sell_mrr, bridge.reactivation_mrr,
                   bridge.contraction_mrr, bridge.downgrade_mrr, bridge.churn_mrr,
                   bridge.net_mrr,
                   bridge.adjustment_mrr,
                   bridge.closing_mrr,
                   CASE WHEN bridge.opening_mrr > 0 THEN
                       100.0 * (bridge.opening_mrr
                                + bridge.contraction_mrr + bridge.downgrade_mrr
                                + bridge.churn_mrr)
                       / bridge.opening_mrr
                   END AS gross_retention,
                   CASE WHEN bridge.opening_mrr > 0 THEN
                       100.0 * (bridge.opening_mrr
                                + bridge.expansion_mrr + bridge.upgrade_mrr
                                + bridge.cross_sell_mrr + bridge.contraction_mrr
                                + bridge.downgrade_mrr + bridge.churn_mrr)
                       / bridge.opening_mrr
                   END AS net_retention
              FROM bridge
              JOIN res_company company ON company.id = bridge.company_id
            """,
            sums=sums,
            columns=columns,
            adjustments=ADJUSTMENT_TYPES,
        )

    def init(self):
        create_sql_view(self)
