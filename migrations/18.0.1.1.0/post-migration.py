# Copyright 2026 customer_value contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""18.0.1.1.0: the reminder job of 18.0.1.0.0 logged reminders without their
company, which the multi-company rule then hid from everyone: fill it in."""

from odoo.tools import SQL


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        SQL(
            """
            UPDATE customer_voucher_reminder r
               SET company_id = v.company_id
              FROM customer_voucher v
             WHERE v.id = r.voucher_id AND r.company_id IS NULL
            """
        )
    )
