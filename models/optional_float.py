# Copyright 2026 customer_value contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""A float (and an integer) whose "no value" is stored as NULL, not 0.

Odoo stores an empty float as 0.0 and an empty integer as 0, so an average
over it counts the records it does not concern, and the list shows 0 where
nothing was given. The rates the pivots average (re-offers won, referrals
won) and the score of a feedback request not answered yet (0 is the worst
NPS answer) are empty on the others: SQL's avg() leaves them out and the
web client shows a blank cell."""

from odoo import fields


class _EmptyIsNull:
    """Stores "no value" (False or None) as NULL and reads it back as False."""

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


class OptionalFloat(_EmptyIsNull, fields.Float):
    pass


class OptionalInteger(_EmptyIsNull, fields.Integer):
    def convert_to_read(self, value, record, use_display_name=True):
        return False if value is None or value is False else value

    def convert_to_export(self, value, record):
        return "" if value is None or value is False else value
