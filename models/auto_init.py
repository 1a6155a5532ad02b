# Copyright 2026 customer_value contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Stored computed fields the addon adds to the big tables of a database
(partners, orders, order lines, subscriptions, ...).

When Odoo creates the column of a stored computed field on a table that has
rows, it computes the field record by record, through the ORM: on a database
with hundreds of thousands of partners or order lines that takes long and
holds every record in memory. The models create those columns themselves,
empty, before Odoo looks at them (in ``_auto_init``), and fill them with one
SQL statement where the value is not empty at install.
"""

from odoo.tools.sql import column_exists, create_column


def create_empty_columns(model, names):
    """Create the columns of the fields ``names`` of ``model`` that do not
    exist yet, empty. Returns the names of the columns created (an upgrade
    from a version that had them creates none)."""
    cr = model.env.cr
    created = []
    for name in names:
        field = model._fields[name]
        if not column_exists(cr, model._table, name):
            create_column(cr, model._table, name, field.column_type[1], field.string)
            created.append(name)
    return created
