# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import tools
from odoo.tools import SQL


def create_sql_view(report):
    """(Re)create the SQL view of ``report`` (an ``_auto = False`` model) from
    its ``_query()``, at install and upgrade (the model's ``init``)."""
    tools.drop_view_if_exists(report.env.cr, report._table)
    report.env.cr.execute(
        SQL(
            "CREATE OR REPLACE VIEW %s AS (%s)",
            SQL.identifier(report._table),
            report._query(),
        )
    )
