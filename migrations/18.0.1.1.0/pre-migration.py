# Copyright 2026 customer_value contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""18.0.1.1.0: crossgrade.origin.verified_by becomes verified_by_id (a
many2one ends in _id); the column and its metadata are renamed, so the data
stays."""

from odoo.tools import SQL
from odoo.tools.sql import column_exists


def migrate(cr, version):
    if not version:
        return
    if column_exists(cr, "crossgrade_origin", "verified_by") and not column_exists(
        cr, "crossgrade_origin", "verified_by_id"
    ):
        cr.execute(
            SQL(
                "ALTER TABLE crossgrade_origin "
                "RENAME COLUMN verified_by TO verified_by_id"
            )
        )
    cr.execute(
        SQL(
            """
            UPDATE ir_model_fields SET name = 'verified_by_id'
             WHERE model = 'crossgrade.origin' AND name = 'verified_by'
               AND NOT EXISTS (SELECT 1 FROM ir_model_fields
                                WHERE model = 'crossgrade.origin'
                                  AND name = 'verified_by_id')
            """
        )
    )
    cr.execute(
        SQL(
            """
            UPDATE ir_model_data
               SET name = 'field_crossgrade_origin__verified_by_id'
             WHERE module = 'customer_value'
               AND name = 'field_crossgrade_origin__verified_by'
               AND NOT EXISTS (SELECT 1 FROM ir_model_data
                                WHERE module = 'customer_value'
                                  AND name = 'field_crossgrade_origin__verified_by_id')
            """
        )
    )
