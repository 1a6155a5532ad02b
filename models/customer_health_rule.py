# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from .customer_feedback import UNHAPPY
from .formatting import format_amount, format_date, format_percent
from .sale_subscription_change import ADJUSTMENT_TYPES

SIGNALS = [
    ("feedback", "Latest feedback unhappy"),
    ("feedback_trend", "NPS falling"),
    ("followup_overdue", "Feedback follow-ups overdue"),
    ("mrr_contraction", "MRR down"),
    ("scheduled_downgrade", "Downgrade or cancellation scheduled"),
    ("vouchers_unused", "Vouchers unused"),
    ("no_contact", "No contact"),
    ("invoices_overdue", "Invoices overdue"),
    ("trial_ending", "Trial ending"),
    ("no_recurring_element", "No recurring element"),
    ("ignores_newsletters", "Ignores our newsletters"),
]


class CustomerHealthRule(models.Model):
    """A signal of customer health, with the points it costs. A customer starts
    at 100; each signal found costs its points; the status follows the
    company's thresholds. Each signal is computed for a batch of customers in
    one grouped query."""

    _name = "customer.health.rule"
    _description = "Customer Health Rule"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Selection(SIGNALS, string="Signal", required=True, readonly=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    points = fields.Integer(
        required=True,
        default=20,
        help="Points a customer loses when the signal is found (out of 100).",
    )
    threshold = fields.Float(
        help="When the signal counts: a drop of MRR in %, an NPS fall in points, "
        "days without contact, days before a trial ends, vouchers unused, "
        "newsletters received.",
    )
    window_days = fields.Integer(
        string="Window (days)",
        help="The period looked at: the answers given within it, the MRR drop "
        "within it, the vouchers that expire within it.",
    )
    description = fields.Text(translate=True)

    _sql_constraints = [
        ("code_uniq", "unique(code)", "There is one rule per signal."),
    ]

    @api.constrains("points", "threshold", "window_days")
    def _check_numbers(self):
        for rule in self:
            if (
                not 0 <= rule.points <= 100
                or rule.threshold < 0
                or rule.window_days < 0
            ):
                raise ValidationError(
                    self.env._(
                        "Health rule %(name)s: points go from 0 to 100; the "
                        "threshold and the window cannot be negative.",
                        name=rule.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # Signals: each returns {partner_id: [(name, points, res_model, res_id)]}
    # for the commercial partners ``ids``, in one query, from the documents
    # of the current company only (amounts in its currency).
    # ------------------------------------------------------------------
    def _signal(self, ids, today):
        self.ensure_one()
        return getattr(self, f"_signal_{self.code}")(tuple(ids), today)

    def _rows(self, query):
        return self.env.execute_query(query)

    def _labels(self, model, fname):
        return dict(self.env[model]._fields[fname]._description_selection(self.env))

    def _signal_feedback(self, ids, today):
        """The latest answer to each metric within the window (90 days by
        default), when it is unhappy and its follow-up is not resolved."""
        categories = self._labels("customer.feedback", "category")
        since = today - timedelta(days=self.window_days or 90)
        rows = self._rows(
            SQL(
                """
                SELECT partner_id, id, category, score, date_answered, touchpoint_id
                  FROM (
                    SELECT DISTINCT ON (f.commercial_partner_id, f.metric)
                           f.commercial_partner_id AS partner_id, f.id, f.category,
                           f.score, f.date_answered, f.touchpoint_id, f.followup_state
                      FROM customer_feedback f
                     WHERE f.commercial_partner_id IN %(ids)s
                       AND f.company_id = %(company)s
                       AND f.state = 'answered' AND f.date_answered >= %(since)s
                  ORDER BY f.commercial_partner_id, f.metric,
                           f.date_answered DESC, f.id DESC
                ) latest
                 WHERE latest.followup_state IS DISTINCT FROM 'resolved'
                """,
                ids=ids,
                company=self.env.company.id,
                since=since,
            )
        )
        touchpoints = self.env["customer.feedback.touchpoint"].browse(
            {row[5] for row in rows}
        )
        names = {touchpoint.id: touchpoint.name for touchpoint in touchpoints}
        signals = {}
        for partner_id, feedback_id, category, score, date, touchpoint_id in rows:
            if category in UNHAPPY:
                name = self.env._(
                    "%(category)s: scored %(score)s on %(date)s (%(touchpoint)s)",
                    category=categories[category],
                    score=score,
                    date=format_date(self.env, date),
                    touchpoint=names.get(touchpoint_id, ""),
                )
                signals.setdefault(partner_id, []).append(
                    (name, self.points, "customer.feedback", feedback_id)
                )
        return signals

    def _signal_feedback_trend(self, ids, today):
        rows = self._rows(
            SQL(
                """
                SELECT partner_id, ids[1], scores[1], scores[2]
                  FROM (
                    SELECT f.commercial_partner_id AS partner_id,
                           (array_agg(f.id ORDER BY f.date_answered DESC,
                                                    f.id DESC))[1:2] AS ids,
                           (array_agg(f.score ORDER BY f.date_answered DESC,
                                                       f.id DESC))[1:2] AS scores
                      FROM customer_feedback f
                     WHERE f.commercial_partner_id IN %(ids)s
                       AND f.company_id = %(company)s
                       AND f.state = 'answered' AND f.metric = 'nps'
                  GROUP BY f.commercial_partner_id
                  ) latest
                 WHERE scores[2] - scores[1] >= %(fall)s
                """,
                ids=ids,
                company=self.env.company.id,
                fall=max(self.threshold, 1),
            )
        )
        return {
            partner_id: [
                (
                    self.env._(
                        "NPS fell from %(before)s to %(after)s",
                        before=before,
                        after=after,
                    ),
                    self.points,
                    "customer.feedback",
                    feedback_id,
                )
            ]
            for partner_id, feedback_id, after, before in rows
        }

    def _signal_followup_overdue(self, ids, today):
        rows = self._rows(
            SQL(
                """
                SELECT f.commercial_partner_id, count(*),
                       (array_agg(f.id ORDER BY f.followup_deadline))[1]
                  FROM customer_feedback f
                 WHERE f.commercial_partner_id IN %(ids)s
                   AND f.company_id = %(company)s
                   AND f.followup_state = 'open' AND f.followup_deadline < %(now)s
              GROUP BY f.commercial_partner_id
                """,
                ids=ids,
                company=self.env.company.id,
                now=fields.Datetime.now(),
            )
        )
        return {
            partner_id: [
                (
                    self.env._("%(count)s feedback follow-ups overdue", count=count)
                    if count > 1
                    else self.env._("A feedback follow-up is overdue"),
                    self.points,
                    "customer.feedback",
                    feedback_id,
                )
            ]
            for partner_id, count, feedback_id in rows
        }

    def _signal_mrr_contraction(self, ids, today):
        """The customer's MRR now against its MRR ``window_days`` ago (now minus
        the movements since), when it fell by ``threshold`` % or more.
        Adjustments of the history are no movement of the customer: the MRR
        before is taken as already corrected.

        Every applied (``done``) change since is in today's MRR, whatever its
        date: one applied today by a user whose day is already tomorrow
        counts too."""
        since = today - timedelta(days=self.window_days or 90)
        rows = self._rows(
            SQL(
                """
                WITH now AS (
                    SELECT s.commercial_partner_id AS partner_id, sum(s.mrr) AS mrr
                      FROM sale_subscription s
                     WHERE s.commercial_partner_id IN %(ids)s
                       AND s.company_id = %(company)s
                  GROUP BY s.commercial_partner_id
                ), moved AS (
                    SELECT c.partner_id, sum(c.mrr_delta) AS delta,
                           (array_agg(c.id ORDER BY c.date DESC, c.id DESC)
                               FILTER (WHERE c.mrr_delta < 0))[1] AS last_fall
                      FROM sale_subscription_change c
                     WHERE c.partner_id IN %(ids)s AND c.state = 'done'
                       AND c.company_id = %(company)s AND c.date > %(since)s
                       AND c.change_type NOT IN %(adjustments)s
                  GROUP BY c.partner_id
                )
                SELECT moved.partner_id, COALESCE(now.mrr, 0) - moved.delta AS before,
                       COALESCE(now.mrr, 0) AS after, moved.last_fall
                  FROM moved LEFT JOIN now ON now.partner_id = moved.partner_id
                 WHERE moved.delta < 0 AND COALESCE(now.mrr, 0) - moved.delta > 0
                   AND -moved.delta * 100.0 / (COALESCE(now.mrr, 0) - moved.delta)
                       >= %(threshold)s
                """,
                ids=ids,
                company=self.env.company.id,
                since=since,
                threshold=self.threshold,
                adjustments=ADJUSTMENT_TYPES,
            )
        )
        changes = self.env["sale.subscription.change"].browse(
            [row[3] for row in rows if row[3]]
        )
        types = self._labels("sale.subscription.change", "change_type")
        signals = {}
        for partner_id, before, after, change_id in rows:
            change = changes.browse(change_id)
            what = types.get(change.change_type, "")
            if change.from_product_id and change.to_product_id:
                what = self.env._(
                    "%(type)s %(before)s → %(after)s",
                    type=what,
                    before=change.from_product_id.display_name,
                    after=change.to_product_id.display_name,
                )
            name = self.env._(
                "MRR down %(percent)s in %(days)s days: %(what)s",
                percent=format_percent(self.env, (before - after) * 100.0 / before),
                days=self.window_days or 90,
                what=what,
            )
            signals[partner_id] = [
                (name, self.points, "sale.subscription.change", change_id)
            ]
        return signals

    def _signal_scheduled_downgrade(self, ids, today):
        rows = self._rows(
            SQL(
                """
                SELECT DISTINCT ON (c.partner_id) c.partner_id, c.id
                  FROM sale_subscription_change c
                 WHERE c.partner_id IN %(ids)s AND c.state = 'scheduled'
                   AND c.company_id = %(company)s
                   AND c.change_type IN ('downgrade', 'contraction', 'churn')
              ORDER BY c.partner_id, c.date, c.id
                """,
                ids=ids,
                company=self.env.company.id,
            )
        )
        changes = self.env["sale.subscription.change"].browse([row[1] for row in rows])
        signals = {}
        for partner_id, change_id in rows:
            change = changes.browse(change_id)
            date = format_date(self.env, change.date)
            if change.change_type == "churn":
                name = self.env._("Cancellation scheduled on %(date)s", date=date)
            elif change.from_product_id and change.to_product_id:
                name = self.env._(
                    "Downgrade scheduled on %(date)s: %(before)s → %(after)s",
                    date=date,
                    before=change.from_product_id.display_name,
                    after=change.to_product_id.display_name,
                )
            else:
                name = self.env._("Downgrade scheduled on %(date)s", date=date)
            signals[partner_id] = [
                (name, self.points, "sale.subscription.change", change_id)
            ]
        return signals

    def _signal_vouchers_unused(self, ids, today):
        """Unused vouchers: all the points when some expire within the window,
        half of them otherwise (from ``threshold`` vouchers on, at least 1)."""
        until = today + timedelta(days=self.window_days or 30)
        rows = self._rows(
            SQL(
                """
                SELECT v.partner_id, count(*), sum(v.value_available),
                       count(*) FILTER (WHERE v.expiry_date <= %(until)s),
                       (array_agg(v.id ORDER BY v.expiry_date, v.id))[1]
                  FROM customer_voucher v
                 WHERE v.partner_id IN %(ids)s AND v.state = 'available'
                   AND v.company_id = %(company)s
              GROUP BY v.partner_id
                HAVING count(*) >= %(minimum)s
                """,
                ids=ids,
                company=self.env.company.id,
                until=until,
                minimum=max(int(self.threshold), 1),
            )
        )
        currency = self.env.company.currency_id
        signals = {}
        for partner_id, count, value, expiring, voucher_id in rows:
            amount = format_amount(self.env, value, currency)
            name = (
                self.env._(
                    "%(count)s vouchers worth %(value)s unused",
                    count=count,
                    value=amount,
                )
                if count > 1
                else self.env._("1 voucher worth %(value)s unused", value=amount)
            )
            if expiring:
                days = self.window_days or 30
                name = (
                    self.env._(
                        "%(unused)s, %(expiring)s expire within %(days)s days",
                        unused=name,
                        expiring=expiring,
                        days=days,
                    )
                    if expiring > 1
                    else self.env._(
                        "%(unused)s, 1 expires within %(days)s days",
                        unused=name,
                        days=days,
                    )
                )
            points = self.points if expiring else self.points // 2
            signals[partner_id] = [(name, points, "customer.voucher", voucher_id)]
        return signals

    def _signal_no_contact(self, ids, today):
        days = int(self.threshold) or 45
        rows = self._rows(
            SQL(
                """
                SELECT p.id, p.last_contact_date
                  FROM res_partner p
                 WHERE p.id IN %(ids)s
                   AND (p.last_contact_date IS NULL OR p.last_contact_date <= %(since)s)
                """,
                ids=ids,
                since=today - timedelta(days=days),
            )
        )
        signals = {}
        for partner_id, last in rows:
            name = (
                self.env._("No contact for %(days)s days", days=(today - last).days)
                if last
                else self.env._("No contact recorded")
            )
            signals[partner_id] = [(name, self.points, "res.partner", partner_id)]
        return signals

    def _signal_invoices_overdue(self, ids, today):
        rows = self._rows(
            SQL(
                """
                SELECT m.commercial_partner_id, count(*),
                       sum(m.amount_residual_signed),
                       (array_agg(m.id ORDER BY m.invoice_date_due, m.id))[1]
                  FROM account_move m
                 WHERE m.commercial_partner_id IN %(ids)s
                   AND m.company_id = %(company)s
                   AND m.move_type = 'out_invoice' AND m.state = 'posted'
                   AND m.payment_state IN ('not_paid', 'partial')
                   AND m.invoice_date_due < %(today)s
              GROUP BY m.commercial_partner_id
                HAVING count(*) >= %(minimum)s
                """,
                ids=ids,
                company=self.env.company.id,
                today=today,
                minimum=max(int(self.threshold), 1),
            )
        )
        currency = self.env.company.currency_id
        return {
            partner_id: [
                (
                    self._overdue_invoices_text(
                        count, format_amount(self.env, amount, currency)
                    ),
                    self.points,
                    "account.move",
                    move_id,
                )
            ]
            for partner_id, count, amount, move_id in rows
        }

    def _overdue_invoices_text(self, count, amount):
        if count > 1:
            return self.env._(
                "%(count)s invoices overdue, %(amount)s", count=count, amount=amount
            )
        return self.env._("1 invoice overdue, %(amount)s", amount=amount)

    def _signal_trial_ending(self, ids, today):
        rows = self._rows(
            SQL(
                """
                SELECT DISTINCT ON (s.commercial_partner_id)
                       s.commercial_partner_id, s.id, s.trial_end_date
                  FROM sale_subscription s
                 WHERE s.commercial_partner_id IN %(ids)s AND s.trial_state = 'trial'
                   AND s.company_id = %(company)s
                   AND s.trial_end_date <= %(until)s
              ORDER BY s.commercial_partner_id, s.trial_end_date, s.id
                """,
                ids=ids,
                company=self.env.company.id,
                until=today + timedelta(days=int(self.threshold) or 7),
            )
        )
        return {
            partner_id: [
                (
                    self.env._(
                        "Trial ends on %(date)s", date=format_date(self.env, end)
                    ),
                    self.points,
                    "sale.subscription",
                    subscription_id,
                )
            ]
            for partner_id, subscription_id, end in rows
        }

    def _signal_no_recurring_element(self, ids, today):
        """A confirmed order within the window (365 days unless set) and no
        subscription in progress: the customer buys without any recurring
        element. Points to the latest such order."""
        rows = self._rows(
            SQL(
                """
                SELECT p.commercial_partner_id,
                       (array_agg(o.id ORDER BY o.date_order DESC, o.id DESC))[1]
                  FROM sale_order o
                  JOIN res_partner p ON p.id = o.partner_id
                 WHERE p.commercial_partner_id IN %(ids)s
                   AND o.state = 'sale'
                   AND o.company_id = %(company)s
                   AND o.date_order >= %(since)s
                   AND NOT EXISTS (
                        SELECT 1 FROM sale_subscription s
                         WHERE s.commercial_partner_id = p.commercial_partner_id
                           AND s.company_id = %(company)s
                           AND s.revenue_active)
              GROUP BY p.commercial_partner_id
                """,
                ids=ids,
                company=self.env.company.id,
                since=today - timedelta(days=self.window_days or 365),
            )
        )
        name = self.env._("Buys without any subscription")
        return {
            partner_id: [(name, self.points, "sale.order", order_id)]
            for partner_id, order_id in rows
        }

    def _signal_ignores_newsletters(self, ids, today):
        """At least ``threshold`` (3) mass mailings received within the window
        (120 days) by the customer's contacts on the customers' list job's
        mailing contacts, none opened, clicked or replied to, and no other
        newsletter opened within it (``last_newsletter_open_date``). The
        mailings of the whole database count (a mailing has no company)."""
        since = today - timedelta(days=self.window_days or 120)
        rows = self._rows(
            SQL(
                """
                SELECT p.commercial_partner_id, count(DISTINCT t.mass_mailing_id)
                  FROM mailing_trace t
                  JOIN mailing_contact c ON c.id = t.res_id
                  JOIN res_partner p ON p.id = c.customer_partner_id
                  JOIN res_partner cp ON cp.id = p.commercial_partner_id
                 WHERE t.model = 'mailing.contact'
                   AND t.mass_mailing_id IN (
                       SELECT m.id FROM mailing_mailing m
                        WHERE m.sent_date IS NULL OR m.sent_date >= %(since)s)
                   AND t.sent_datetime >= %(since)s
                   AND t.trace_status IN ('sent', 'pending', 'open', 'reply')
                   AND p.commercial_partner_id IN %(ids)s
                   AND (cp.last_newsletter_open_date IS NULL
                        OR cp.last_newsletter_open_date < %(since)s)
              GROUP BY p.commercial_partner_id
                HAVING count(DISTINCT t.mass_mailing_id) >= %(minimum)s
                   AND NOT bool_or(t.open_datetime IS NOT NULL
                                   OR t.links_click_datetime IS NOT NULL
                                   OR t.reply_datetime IS NOT NULL
                                   OR t.trace_status IN ('open', 'reply'))
                """,
                ids=ids,
                since=since,
                minimum=int(self.threshold) or 3,
            )
        )
        days = self.window_days or 120
        return {
            partner_id: [
                (
                    self.env._(
                        "%(count)s newsletters in %(days)s days, none opened",
                        count=count,
                        days=days,
                    ),
                    self.points,
                    "res.partner",
                    partner_id,
                )
            ]
            for partner_id, count in rows
        }
