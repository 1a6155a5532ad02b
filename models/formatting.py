# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Numbers and dates in the texts the addon computes, formatted the way the
web client shows them to the user: in the user's language and date format,
quantities without trailing zeros ("25 of 30 units"), "15 %"."""

from odoo.tools import format_amount, format_date, formatLang
from odoo.tools.misc import get_lang

__all__ = ["format_amount", "format_date", "format_percent", "format_quantity"]


def format_quantity(env, value, digits=None):
    """``value`` with the language's separators and no trailing zeros."""
    if digits is None:
        digits = env["decimal.precision"].precision_get("Product Unit of Measure")
    text = formatLang(env, value or 0.0, digits=digits)
    decimal_point = get_lang(env).decimal_point
    if decimal_point and decimal_point in text:
        text = text.rstrip("0").rstrip(decimal_point)
    return text


def format_percent(env, value):
    """A percentage: "15 %", "20.83 %"."""
    return f"{format_quantity(env, value, digits=2)} %"
