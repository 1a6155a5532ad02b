# Copyright 2026 customer_value contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""18.0.1.5.0: the score of a feedback request not answered is empty (it was
stored as 0, the worst NPS answer, and shown as such in lists and exports)."""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        "UPDATE customer_feedback SET score = NULL "
        "WHERE state != 'answered' AND score IS NOT NULL"
    )
