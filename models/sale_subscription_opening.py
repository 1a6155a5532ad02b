# Copyright 2026 customer_value contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Opening balances: the MRR history of subscriptions that existed before the
addon (or before an upgrade that fixed their history).

Run once, at install (``data/sale_subscription_opening_data.xml``, noupdate),
and by the upgrade scripts of versions that change the history
(``migrations/``); idempotent:

- a running subscription without any done movement gets an *opening*
  movement dated at its start, typed per customer in order of start like any
  other movement (``new`` for the customer's first, ``expansion`` or
  ``cross_sell`` for the next ones), for its monthly price converted at the
  rate of that day. Past months of the MRR report then count the
  subscriptions that ran in them at today's price; closed subscriptions, whose
  revenue is not known any more, are not invented;
- a subscription in the company currency whose movements do not add up to
  its monthly price any more (history written by an older version) gets an
  opening *adjustment* dated today: a movement of type ``adjustment``, a
  correction of the record and not a customer's expansion or contraction. The
  MRR bridge shows it in a column of its own; flows, retention, goals and
  health leave it out.

After it, the closing MRR of the current month of the MRR report equals the
MRR of the running subscriptions, per company (opening + flows + adjustments
= closing).
"""

import logging

from odoo import api, fields, models
from odoo.tools import SQL, float_is_zero

_logger = logging.getLogger(__name__)


class SaleSubscription(models.Model):
    _inherit = "sale.subscription"

    @api.model
    def _cv_open_history(self):
        """Give the subscriptions of the database their opening movements.
        Returns the movements created."""
        self.env.flush_all()
        # An older version stored the MRR computed from the lines: it is the
        # sum of the done movements now. One statement for all subscriptions
        # (the ORM would load each one); the column is the only one it fills.
        self.env.cr.execute(
            SQL(
                """
                UPDATE sale_subscription s
                   SET mrr = booked.mrr
                  FROM (SELECT s2.id,
                               COALESCE(sum(m.mrr_delta), 0) AS mrr
                          FROM sale_subscription s2
                     LEFT JOIN sale_subscription_change m
                            ON m.subscription_id = s2.id AND m.state = 'done'
                      GROUP BY s2.id) booked
                 WHERE booked.id = s.id AND s.mrr IS DISTINCT FROM booked.mrr
                """
            )
        )
        self.env["sale.subscription"].invalidate_model(["mrr"])
        self.env.cr.execute(
            SQL(
                """
                SELECT s.id,
                       s.revenue_active,
                       s.recurring_mrr,
                       s.currency_id IS NOT NULL
                           AND s.currency_id != c.currency_id AS foreign_currency,
                       count(m.id) AS movements,
                       COALESCE(sum(m.mrr_delta), 0) AS booked
                  FROM sale_subscription s
                  JOIN res_company c ON c.id = s.company_id
             LEFT JOIN sale_subscription_change m
                    ON m.subscription_id = s.id AND m.state = 'done'
              GROUP BY s.id, c.currency_id
                """
            )
        )
        to_open, to_adjust = [], {}
        for (
            sub_id,
            running,
            recurring,
            foreign,
            movements,
            booked,
        ) in self.env.cr.fetchall():
            if not movements:
                if running and recurring:
                    to_open.append(sub_id)
            elif not foreign:
                target = recurring if running else 0.0
                if not float_is_zero(target - booked, precision_digits=6):
                    to_adjust[sub_id] = target - booked
        movements = self.browse(to_open).sudo()._cv_open_movements()
        movements |= self.browse(list(to_adjust)).sudo()._cv_adjust_movements(to_adjust)
        if movements:
            _logger.info(
                "customer_value: %s opening MRR movements for %s subscriptions",
                len(movements),
                len(movements.subscription_id),
            )
        return movements

    def _cv_opening_date(self):
        self.ensure_one()
        today = fields.Date.context_today(self)
        start = self.date_start or fields.Date.to_date(self.create_date) or today
        return min(start, today)

    def _cv_open_movements(self):
        """Opening movements of running subscriptions without history."""
        Change = self.env["sale.subscription.change"].sudo()
        vals_list = []
        seen = {}  # (customer, company) -> families of the subscriptions opened
        # customers who churned before (one query, not one per subscription)
        churned = {
            (partner.id, company.id)
            for partner, company in Change._read_group(
                [("state", "=", "done"), ("change_type", "=", "churn")],
                ["partner_id", "company_id"],
            )
        }
        ordered = self.sorted(lambda s: (s._cv_opening_date(), s.id))
        for sub in ordered:
            key = (sub.commercial_partner_id.id, sub.company_id.id)
            state = sub._cv_state()
            families = seen.get(key)
            change_type, _from, to_product = sub._cv_classify_start(
                state,
                families is not None,
                families or self.env["subscription.plan.family"],
                churned=key in churned,
            )
            seen[key] = (families or self.env["subscription.plan.family"]) | (
                sub.plan_family_id
            )
            date = sub._cv_opening_date()
            vals_list.append(
                {
                    "subscription_id": sub.id,
                    "change_type": change_type,
                    "state": "done",
                    "opening": True,
                    "date": date,
                    "mrr_before": 0.0,
                    "mrr_after": sub._cv_to_company(state["recurring"], date),
                    "to_product_id": to_product.id,
                    "user_id": self.env.uid,
                    "note": self.env._("Opening balance: running before the install."),
                }
            )
        return Change.create(vals_list)

    def _cv_adjust_movements(self, differences):
        """Opening adjustments: movements that bring the history of
        subscriptions back to their monthly price (``adjustment``: no customer
        movement)."""
        if not self:
            return self.env["sale.subscription.change"]
        # an adjustment that lowers the MRR needs a reason: the data record, or
        # one made again if a user deleted it (an upgrade must not fail on it)
        reason = self.env.ref(
            "customer_value.change_reason_opening_balance", raise_if_not_found=False
        ) or self.env["sale.subscription.change.reason"].sudo().create(
            {"name": self.env._("Opening balance")}
        )
        today = fields.Date.context_today(self)
        vals_list = []
        for sub in self:
            difference = differences[sub.id]
            vals_list.append(
                {
                    "subscription_id": sub.id,
                    "change_type": "adjustment",
                    "state": "done",
                    "opening": True,
                    "date": today,
                    "mrr_before": sub.mrr,
                    "mrr_after": sub.mrr + difference,
                    "from_product_id": sub.plan_product_id.id,
                    "to_product_id": sub.plan_product_id.id,
                    "reason_id": reason.id,
                    "user_id": self.env.uid,
                    "note": self.env._(
                        "Opening adjustment: the recorded history did not add up to "
                        "the monthly price."
                    ),
                }
            )
        return self.env["sale.subscription.change"].sudo().create(vals_list)
