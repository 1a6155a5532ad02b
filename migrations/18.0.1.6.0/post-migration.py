# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""18.0.1.6.0: the opening balances of the MRR history run at install only,
no longer on every upgrade, and book what does not add up as an
*adjustment*, not as a customer's expansion or contraction.

- The opening adjustments that earlier upgrades booked become adjustments.
  Only those the routine wrote are taken: done opening movements with the
  "Opening balance" reason of the addon, from and to the same plan, typed
  expansion or contraction (the opening movement of a subscription's start
  has no reason and no plan before it; users cannot write ``opening``).
- The routine runs a last time, as the upgrades before did: an upgrade from
  an older version, whose scripts changed the history, ends reconciled (its
  differences booked as adjustments).
- The last contact dates are moved by a job every 15 minutes, no longer by
  each message posted: the job starts after the last message, all counted
  before."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    retype_opening_adjustments(cr)
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["sale.subscription"]._cv_open_history()
    env["res.partner"]._init_contact_watermark()


def retype_opening_adjustments(cr):
    cr.execute(
        """
        UPDATE sale_subscription_change c
           SET change_type = 'adjustment'
          FROM ir_model_data d
         WHERE d.module = 'customer_value'
           AND d.name = 'change_reason_opening_balance'
           AND d.model = 'sale.subscription.change.reason'
           AND c.reason_id = d.res_id
           AND c.opening
           AND c.state = 'done'
           AND c.change_type IN ('expansion', 'contraction')
           AND c.from_product_id IS NOT DISTINCT FROM c.to_product_id
        """
    )
    return cr.rowcount
