# Copyright 2026 customer_value contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The MRR history of a subscription: every change of its recurring revenue,
whatever the entry point (form, wizard, XML-RPC, code, subscription_oca's
crons), is classified once and recorded as a ``sale.subscription.change``.

Recording is a block, ``with subscriptions._cv_tracking(): ...``: the state of
the subscriptions is taken when the block starts, the movements are recorded
when the outermost block of the transaction ends. Nested blocks (a line
written while its subscription is written, a plan change inside a close...)
join the outermost one, so a change is recorded once, whatever the context or
environment of the nested calls.
"""

from collections import defaultdict
from contextlib import contextmanager

from odoo import api, fields, models
from odoo.tools import float_compare

# Fields whose change can move the recurring revenue of a subscription.
TRACKED_FIELDS = {
    "stage_id",
    "sale_subscription_line_ids",
    "template_id",
    "trial_state",
    "trial_end_date",
    "pricelist_id",
    "partner_id",
    "company_id",
}
# Key of the running tracking in the cursor's cache (one per transaction).
TRACKING_KEY = "customer_value.mrr_tracking"


class MovementTracking:
    """What the outermost tracking block of a transaction watches."""

    def __init__(self):
        self.before = {}  # subscription id -> state when first watched
        self.values = defaultdict(dict)  # subscription id -> movement values
        self.pending = {}  # subscription id -> scheduled change carried out
        self.movements = None  # the recorded movements, once the block ended

    def watch(self, subscriptions, pending=None, new=False, **values):
        for sub in subscriptions:
            if new:
                # created in this block: it had nothing before
                self.before[sub.id] = sub._cv_empty_state()
            elif sub.id not in self.before:
                self.before[sub.id] = sub._cv_state()
            self.values[sub.id].update(values)
            if pending:
                self.pending[sub.id] = pending


class SaleSubscription(models.Model):
    _inherit = "sale.subscription"

    change_reason_id = fields.Many2one(
        "sale.subscription.change.reason",
        string="Reason for this Change",
        help="Recorded on the movement of the next change of recurring revenue, then "
        "cleared. Required when the change lowers the MRR.",
    )
    change_note = fields.Text(
        string="Note for this Change",
        help="Recorded on the movement of the next change, then cleared.",
    )
    change_reason_needed = fields.Boolean(
        compute="_compute_change_reason_needed",
        help="The lines being edited make a downgrade or a contraction, or lower "
        "the MRR: the change needs a reason.",
    )

    @api.depends(
        "revenue_active",
        "recurring_mrr",
        "sale_subscription_line_ids.product_id",
        "sale_subscription_line_ids.product_uom_qty",
    )
    def _compute_change_reason_needed(self):
        # what the movement will be, by the rule that will record it
        Change = self.env["sale.subscription.change"]
        today = fields.Date.context_today(self)
        for sub in self:
            saved = sub._origin
            needed = False
            if saved and saved.revenue_active and sub.revenue_active:
                before, after = saved._cv_state(), sub._cv_state()
                classified = sub._cv_classify_edit(before, after)
                needed = bool(classified) and Change._reason_required(
                    classified[0],
                    before["mrr"],
                    sub._cv_mrr_after(before, after, today),
                )
            sub.change_reason_needed = needed

    # ------------------------------------------------------------------
    # Tracking
    # ------------------------------------------------------------------
    @contextmanager
    def _cv_tracking(self, pending=None, **values):
        """Record the MRR movements of what the block changes in these
        subscriptions, when the outermost block of the transaction ends.

        ``values`` (``reason_id``, ``note``, ``date``, other movement fields)
        go on their movements; ``pending`` is a scheduled change the block
        carries out (it becomes the done movement). Yields the tracking: its
        ``watch(subscriptions, new=True)`` adds subscriptions created in the
        block, its ``movements`` are set when the outermost block ends.
        """
        cache = self.env.cr.cache
        tracking = cache.get(TRACKING_KEY)
        outermost = tracking is None
        if outermost:
            tracking = cache[TRACKING_KEY] = MovementTracking()
        try:
            tracking.watch(self, pending=pending, **values)
            yield tracking
        except BaseException:
            if outermost:
                cache.pop(TRACKING_KEY, None)
            raise
        if outermost:
            cache.pop(TRACKING_KEY, None)
            subs = self.browse(list(tracking.before))
            tracking.movements = subs._cv_record_movements(tracking)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            template = self.env["sale.subscription.template"].browse(
                vals.get("template_id")
            )
            if (
                template.trial_days
                and "trial_end_date" not in vals
                and not self.env.context.get("subscription_no_trial")
            ):
                start = fields.Date.to_date(
                    vals.get("date_start")
                ) or fields.Date.context_today(self)
                vals["trial_end_date"] = fields.Date.add(
                    start, days=template.trial_days
                )
        with self.browse()._cv_tracking() as tracking:
            subs = super().create(vals_list)
            tracking.watch(subs, new=True)
        return subs

    def write(self, vals):
        if not TRACKED_FIELDS.intersection(vals):
            return super().write(vals)
        with self._cv_tracking():
            return super().write(vals)

    # ------------------------------------------------------------------
    # Classification
    # ------------------------------------------------------------------
    @api.model
    def _cv_groups(self, lines):
        """Plans and products of ``lines`` [(product, quantity)]: per plan
        family (else per product), its highest tier, quantity and main product."""
        groups = {}
        for product, qty in lines:
            if not product:
                continue
            family = product.plan_family_id
            key = ("family", family.id) if family else ("product", product.id)
            tier, total, main = groups.get(key, (0, 0.0, product))
            if product.plan_tier > tier or not total:
                main = product
            groups[key] = (max(tier, product.plan_tier), total + qty, main)
        return groups

    def _cv_state(self):
        """What the movement classification compares before and after a change."""
        self.ensure_one()
        return {
            "running": self.revenue_active,
            "mrr": self.mrr,
            "recurring": self.recurring_mrr,
            "groups": self._cv_groups(
                (line.product_id, line.product_uom_qty)
                for line in self.sale_subscription_line_ids
            ),
            "plan": self.plan_product_id,
        }

    @api.model
    def _cv_empty_state(self):
        return {
            "running": False,
            "mrr": 0.0,
            "recurring": 0.0,
            "groups": {},
            "plan": self.env["product.product"],
        }

    def _cv_other_active(self):
        """Families of the other revenue-active subscriptions of the customer, and
        whether there is any."""
        self.ensure_one()
        # sudo: the classification is per customer, whoever's subscriptions
        # they are (a salesman may not see the other salesmen's ones).
        others = self.sudo().search(
            [
                ("commercial_partner_id", "=", self.commercial_partner_id.id),
                ("company_id", "=", self.company_id.id),
                ("revenue_active", "=", True),
                ("id", "!=", self.id),
            ]
        )
        return bool(others), others.plan_family_id

    def _cv_classify(self, before, after):
        """Return (change_type, from_product, to_product) or None."""
        self.ensure_one()
        if not before["running"] and after["running"]:
            return self._cv_classify_start(after, *self._cv_other_active())
        if before["running"] and not after["running"]:
            change_type = "contraction" if self._cv_other_active()[0] else "churn"
            return change_type, before["plan"], self.env["product.product"]
        if before["running"] and after["running"]:
            return self._cv_classify_edit(before, after)
        return None

    def _cv_classify_start(self, after, has_other, other_families, churned=None):
        """Starting to bring revenue: counted per customer, as subscription
        analytics tools do. ``has_other``: the customer has other running
        subscriptions, of ``other_families``. ``churned``: whether the
        customer churned before, when the caller knows it (else searched)."""
        if has_other:
            own = {key[1] for key in after["groups"] if key[0] == "family"}
            new_family = not own or bool(own - set(other_families.ids))
            change_type = "cross_sell" if new_family else "expansion"
        elif churned is not None:
            change_type = "reactivation" if churned else "new"
        elif (
            self.env["sale.subscription.change"]
            .sudo()
            .search_count(
                [
                    ("partner_id", "=", self.commercial_partner_id.id),
                    ("company_id", "=", self.company_id.id),
                    ("state", "=", "done"),
                    ("change_type", "=", "churn"),
                ],
                limit=1,
            )
        ):
            change_type = "reactivation"
        else:
            change_type = "new"
        return change_type, self.env["product.product"], after["plan"]

    def _cv_classify_edit(self, before, after):
        """Edit of the lines of a running subscription: by plan tier, then by
        family added or removed, then by MRR. The plan-change preview uses it
        too, so that what the wizard announces is what gets recorded."""
        no_product = self.env["product.product"]
        found = {}
        for key in before["groups"].keys() | after["groups"].keys():
            old, new = before["groups"].get(key), after["groups"].get(key)
            if old and new and new[0] != old[0]:
                kind = "upgrade" if new[0] > old[0] else "downgrade"
                found.setdefault(kind, (old[2], new[2]))
            elif new and not old:
                found.setdefault("cross_sell", (no_product, new[2]))
            elif old and not new:
                found.setdefault("removed", (old[2], no_product))
        currency = self.currency_id or self.company_currency_id
        delta = float_compare(
            after["recurring"],
            before["recurring"],
            precision_rounding=currency.rounding,
        )
        for kind, allowed in (
            ("upgrade", True),
            ("downgrade", True),
            ("cross_sell", delta >= 0),
            ("removed", delta <= 0),
        ):
            if kind in found and allowed:
                change_type = "contraction" if kind == "removed" else kind
                return (change_type, *found[kind])
        if delta:
            change_type = "expansion" if delta > 0 else "contraction"
            return change_type, before["plan"], after["plan"]
        return None

    def _cv_mrr_after(self, before, after, date):
        """Booked MRR (company currency) after a change from state ``before``
        to ``after`` on ``date``: the change of the monthly price converted at
        the rate of that day, added to what was booked. Stopping books off
        exactly what was booked."""
        self.ensure_one()
        if not after["running"]:
            return 0.0
        if not before["running"]:
            return self._cv_to_company(after["recurring"], date)
        return before["mrr"] + self._cv_to_company(
            after["recurring"] - before["recurring"], date
        )

    # ------------------------------------------------------------------
    # Recording
    # ------------------------------------------------------------------
    def _cv_record_movements(self, tracking):
        """Log the movements of the subscriptions between the states of
        ``tracking`` and now."""
        Change = self.env["sale.subscription.change"].sudo()
        ctx = self.env.context
        movements = Change
        for sub in self:
            old = tracking.before.get(sub.id) or self._cv_empty_state()
            new = sub._cv_state()
            classified = sub._cv_classify(old, new)
            if not classified:
                continue
            change_type, from_product, to_product = classified
            values = dict(tracking.values.get(sub.id) or {})
            date = fields.Date.to_date(
                values.pop("date", None)
                or ctx.get("subscription_change_date")
                or fields.Date.context_today(sub)
            )
            vals = {
                "subscription_id": sub.id,
                "change_type": change_type,
                "state": "done",
                "date": date,
                "mrr_before": old["mrr"],
                "mrr_after": sub._cv_mrr_after(old, new, date),
                "from_product_id": from_product.id,
                "to_product_id": to_product.id,
                "reason_id": values.pop("reason_id", None)
                or ctx.get("subscription_change_reason_id")
                or sub.change_reason_id.id,
                "note": values.pop("note", None)
                or ctx.get("subscription_change_note")
                or sub.change_note,
                "user_id": self.env.uid,
            }
            if change_type in ("churn", "contraction") and not new["running"]:
                vals["close_reason_id"] = sub.close_reason_id.id
            vals.update(values)
            pending = tracking.pending.get(sub.id)
            if pending:
                pending.sudo().write(vals)
                movements |= pending.sudo()
            else:
                movements |= Change.create(vals)
        cleared = movements.subscription_id.filtered(
            lambda s: s.change_reason_id or s.change_note
        )
        if cleared:
            cleared.write({"change_reason_id": False, "change_note": False})
        self._cv_trigger_feedback(movements)
        return movements

    @api.model
    def _cv_trigger_feedback(self, movements):
        Touchpoint = self.env["customer.feedback.touchpoint"]
        for trigger, types in (
            ("subscription_started", ("new", "reactivation")),
            ("subscription_upgraded", ("upgrade",)),
            ("subscription_downgraded", ("downgrade",)),
            ("subscription_closed", ("churn",)),
        ):
            changed = movements.filtered(lambda m, types=types: m.change_type in types)
            Touchpoint._trigger_feedback(
                trigger, changed.subscription_id, lambda sub: sub.partner_id
            )
