# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.http import request


def in_customer_language(record, lang):
    """Render the rest of the request in the customer's language ``lang`` when
    it is installed; return ``record`` in that language."""
    if lang and lang in dict(request.env["res.lang"].get_installed()):
        request.update_context(lang=lang)
        return record.with_context(lang=lang)
    return record
