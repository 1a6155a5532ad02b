# Copyright 2026 customer_value contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare, float_is_zero

# Length of one recurrence unit in months: a month is 365/12 days, so daily,
# weekly, monthly and yearly prices of the same yearly amount give the same MRR.
MONTHS_PER_UNIT = {
    "days": 12.0 / 365.0,
    "weeks": 12.0 * 7.0 / 365.0,
    "months": 1.0,
    "years": 12.0,
}
# Movement types that lower the recurring revenue: they need a reason.
FALLING_TYPES = ("downgrade", "contraction", "churn")
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


class SaleSubscription(models.Model):
    _inherit = "sale.subscription"

    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id",
        store=True,
        index=True,
        string="Customer",
    )
    company_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company Currency"
    )
    revenue_active = fields.Boolean(
        compute="_compute_mrr",
        store=True,
        string="Counts in MRR",
        help="In progress and not in trial: the subscription brings recurring revenue.",
    )
    mrr = fields.Monetary(
        string="MRR",
        compute="_compute_mrr",
        store=True,
        currency_field="company_currency_id",
        help="Monthly recurring revenue: the recurring price normalised to one month "
        "(a month is 365/12 days), in the company currency. Zero while the "
        "subscription is not in progress or still in trial.",
    )
    plan_product_id = fields.Many2one(
        "product.product",
        string="Current Plan",
        compute="_compute_plan",
        store=True,
        help="The plan product of the subscription: its line of the highest tier.",
    )
    plan_family_id = fields.Many2one(
        "subscription.plan.family",
        compute="_compute_plan",
        store=True,
        index=True,
    )
    plan_tier = fields.Integer(
        compute="_compute_plan",
        store=True,
    )
    change_ids = fields.One2many(
        "sale.subscription.change", "subscription_id", string="MRR Movements"
    )
    scheduled_change_count = fields.Integer(
        compute="_compute_scheduled_change_count", string="Scheduled Changes"
    )
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
    trial_end_date = fields.Date(
        string="Trial End",
        tracking=True,
        help="The subscription is a free trial until this date. A daily job then "
        "converts it to paid or closes it, as its template says.",
    )
    trial_state = fields.Selection(
        [("trial", "In trial"), ("converted", "Converted"), ("lapsed", "Lapsed")],
        compute="_compute_trial_state",
        store=True,
        readonly=False,
        tracking=True,
        index=True,
    )
    trial_conversion = fields.Float(
        string="Trial Conversion (%)",
        compute="_compute_trial_conversion",
        store=True,
        aggregator="avg",
        help="100 for a converted trial, 0 otherwise: its average is the conversion "
        "rate of ended trials.",
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends(
        "sale_subscription_line_ids",
        "sale_subscription_line_ids.price_subtotal",
        "sale_subscription_line_ids.amount_tax_line_amount",
    )
    def _compute_total(self):
        # subscription_oca only depends on the one2many itself: a line edited on
        # its own (over XML-RPC, by code, by a plan change) left the totals stale.
        return super()._compute_total()

    @api.depends(
        "recurring_total",
        "currency_id",
        "company_id.currency_id",
        "template_id.recurring_rule_type",
        "template_id.recurring_interval",
        "stage_id.type",
        "trial_state",
    )
    def _compute_mrr(self):
        today = fields.Date.context_today(self)
        for sub in self:
            active = sub.stage_id.type == "in_progress" and sub.trial_state != "trial"
            sub.revenue_active = active
            sub.mrr = (
                sub._cv_monthly_amount(sub.recurring_total, today) if active else 0.0
            )

    def _cv_monthly_amount(self, recurring_amount, date=None):
        """Normalise an amount per recurrence period to one month, company currency."""
        self.ensure_one()
        template = self.template_id
        months = MONTHS_PER_UNIT.get(template.recurring_rule_type or "months", 1.0) * (
            template.recurring_interval or 1
        )
        monthly = recurring_amount / months
        company = self.company_id or self.env.company
        currency = self.currency_id or company.currency_id
        date = date or fields.Date.context_today(self)
        if currency != company.currency_id:
            return currency._convert(monthly, company.currency_id, company, date)
        return company.currency_id.round(monthly)

    @api.depends(
        "sale_subscription_line_ids.product_id.plan_family_id",
        "sale_subscription_line_ids.product_id.plan_tier",
    )
    def _compute_plan(self):
        for sub in self:
            line = sub._cv_plan_line()
            tmpl = line.product_id.product_tmpl_id
            sub.plan_product_id = line.product_id
            sub.plan_family_id = tmpl.plan_family_id
            sub.plan_tier = tmpl.plan_tier

    @api.depends("trial_end_date")
    def _compute_trial_state(self):
        for sub in self:
            if not sub.trial_end_date:
                sub.trial_state = False
            elif sub.trial_state not in ("converted", "lapsed"):
                sub.trial_state = "trial"

    @api.depends("trial_state")
    def _compute_trial_conversion(self):
        for sub in self:
            sub.trial_conversion = 100.0 if sub.trial_state == "converted" else 0.0

    def _compute_scheduled_change_count(self):
        counts = dict(
            self.env["sale.subscription.change"]._read_group(
                [("subscription_id", "in", self.ids), ("state", "=", "scheduled")],
                ["subscription_id"],
                ["__count"],
            )
        )
        for sub in self:
            sub.scheduled_change_count = counts.get(sub, 0)

    def _cv_plan_line(self):
        """The line holding the plan: the product of a plan family with the highest
        tier, else the first line."""
        self.ensure_one()
        lines = self.sale_subscription_line_ids.filtered("product_id")
        plan_lines = lines.filtered(lambda line: line.product_id.plan_family_id)
        if plan_lines:
            return plan_lines.sorted(
                lambda line: (-line.product_id.plan_tier, line.id or 0)
            )[:1]
        return lines[:1]

    # ------------------------------------------------------------------
    # Movement recording
    # ------------------------------------------------------------------
    def _cv_state(self):
        """What the movement classification compares before and after a change."""
        self.ensure_one()
        groups = {}
        for line in self.sale_subscription_line_ids:
            product = line.product_id
            if not product:
                continue
            family = product.plan_family_id
            key = ("family", family.id) if family else ("product", product.id)
            tier, qty, main = groups.get(key, (0, 0.0, product))
            if product.plan_tier > tier or not qty:
                main = product
            groups[key] = (
                max(tier, product.plan_tier),
                qty + line.product_uom_qty,
                main,
            )
        return {
            "running": self.revenue_active,
            "mrr": self.mrr,
            "groups": groups,
            "plan": self.plan_product_id,
        }

    def _cv_snapshot(self):
        return {sub.id: sub._cv_state() for sub in self}

    @api.model
    def _cv_empty_state(self):
        return {
            "running": False,
            "mrr": 0.0,
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
            return self._cv_classify_start(after)
        if before["running"] and not after["running"]:
            change_type = "contraction" if self._cv_other_active()[0] else "churn"
            return change_type, before["plan"], self.env["product.product"]
        if before["running"] and after["running"]:
            return self._cv_classify_edit(before, after)
        return None

    def _cv_classify_start(self, after):
        """Starting to bring revenue: counted per customer, as subscription
        analytics tools do."""
        has_other, other_families = self._cv_other_active()
        if has_other:
            own = {key[1] for key in after["groups"] if key[0] == "family"}
            new_family = not own or bool(own - set(other_families.ids))
            change_type = "cross_sell" if new_family else "expansion"
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
        family added or removed, then by MRR."""
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
        delta = float_compare(
            after["mrr"],
            before["mrr"],
            precision_rounding=self.company_currency_id.rounding,
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

    def _cv_record_movements(self, before, pending=None, **values):
        """Log the movements between the ``before`` snapshot and now.

        ``values`` may carry ``reason_id``, ``note``, ``date``; ``pending`` is a
        scheduled movement that this change carries out (it becomes done).
        """
        Change = self.env["sale.subscription.change"].sudo()
        ctx = self.env.context
        movements = Change
        for sub in self:
            old = before.get(sub.id) or self._cv_empty_state()
            new = sub._cv_state()
            classified = sub._cv_classify(old, new)
            if not classified:
                continue
            change_type, from_product, to_product = classified
            vals = {
                "subscription_id": sub.id,
                "change_type": change_type,
                "state": "done",
                "date": values.get("date")
                or ctx.get("subscription_change_date")
                or fields.Date.context_today(sub),
                "mrr_before": old["mrr"],
                "mrr_after": new["mrr"],
                "from_product_id": from_product.id,
                "to_product_id": to_product.id,
                "reason_id": values.get("reason_id")
                or ctx.get("subscription_change_reason_id")
                or sub.change_reason_id.id,
                "note": values.get("note")
                or ctx.get("subscription_change_note")
                or sub.change_note,
                "user_id": self.env.uid,
            }
            if change_type in ("churn", "contraction") and not new["running"]:
                vals["close_reason_id"] = sub.close_reason_id.id
            vals.update(
                {
                    k: v
                    for k, v in values.items()
                    if k not in ("reason_id", "note", "date")
                }
            )
            if pending and pending.subscription_id == sub:
                pending.write(vals)
                movements |= pending
            else:
                movements |= Change.create(vals)
        cleared = movements.subscription_id.filtered(
            lambda s: s.change_reason_id or s.change_note
        )
        if cleared:
            super(SaleSubscription, cleared.with_context(cv_tracking=True)).write(
                {"change_reason_id": False, "change_note": False}
            )
        return movements

    @api.model_create_multi
    def create(self, vals_list):
        if self.env.context.get("cv_tracking"):
            return super().create(vals_list)
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
                vals["trial_end_date"] = start + relativedelta(days=template.trial_days)
        subs = super(SaleSubscription, self.with_context(cv_tracking=True)).create(
            vals_list
        )
        subs.with_context(cv_tracking=True)._cv_record_movements({})
        return subs.with_env(self.env)

    def write(self, vals):
        if self.env.context.get("cv_tracking") or not TRACKED_FIELDS.intersection(vals):
            return super().write(vals)
        before = self._cv_snapshot()
        res = super(SaleSubscription, self.with_context(cv_tracking=True)).write(vals)
        self.with_context(cv_tracking=True)._cv_record_movements(before)
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_mrr_history(self):
        with_history = self.filtered("change_ids")
        if with_history:
            raise UserError(
                self.env._(
                    "%(names)s: a subscription with MRR movements is history and "
                    "cannot be deleted. Close or archive it instead.",
                    names=", ".join(with_history.mapped("display_name")),
                )
            )

    # ------------------------------------------------------------------
    # subscription_oca hooks
    # ------------------------------------------------------------------
    def action_start_subscription(self):
        super().action_start_subscription()
        return True  # callable over XML-RPC (None cannot be marshalled)

    def action_close_subscription(self):
        # subscription_oca's action carries a 'view_type' key that Odoo 18 logs
        # as a warning; same wizard, with its subscription in the context.
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Close Subscription"),
            "res_model": "close.reason.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {
                "active_id": self.id,
                "active_model": self._name,
                "default_subscription_id": self.id,
            },
        }

    def close_subscription(self, close_reason_id=False):
        if not close_reason_id and self.env.context.get("subscription_close_ended"):
            ended = self.env.ref(
                "subscription_oca.close_reason_ended", raise_if_not_found=False
            )
            close_reason_id = ended.id if ended else False
        super().close_subscription(close_reason_id)
        self._cap_vouchers()
        return True

    def _cap_vouchers(self):
        """The unused vouchers that came with a closed subscription expire with
        it (when their type says so)."""
        today = fields.Date.context_today(self)
        vouchers = (
            self.env["customer.voucher"]
            .sudo()
            .search(
                [
                    ("subscription_id", "in", self.ids),
                    ("state", "=", "available"),
                    ("expiry_date", ">", today),
                    ("issue_date", "<=", today),
                    ("type_id.subscription_cap", "=", True),
                ]
            )
        )
        if vouchers:
            vouchers.write({"expiry_date": today})
            vouchers._message_log_batch(
                {
                    voucher.id: self.env._(
                        "Expires today: its subscription %(subscription)s was closed.",
                        subscription=voucher.subscription_id.display_name,
                    )
                    for voucher in vouchers
                }
            )

    @api.model
    def cron_subscription_management(self):
        # subscription_oca closes fixed-term subscriptions at their end date
        # without a reason; the churn movement records "The subscription ended".
        return super(
            SaleSubscription, self.with_context(subscription_close_ended=True)
        ).cron_subscription_management()

    def calculate_recurring_next_date(self, start_date):
        if self.trial_state == "trial" and self.trial_end_date:
            self.recurring_next_date = self.trial_end_date
            return
        return super().calculate_recurring_next_date(start_date)

    def generate_invoice(self):
        # Free until the trial ends: the trial job converts or closes it first.
        if self.trial_state == "trial":
            return
        return super().generate_invoice()

    def _cv_pending_prorations(self):
        return self.env["sale.subscription.change"].search(
            [
                ("subscription_id", "in", self.ids),
                ("state", "=", "done"),
                ("proration_mode", "=", "next_invoice"),
                ("prorated_amount", "!=", 0),
                ("proration_invoice_id", "=", False),
                ("proration_order_id", "=", False),
            ],
            order="date, id",
        )

    def _prepare_account_move(self, line_ids):
        values = super()._prepare_account_move(line_ids)
        pending = self.env["sale.subscription.change"].browse(
            self.env.context.get("cv_proration_change_ids", [])
        )
        values["invoice_line_ids"] = list(values.get("invoice_line_ids") or []) + [
            Command.create(change._prepare_proration_invoice_line())
            for change in pending
        ]
        return values

    def create_invoice(self):
        pending = self._cv_pending_prorations()
        invoice = super(
            SaleSubscription, self.with_context(cv_proration_change_ids=pending.ids)
        ).create_invoice()
        if invoice and pending:
            pending.sudo().proration_invoice_id = invoice
        return invoice

    def _prepare_sale_order(self, line_ids=False):
        values = super()._prepare_sale_order(line_ids)
        pending = self.env["sale.subscription.change"].browse(
            self.env.context.get("cv_proration_change_ids", [])
        )
        if pending:
            values["order_line"] = list(values.get("order_line") or []) + [
                Command.create(change._prepare_proration_order_line())
                for change in pending
            ]
        return values

    def create_sale_order(self):
        pending = self._cv_pending_prorations()
        order = super(
            SaleSubscription, self.with_context(cv_proration_change_ids=pending.ids)
        ).create_sale_order()
        if order and pending:
            pending.sudo().proration_order_id = order
        return order

    # ------------------------------------------------------------------
    # Plan changes
    # ------------------------------------------------------------------
    def _cv_check_open(self):
        self.ensure_one()
        if self.stage_id.type == "post":
            raise UserError(
                self.env._(
                    "Subscription %(name)s is closed: its plan cannot be changed.",
                    name=self.display_name,
                )
            )

    def _cv_browse(self, model, record_id, label):
        if not record_id:
            return self.env[model]
        if isinstance(record_id, models.BaseModel):
            record_id = record_id.id
        if not isinstance(record_id, int) or isinstance(record_id, bool):
            raise ValidationError(
                self.env._(
                    "%(label)s: expected a record id, got %(value)r.",
                    label=label,
                    value=record_id,
                )
            )
        record = self.env[model].browse(record_id).exists()
        if not record:
            raise ValidationError(
                self.env._(
                    "%(label)s: record %(id)s does not exist.",
                    label=label,
                    id=record_id,
                )
            )
        return record

    def _cv_plan_change_preview(self, product, quantity=None, effective_date=None):
        """Figures of moving this subscription to ``product``, validated.

        Returns a dict: line, product, quantity, change_type, mrr_before,
        mrr_after, mrr_delta, effective_date, prorated_amount, recurring_before,
        recurring_after.
        """
        self.ensure_one()
        self._cv_check_open()
        line = self._cv_plan_line()
        family = line.product_id.plan_family_id
        if not family:
            raise UserError(
                self.env._(
                    "Subscription %(name)s has no plan of a plan family: add the plan "
                    "product to the subscription lines or set the family of its "
                    "products.",
                    name=self.display_name,
                )
            )
        if product.plan_family_id != family:
            raise ValidationError(
                self.env._(
                    '"%(product)s" is not a plan of the family "%(family)s": a plan '
                    "change moves between plans of one family.",
                    product=product.display_name,
                    family=family.name,
                )
            )
        if quantity is None or quantity is False:
            quantity = line.product_uom_qty
        if not isinstance(quantity, int | float) or quantity <= 0:
            raise ValidationError(
                self.env._(
                    "The quantity of the new plan must be a positive number, not "
                    "%(quantity)s.",
                    quantity=quantity,
                )
            )
        if product == line.product_id and quantity == line.product_uom_qty:
            raise ValidationError(
                self.env._(
                    "Subscription %(name)s is already on plan %(plan)s.",
                    name=self.display_name,
                    plan=product.display_name,
                )
            )
        today = fields.Date.context_today(self)
        new_line = self.env["sale.subscription.line"].new(
            {
                "sale_subscription_id": self.id,
                "product_id": product.id,
                "product_uom_qty": quantity,
            }
        )
        recurring_after = (
            self.recurring_total - line.price_subtotal + new_line.price_subtotal
        )
        mrr_before = (
            self.mrr
            if self.revenue_active
            else self._cv_monthly_amount(self.recurring_total)
        )
        mrr_after = self._cv_monthly_amount(recurring_after)
        rounding = self.company_currency_id.rounding
        old_tier, new_tier = line.product_id.plan_tier, product.plan_tier
        if new_tier > old_tier:
            change_type = "upgrade"
        elif new_tier < old_tier:
            change_type = "downgrade"
        elif float_compare(mrr_after, mrr_before, precision_rounding=rounding) < 0:
            change_type = "contraction"
        else:
            change_type = "expansion"
        if effective_date:
            effective_date = fields.Date.to_date(effective_date)
            if effective_date < today:
                raise ValidationError(
                    self.env._(
                        "The plan change cannot take effect in the past (%(date)s).",
                        date=effective_date,
                    )
                )
        elif change_type in FALLING_TYPES and self.recurring_next_date:
            effective_date = max(self.recurring_next_date, today)
        else:
            effective_date = today
        return {
            "line": line,
            "product": product,
            "quantity": quantity,
            "change_type": change_type,
            "mrr_before": mrr_before,
            "mrr_after": mrr_after,
            "mrr_delta": mrr_after - mrr_before,
            "effective_date": effective_date,
            "recurring_before": self.recurring_total,
            "recurring_after": recurring_after,
            "prorated_amount": self._cv_prorate(
                recurring_after - self.recurring_total, effective_date
            ),
        }

    def _cv_prorate(self, period_delta, effective_date):
        """Share of ``period_delta`` for the rest of the current paid period."""
        self.ensure_one()
        next_date = self.recurring_next_date
        template = self.template_id
        if not next_date or effective_date >= next_date or not self.invoice_ids:
            return 0.0
        period_start = next_date - relativedelta(
            **{
                template.recurring_rule_type or "months": template.recurring_interval
                or 1
            }
        )
        total_days = (next_date - period_start).days
        remaining = (next_date - max(effective_date, period_start)).days
        if total_days <= 0:
            return 0.0
        return self.currency_id.round(period_delta * remaining / total_days)

    @api.returns("sale.subscription.change", lambda change: change.id)
    def change_plan(
        self,
        product_id,
        reason_id=None,
        note=None,
        effective_date=None,
        quantity=None,
        proration_mode="next_invoice",
    ):
        """Move the subscription to another plan of its family.

        Applies now, or schedules the change for ``effective_date``; without a
        date an upgrade applies now and a downgrade at the next renewal. The
        prorated difference for the rest of the paid period goes on the next
        invoice (``proration_mode='next_invoice'``) or on a one-off invoice
        (``'invoice_now'``). Returns the movement (scheduled or done).
        """
        self.ensure_one()
        self.check_access("write")
        if proration_mode not in ("next_invoice", "invoice_now"):
            raise ValidationError(
                self.env._(
                    "Unknown proration mode %(mode)r: use 'next_invoice' or "
                    "'invoice_now'.",
                    mode=proration_mode,
                )
            )
        product = self._cv_browse("product.product", product_id, self.env._("Plan"))
        if not product:
            raise ValidationError(self.env._("Choose the plan to move to."))
        reason = self._cv_browse(
            "sale.subscription.change.reason", reason_id, self.env._("Reason")
        )
        preview = self._cv_plan_change_preview(product, quantity, effective_date)
        falling = preview["change_type"] in FALLING_TYPES or (
            float_compare(
                preview["mrr_after"],
                preview["mrr_before"],
                precision_rounding=self.company_currency_id.rounding,
            )
            < 0
        )
        if falling and not reason:
            raise ValidationError(
                self.env._(
                    "A reason is required: this %(type)s lowers the MRR of %(name)s "
                    "from %(before)s to %(after)s.",
                    type=dict(
                        self.env["sale.subscription.change"]
                        ._fields["change_type"]
                        ._description_selection(self.env)
                    )[preview["change_type"]].lower(),
                    name=self.display_name,
                    before=preview["mrr_before"],
                    after=preview["mrr_after"],
                )
            )
        Change = self.env["sale.subscription.change"].sudo()
        common = {
            "subscription_id": self.id,
            "reason_id": reason.id,
            "note": note or False,
            "user_id": self.env.uid,
            "proration_mode": proration_mode,
        }
        if preview["effective_date"] > fields.Date.context_today(self):
            change = Change.create(
                dict(
                    common,
                    state="scheduled",
                    date=preview["effective_date"],
                    change_type=preview["change_type"],
                    mrr_before=preview["mrr_before"],
                    mrr_after=preview["mrr_after"],
                    from_product_id=preview["line"].product_id.id,
                    to_product_id=product.id,
                    quantity=preview["quantity"],
                )
            )
            self.message_post(
                body=self.env._(
                    "Plan change to %(plan)s scheduled for %(date)s.",
                    plan=product.display_name,
                    date=preview["effective_date"],
                )
            )
            return change.with_env(self.env)
        change = self._cv_apply_plan_change(
            preview, dict(common, prorated_amount=preview["prorated_amount"])
        )
        return change.with_env(self.env)

    def _cv_apply_plan_change(self, preview, values, pending=None):
        self.ensure_one()
        before = self._cv_snapshot()
        line = preview["line"]
        line.with_context(cv_tracking=True).write(
            {
                "product_id": preview["product"].id,
                "product_uom_qty": preview["quantity"],
            }
        )
        values = {k: v for k, v in values.items() if k != "subscription_id"}
        changes = self.with_context(cv_tracking=True)._cv_record_movements(
            before, pending=pending, **values
        )
        if not changes:
            # Same figures (e.g. two plans at one price): still a plan change.
            vals = dict(
                values,
                subscription_id=self.id,
                state="done",
                date=fields.Date.context_today(self),
                change_type=preview["change_type"],
                mrr_before=before[self.id]["mrr"],
                mrr_after=self.mrr,
                from_product_id=before[self.id]["plan"].id,
                to_product_id=preview["product"].id,
            )
            if pending:
                pending.write(vals)
                changes = pending
            else:
                changes = self.env["sale.subscription.change"].sudo().create(vals)
        if changes.proration_mode == "invoice_now" and changes.prorated_amount:
            changes._create_proration_invoice()
        return changes

    def action_change_plan(self):
        self.ensure_one()
        self._cv_check_open()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Change Plan"),
            "res_model": "sale.subscription.change.plan.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_subscription_id": self.id},
        }

    def action_view_changes(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_value.sale_subscription_change_action"
        )
        action["domain"] = [("subscription_id", "=", self.id)]
        action["context"] = {"search_default_group_by_state": 0}
        return action

    # ------------------------------------------------------------------
    # Trials
    # ------------------------------------------------------------------
    def action_convert_trial(self):
        """End the trial now and start billing (a ``new`` movement or the
        customer-level equivalent)."""
        self.check_access("write")
        not_trial = self.filtered(lambda s: s.trial_state != "trial")
        if not_trial:
            raise UserError(
                self.env._(
                    "%(names)s: not in trial.",
                    names=", ".join(not_trial.mapped("name")),
                )
            )
        today = fields.Date.context_today(self)
        for sub in self:
            sub.write(
                {
                    "trial_state": "converted",
                    "trial_end_date": min(sub.trial_end_date, today),
                    "recurring_next_date": min(sub.trial_end_date, today),
                }
            )
        return True

    def _cv_lapse_trial(self):
        reason = self.env.ref(
            "customer_value.close_reason_trial_lapsed", raise_if_not_found=False
        )
        for sub in self:
            # Closed first: a lapsed trial never counted in MRR.
            sub.close_subscription(reason.id if reason else False)
            sub.trial_state = "lapsed"

    @api.model
    def _cron_process_trials(self, batch_size=200):
        """Convert or close the trials that ended, by batches."""
        today = fields.Date.context_today(self)
        domain = [("trial_state", "=", "trial"), ("trial_end_date", "<=", today)]
        subs = self.search(domain, limit=batch_size, order="trial_end_date, id")
        for sub in subs:
            sub = sub.with_company(sub.company_id)
            if sub.stage_id.type == "in_progress" and (
                sub.template_id.trial_end_action != "close"
            ):
                sub.with_context(subscription_change_date=sub.trial_end_date).write(
                    {
                        "trial_state": "converted",
                        "recurring_next_date": sub.trial_end_date,
                    }
                )
            else:
                sub._cv_lapse_trial()
        remaining = self.search_count(domain) if len(subs) == batch_size else 0
        self.env["ir.cron"]._notify_progress(done=len(subs), remaining=remaining)
        return subs

    # ------------------------------------------------------------------
    # Retention
    # ------------------------------------------------------------------
    def _cv_lower_plans(self):
        """Lower tiers of the subscription's plan family, highest first."""
        self.ensure_one()
        if not self.plan_family_id:
            return self.env["product.product"]
        return self.env["product.product"].search(
            [
                ("plan_family_id", "=", self.plan_family_id.id),
                ("plan_tier", "<", self.plan_tier),
                ("sale_ok", "=", True),
                ("company_id", "in", [False, self.company_id.id]),
            ],
            order="plan_tier desc, id",
        )

    def _cv_apply_retention_discount(self, discount, reason, close_reason):
        self.ensure_one()
        if float_is_zero(discount, precision_digits=2) or discount <= 0:
            raise UserError(
                self.env._(
                    "No retention offer is configured: set a retention discount in "
                    "the Sales settings."
                )
            )
        lines = self.sale_subscription_line_ids.filtered(
            lambda line: line.discount < discount
        )
        before = self._cv_snapshot()
        lines.with_context(cv_tracking=True).write({"discount": discount})
        return self.with_context(cv_tracking=True)._cv_record_movements(
            before, reason_id=reason.id, close_reason_id=close_reason.id
        )
