# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Defaults kept by the database for the columns this addon adds to the
tables of other modules."""

from odoo.tools import SQL


def set_column_defaults(model, field_names):
    """Give the columns of ``field_names`` (fields this addon adds to another
    module's model, with a constant default) that default in PostgreSQL too.

    Odoo fills a field's default only in a registry that knows the field. A
    registry without this addon's fields still writes to the same table: an
    earlier module's at-install tests run in one (``--test-tags`` on a
    database where this addon is installed, as Odoo's own crm tests do), and
    so does any code run while the modules below this addon load. Without a
    column default, the rows they insert get NULL: a NOT NULL violation for a
    required field (a company created by crm's tests), a wrong value for the
    others (0 for a company's contact rhythm, False for a verified-only
    crossgrade rule)."""
    for name in field_names:
        field = model._fields[name]
        value = field.convert_to_column(field.default(model), model)
        model.env.cr.execute(
            SQL(
                "ALTER TABLE %s ALTER COLUMN %s SET DEFAULT %s",
                SQL.identifier(model._table),
                SQL.identifier(field.name),
                value,
            )
        )
