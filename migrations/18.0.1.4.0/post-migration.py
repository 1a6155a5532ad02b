# Copyright 2026 customer_value contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""18.0.1.4.0: the re-offer win rate of a lead that is no re-offer is empty
(it was stored as 0, which lowered the average in the pipeline analysis)."""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        "UPDATE crm_lead SET reoffer_win_rate = NULL "
        "WHERE reoffer_of_id IS NULL AND reoffer_win_rate IS NOT NULL"
    )
