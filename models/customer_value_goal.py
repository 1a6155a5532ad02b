# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import ValidationError

# metric: (label, unit, higher is better)
METRICS = {
    "nps": ("NPS", "number", True),
    "csat": ("CSAT (% satisfied)", "percent", True),
    "ces": ("CES (average, 1-7)", "number", True),
    "response_rate": ("Feedback response rate (%)", "percent", True),
    "gross_retention": ("Gross revenue retention (%)", "percent", True),
    "net_retention": ("Net revenue retention (%)", "percent", True),
    "churned_mrr": ("Churned MRR", "currency", False),
    "plan_change_mrr": ("Upgrade minus downgrade MRR", "currency", True),
    "voucher_redemption": ("Voucher redemption rate (%)", "percent", True),
    "voucher_breakage": ("Voucher breakage (%)", "percent", False),
    "crossgrade_wins": ("Crossgrade wins", "number", True),
    "crossgrade_revenue": ("Crossgrade won revenue", "currency", True),
    "healthy_share": ("Customers healthy (%)", "percent", True),
    "contacted_share": ("Customers contacted within their rhythm (%)", "percent", True),
    "referral_conversion": ("Referral conversion (%)", "percent", True),
}
VALUE_FIELDS = (
    "baseline_value",
    "current_value",
    "has_baseline",
    "has_current",
    "progress",
    "achieved",
    "worsened",
    "value_date",
)


class CustomerValueGoal(models.Model):
    """A goal on one of the addon's figures for a period: the value of the
    same length of time just before it (baseline), the target, the value so
    far (current) and the progress from baseline to target. The values come
    from the reports the menus show (feedback, MRR, vouchers, crossgrade wins,
    health snapshots) and are refreshed every night or with the button."""

    _name = "customer.value.goal"
    _description = "Customer Value Goal"
    _inherit = ["mail.thread", "mail.activity.mixin", "customer.value.input.mixin"]
    _order = "date_start desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True)
    metric = fields.Selection(
        [(code, label) for code, (label, _unit, _up) in METRICS.items()],
        required=True,
        tracking=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        check_company=True,
        tracking=True,
    )
    date_start = fields.Date(string="Start", required=True, tracking=True)
    date_end = fields.Date(string="End", required=True, tracking=True)
    target_value = fields.Float(string="Target", required=True, tracking=True)
    baseline_value = fields.Float(
        string="Baseline",
        compute="_compute_values",
        store=True,
        readonly=True,
        aggregator=None,
        help="The value over the same length of time just before the start "
        "(for health and contact shares: the month before the start).",
    )
    current_value = fields.Float(
        string="Current",
        compute="_compute_values",
        store=True,
        readonly=True,
        aggregator=None,
        help="The value from the start to today (or to the end once it is past).",
    )
    has_baseline = fields.Boolean(compute="_compute_values", store=True)
    has_current = fields.Boolean(compute="_compute_values", store=True)
    progress = fields.Float(
        string="Progress (%)",
        compute="_compute_progress",
        store=True,
        readonly=True,
        aggregator="avg",
        help="How far the current value went from the baseline to the target.",
    )
    achieved = fields.Boolean(compute="_compute_progress", store=True)
    worsened = fields.Boolean(
        string="Worse Than Baseline",
        compute="_compute_progress",
        store=True,
        help="The current value is worse than the baseline: no progress, and "
        "the goal is not achieved even if the target was set below the "
        "baseline.",
    )
    value_date = fields.Datetime(
        string="Computed On", compute="_compute_values", store=True
    )
    higher_is_better = fields.Boolean(compute="_compute_metric_unit")
    unit = fields.Selection(
        [("number", "Number"), ("percent", "Percent"), ("currency", "Amount")],
        compute="_compute_metric_unit",
    )
    note = fields.Html()

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for goal in self:
            if goal.date_end < goal.date_start:
                raise ValidationError(
                    self.env._(
                        "Goal %(goal)s: the end (%(end)s) is before the start "
                        "(%(start)s).",
                        goal=goal.name,
                        end=goal.date_end,
                        start=goal.date_start,
                    )
                )

    @api.depends("metric")
    def _compute_metric_unit(self):
        for goal in self:
            _label, goal.unit, goal.higher_is_better = METRICS.get(
                goal.metric, ("", "number", True)
            )

    @api.depends("metric", "date_start", "date_end", "company_id")
    def _compute_values(self):
        now = fields.Datetime.now()
        for goal in self:
            if not (goal.metric and goal.date_start and goal.date_end):
                goal.update(
                    {
                        "baseline_value": 0.0,
                        "current_value": 0.0,
                        "has_baseline": False,
                        "has_current": False,
                        "value_date": False,
                    }
                )
                continue
            # the day it is where the company is
            today = pytz.utc.localize(now).astimezone(goal._tz()).date()
            days = (goal.date_end - goal.date_start).days + 1
            baseline = goal._metric_value(
                goal.date_start - timedelta(days=days),
                goal.date_start - timedelta(days=1),
            )
            current = None
            if goal.date_start <= today:
                current = goal._metric_value(goal.date_start, min(goal.date_end, today))
            goal.update(
                {
                    "baseline_value": baseline or 0.0,
                    "current_value": current or 0.0,
                    "has_baseline": baseline is not None,
                    "has_current": current is not None,
                    "value_date": now,
                }
            )

    @api.depends(
        "metric",
        "target_value",
        "baseline_value",
        "current_value",
        "has_baseline",
        "has_current",
    )
    def _compute_progress(self):
        for goal in self:
            if not goal.metric:
                goal.progress, goal.achieved, goal.worsened = 0.0, False, False
                continue
            baseline = goal.baseline_value if goal.has_baseline else None
            current = goal.current_value if goal.has_current else None
            up = METRICS[goal.metric][2]
            goal.worsened = (
                baseline is not None
                and current is not None
                and (current < baseline if up else current > baseline)
            )
            goal.progress, goal.achieved = goal._progress(baseline, current)

    def _progress(self, baseline, current):
        """How far the current value went from the baseline (0 without one)
        to the target, in % from 0 to 100; and whether the target is reached
        (at or above it, at or below it for churn and breakage). Worse than
        the baseline is no progress, and no achievement even when the target
        was set below the baseline."""
        if current is None:
            return 0.0, False
        start, target = baseline or 0.0, self.target_value
        up = METRICS[self.metric][2]
        if baseline is not None and (current < baseline if up else current > baseline):
            return 0.0, False
        if current >= target if up else current <= target:
            return 100.0, True
        gap = target - start
        if not gap or (gap > 0) != up:
            # the baseline already met the target: whatever moved, it is lost
            return 0.0, False
        return min(100.0, max(0.0, (current - start) * 100.0 / gap)), False

    def action_refresh(self):
        """Recompute the values now (they are otherwise refreshed nightly)."""
        self.check_access("write")
        for name in VALUE_FIELDS:
            self.env.add_to_compute(self._fields[name], self)
        self.flush_recordset()
        return True

    @api.model
    def _cron_refresh(self, batch_size=100):
        """Refresh, by batches, the goals running or ended within 90 days
        (late answers and corrections still move their figures) that were not
        computed today; an interrupted run goes on where it stopped."""
        today = fields.Date.context_today(self)
        domain = [
            ("date_end", ">=", today - timedelta(days=90)),
            "|",
            ("value_date", "=", False),
            ("value_date", "<", datetime.combine(today, time.min)),
        ]
        goals = self.search(domain, limit=batch_size, order="id")
        goals.action_refresh()
        remaining = self.search_count(domain) if len(goals) == batch_size else 0
        self.env["ir.cron"]._notify_progress(done=len(goals), remaining=remaining)
        return goals

    # Figures, each over [date_from, date_to] of the goal's company, from the
    # reports behind the menus; None when there is nothing to measure.

    def _metric_value(self, date_from, date_to):
        return getattr(self, f"_metric_{self.metric}")(date_from, date_to)

    def _aggregate(self, model, domain, *aggregates):
        return (
            self.env[model]
            .sudo()
            ._read_group(
                [("company_id", "in", [self.company_id.id, False]), *domain],
                aggregates=aggregates,
            )[0]
        )

    def _tz(self):
        """The time zone the goal's days are cut in: its company's (the
        company's address), else its responsible's, else UTC."""
        return pytz.timezone(
            self.company_id.partner_id.tz
            or self.user_id.tz
            or self.env.user.tz
            or "UTC"
        )

    def _datetime_domain(self, field, date_from, date_to):
        tz = self._tz()

        def start_of(day):
            local = tz.localize(datetime.combine(day, time.min))
            return local.astimezone(pytz.utc).replace(tzinfo=None)

        return [
            (field, ">=", start_of(date_from)),
            (field, "<", start_of(date_to + timedelta(days=1))),
        ]

    def _feedback(self, measure, date_from, date_to, date_field="date"):
        domain = self._datetime_domain(date_field, date_from, date_to)
        # an average of no answer is no value, not 0 (the measure is NULL on
        # the rows it does not concern: count counts the others)
        value, count = self._aggregate(
            "customer.feedback.report", domain, f"{measure}:avg", f"{measure}:count"
        )
        return value if count else None

    def _metric_nps(self, date_from, date_to):
        return self._feedback("nps", date_from, date_to)

    def _metric_csat(self, date_from, date_to):
        return self._feedback("csat_rate", date_from, date_to)

    def _metric_ces(self, date_from, date_to):
        return self._feedback("ces_score", date_from, date_to)

    def _metric_response_rate(self, date_from, date_to):
        return self._feedback("response_rate", date_from, date_to, "date_requested")

    def _mrr_bridge(self, date_from, date_to):
        """The MRR bridge of the months of the period: opening MRR of the
        first month and the sums of the movements."""
        months = (
            self.env["sale.subscription.mrr.report"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "=", self.company_id.id),
                    ("date", ">=", date_from.replace(day=1)),
                    ("date", "<=", date_to),
                ],
                groupby=["date:month"],
                aggregates=[
                    "opening_mrr:max",
                    "expansion_mrr:sum",
                    "upgrade_mrr:sum",
                    "cross_sell_mrr:sum",
                    "contraction_mrr:sum",
                    "downgrade_mrr:sum",
                    "churn_mrr:sum",
                ],
                order="date:month",
            )
        )
        if not months:
            return None
        opening = months[0][1]
        sums = [sum(month[i] for month in months) for i in range(2, 8)]
        expansion, upgrade, cross_sell, contraction, downgrade, churn = sums
        return {
            "opening": opening,
            "gained": expansion + upgrade + cross_sell,
            "lost": contraction + downgrade + churn,  # negative
            "upgrade": upgrade,
            "downgrade": downgrade,
            "churn": churn,
        }

    def _metric_gross_retention(self, date_from, date_to):
        bridge = self._mrr_bridge(date_from, date_to)
        if not bridge or not bridge["opening"]:
            return None
        return 100.0 * (bridge["opening"] + bridge["lost"]) / bridge["opening"]

    def _metric_net_retention(self, date_from, date_to):
        bridge = self._mrr_bridge(date_from, date_to)
        if not bridge or not bridge["opening"]:
            return None
        return (
            100.0
            * (bridge["opening"] + bridge["gained"] + bridge["lost"])
            / bridge["opening"]
        )

    def _metric_churned_mrr(self, date_from, date_to):
        bridge = self._mrr_bridge(date_from, date_to)
        return -bridge["churn"] if bridge else None

    def _metric_plan_change_mrr(self, date_from, date_to):
        bridge = self._mrr_bridge(date_from, date_to)
        return bridge["upgrade"] + bridge["downgrade"] if bridge else None

    def _vouchers(self, aggregates, date_from, date_to):
        """Vouchers whose validity ends in the period (not cancelled): by then
        each is redeemed or lost, so a period is not judged on vouchers still
        too young to be used."""
        return (
            self.env["customer.voucher"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "=", self.company_id.id),
                    ("state", "!=", "cancelled"),
                    ("expiry_date", ">=", date_from),
                    ("expiry_date", "<=", date_to),
                ],
                aggregates=aggregates,
            )[0]
        )

    def _metric_voucher_redemption(self, date_from, date_to):
        rate, count = self._vouchers(
            ["redeemed_rate:avg", "__count"], date_from, date_to
        )
        return rate if count else None

    def _metric_voucher_breakage(self, date_from, date_to):
        value, expired = self._vouchers(
            ["value:sum", "value_expired:sum"], date_from, date_to
        )
        return 100.0 * expired / value if value else None

    def _metric_crossgrade_wins(self, date_from, date_to):
        domain = self._datetime_domain("date", date_from, date_to)
        (wins,) = self._aggregate(
            "crossgrade.win.report", domain, "order_id:count_distinct"
        )
        return float(wins)

    def _metric_crossgrade_revenue(self, date_from, date_to):
        domain = self._datetime_domain("date", date_from, date_to)
        (revenue,) = self._aggregate("crossgrade.win.report", domain, "revenue:sum")
        return revenue

    def _snapshot_share(self, field, value, date_to):
        """Share of the customers whose snapshot of the month of ``date_to``
        has ``field`` = ``value`` (the health job keeps each month's last
        computation)."""
        groups = dict(
            self.env["customer.health.snapshot"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "in", [self.company_id.id, False]),
                    ("month", "=", date_to.replace(day=1)),
                    (field, "!=", False),
                ],
                groupby=[field],
                aggregates=["__count"],
            )
        )
        total = sum(groups.values())
        return 100.0 * groups.get(value, 0) / total if total else None

    def _metric_healthy_share(self, date_from, date_to):
        return self._snapshot_share("state", "healthy", date_to)

    def _metric_contacted_share(self, date_from, date_to):
        return self._snapshot_share("contact_state", "in_rhythm", date_to)

    def _metric_referral_conversion(self, date_from, date_to):
        # valid names given in the period and won since (rejected ones are
        # not counted: their conversion is empty)
        value, count = self._aggregate(
            "customer.referral",
            [("date", ">=", date_from), ("date", "<=", date_to)],
            "conversion:avg",
            "conversion:count",
        )
        return value if count else None
