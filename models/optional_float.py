# Copyright 2026 customer_value contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""A float whose "no value" is stored as NULL, not 0.

Odoo stores an empty float as 0.0, so an average over it counts the records
it does not concern. The rates the pivots average (re-offers won, referrals
won) are empty on the others: SQL's avg() leaves them out."""

from odoo import fields


class OptionalFloat(fields.Float):
    def convert_to_column(self, value, record, values=None, validate=True):
        if value is None or value is False:
            return None
        return super().convert_to_column(value, record, values, validate)

    def convert_to_cache(self, value, record, validate=True):
        if value is None or value is False:
            return None
        return super().convert_to_cache(value, record, validate)

    def convert_to_record(self, value, record):
        return False if value is None else value
