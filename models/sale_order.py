# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL

from .auto_init import create_empty_columns

GRACE_DAYS_PARAM = "customer_value.crossgrade_grace_days"
DEFAULT_GRACE_DAYS = 30


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # Crossgrade
    crossgrade_origin_id = fields.Many2one(
        "crossgrade.origin",
        compute="_compute_crossgrade",
        store=True,
        index="btree_not_null",
        help="The customer's competitor product whose crossgrade price this "
        "order got.",
    )
    # Who may not open the origin (a colleague's) reads what it is instead.
    crossgrade_origin_readable = fields.Boolean(
        compute="_compute_crossgrade_origin_summary"
    )
    crossgrade_origin_summary = fields.Char(
        compute="_compute_crossgrade_origin_summary",
        help="The customer's competitor product whose crossgrade price this "
        "order got.",
    )
    crossgrade_discount_amount = fields.Monetary(
        string="Crossgrade Discount",
        compute="_compute_crossgrade",
        store=True,
        help="What the crossgrade pricelist rules took off the regular prices.",
    )
    crossgrade_migration_ids = fields.One2many(
        "crossgrade.migration", "order_id", string="Migration Plans"
    )
    crossgrade_migration_count = fields.Integer(
        compute="_compute_crossgrade_migration_count"
    )
    # Vouchers
    voucher_ids = fields.One2many(
        "customer.voucher", "sale_order_id", string="Vouchers", readonly=True
    )
    voucher_count = fields.Integer(compute="_compute_voucher_count")
    already_owned_warning = fields.Text(
        compute="_compute_already_owned_warning",
        help="What the customer already has among the products of this "
        "quotation: an active subscription or an unused voucher covering them.",
    )

    def _auto_init(self):
        """Created empty: before the install no order had a crossgrade price."""
        create_empty_columns(
            self, ["crossgrade_origin_id", "crossgrade_discount_amount"]
        )
        return super()._auto_init()

    @api.depends("order_line.crossgrade_origin_id", "order_line.crossgrade_discount")
    def _compute_crossgrade(self):
        for order in self:
            lines = order.order_line.filtered("crossgrade_origin_id")
            order.crossgrade_origin_id = lines[:1].crossgrade_origin_id
            order.crossgrade_discount_amount = sum(lines.mapped("crossgrade_discount"))

    @api.depends("crossgrade_origin_id")
    @api.depends_context("uid")
    def _compute_crossgrade_origin_summary(self):
        for order in self:
            origin = order.crossgrade_origin_id
            order.crossgrade_origin_readable = bool(origin) and origin.has_access(
                "read"
            )
            # the name only (customer / competitor product), of this one record
            order.crossgrade_origin_summary = origin.sudo().display_name or False

    def _compute_crossgrade_migration_count(self):
        counts = dict(
            self.env["crossgrade.migration"]._read_group(
                [("order_id", "in", self.ids)], ["order_id"], ["__count"]
            )
        )
        for order in self:
            order.crossgrade_migration_count = counts.get(order, 0)

    def _compute_voucher_count(self):
        counts = dict(
            self.env["customer.voucher"]._read_group(
                [("sale_order_id", "in", self.ids)], ["sale_order_id"], ["__count"]
            )
        )
        for order in self:
            order.voucher_count = counts.get(order, 0)

    @api.depends("partner_id", "order_line.product_id", "state")
    def _compute_already_owned_warning(self):
        for order in self:
            order.already_owned_warning = order._already_owned_warning()

    def _already_owned_warning(self):
        """One line per thing the customer already has, or False."""
        self.ensure_one()
        products = self.order_line.product_id
        if self.state not in ("draft", "sent") or not products or not self.partner_id:
            return False
        partner = self.partner_id.commercial_partner_id
        # sudo: a salesperson must be warned whoever sold the subscription or
        # issued the voucher; only names are shown.
        subscription_lines = (
            self.env["sale.subscription.line"]
            .sudo()
            ._read_group(
                [
                    ("sale_subscription_id.commercial_partner_id", "=", partner.id),
                    ("sale_subscription_id.in_progress", "=", True),
                    ("sale_subscription_id.company_id", "=", self.company_id.id),
                    ("product_id", "in", products.ids),
                ],
                ["product_id", "sale_subscription_id"],
            )
        )
        vouchers = (
            self.env["customer.voucher"]
            .sudo()
            ._read_group(
                [
                    ("partner_id", "=", partner.id),
                    ("state", "=", "available"),
                    ("company_id", "=", self.company_id.id),
                    # not those of this very order (unsaved: none yet)
                    ("sale_order_id", "not in", self._origin.ids),
                    (
                        "type_id.covered_product_tmpl_ids",
                        "in",
                        products.product_tmpl_id.ids,
                    ),
                ],
                ["type_id"],
                ["__count", "code:array_agg"],
            )
        )
        # The codes of the vouchers this user may read; the others are counted.
        readable = set()
        if vouchers:
            readable = set(
                self.env["customer.voucher"]
                .search(
                    [("code", "in", [c for _t, _n, codes in vouchers for c in codes])]
                )
                .mapped("code")
            )
        messages = [
            self.env._(
                "%(product)s: %(customer)s already has it in the active subscription "
                "%(subscription)s.",
                product=product.display_name,
                customer=partner.display_name,
                subscription=subscription.display_name,
            )
            for product, subscription in subscription_lines
        ]
        for voucher_type, count, codes in vouchers:
            covered = products.product_tmpl_id & voucher_type.covered_product_tmpl_ids
            shown = sorted(code for code in codes if code in readable)
            values = {
                "products": ", ".join(covered.mapped("display_name")),
                "customer": partner.display_name,
                "count": count,
                "type": voucher_type.display_name,
                "codes": ", ".join(shown),
            }
            if len(shown) == count:
                message = self.env._(
                    "%(products)s: %(customer)s has %(count)s unused %(type)s "
                    "voucher(s) that cover it (%(codes)s).",
                    **values,
                )
            elif shown:
                message = self.env._(
                    "%(products)s: %(customer)s has %(count)s unused %(type)s "
                    "voucher(s) that cover it (%(codes)s, and others of colleagues).",
                    **values,
                )
            else:
                message = self.env._(
                    "%(products)s: %(customer)s has %(count)s unused %(type)s "
                    "voucher(s) that cover it (ask the salesperson of the "
                    "customer).",
                    **values,
                )
            messages.append(message)
        return "\n".join(messages) or False

    # Pricing

    def _crossgrade_candidates(self):
        """Crossgrade rules of this order's pricelist its customer qualifies for.

        One query, whatever the number of lines. Returns a list of
        ``(rule_id, origin_id, seats)`` in order of preference (verified
        origins first, then the soonest competitor renewal).
        """
        self.ensure_one()
        partner = self.partner_id.commercial_partner_id
        if not partner or not self.pricelist_id:
            return []
        grace = int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param(GRACE_DAYS_PARAM, DEFAULT_GRACE_DAYS)
        )
        date = fields.Date.to_date(self.date_order or fields.Date.context_today(self))
        origin_model = self.env["crossgrade.origin"]
        item_model = self.env["product.pricelist.item"]
        origin_model.flush_model()
        item_model.flush_model()
        query = SQL(
            """
            SELECT item.id, origin.id, origin.seats
              FROM product_pricelist_item item
              JOIN crossgrade_origin origin
                ON origin.partner_id = %(partner)s
               AND origin.company_id = %(company)s
               AND origin.active
               AND origin.seats > 0
               AND (origin.state = 'verified'
                    OR (origin.state = 'declared'
                        AND NOT item.crossgrade_verified_only)
                    -- the order that migrated it keeps its rule once confirmed
                    OR (origin.state = 'migrated'
                        AND origin.migrated_order_id = %(order)s))
               AND (origin.renewal_date IS NULL
                    OR origin.renewal_date + %(grace)s >= %(date)s)
             WHERE item.pricelist_id = %(pricelist)s
               AND item.crossgrade_restricted
               AND (EXISTS (SELECT 1
                              FROM product_pricelist_item_crossgrade_competitor_rel r
                             WHERE r.item_id = item.id
                               AND r.competitor_id = origin.competitor_id)
                    OR EXISTS (SELECT 1
                                 FROM product_pricelist_item_crossgrade_product_rel r
                                WHERE r.item_id = item.id
                                  AND r.competitor_product_id
                                      = origin.competitor_product_id))
             ORDER BY origin.state = 'verified' DESC,
                      origin.renewal_date NULLS LAST, origin.id
            """,
            partner=partner.id,
            company=self.company_id.id,
            grace=grace,
            date=date,
            pricelist=self.pricelist_id.id,
            order=self._origin.id or 0,
        )
        return self.env.execute_query(query)

    @api.onchange("order_line")
    def _onchange_order_line_crossgrade(self):
        # A line's own onchange sees the order with a stale copy of that line,
        # which still holds the seats the line had: the order's onchange,
        # which the web client runs right after, sees every line once.
        self._crossgrade_reallocate()

    def _crossgrade_reallocate(self):
        """Keep the crossgrade seats of quotations whole and their prices exact.

        Lines keep the seats they hold; free seats (a line removed or lowered;
        an origin verified, at *Update Prices*) go to the lines lacking them,
        in line order. A line
        only partly covered is split: its crossgrade units stay on it, the
        others move to a new line at the regular price, so that every line is
        priced by a single pricelist rule and the amounts are exact to the
        cent (a blended unit price or discount would be rounded). Lines with a
        price set by hand are left as they are.
        """
        if self.env.context.get("crossgrade_reallocating"):
            return
        self = self.with_context(crossgrade_reallocating=True)
        for order in self:
            if order.state not in ("draft", "sent"):
                continue
            candidates = None
            rounds = 1
            # each round covers a split line's rest from the next origin
            while rounds:
                rounds -= 1
                lacking = order.order_line.filtered(
                    lambda line: line.pricelist_item_id.crossgrade_restricted
                    and line.crossgrade_qty < line.product_uom_qty
                    and line.price_unit == line.technical_price_unit
                ).sorted("sequence")
                if not lacking:
                    break
                if candidates is None:  # one query, only when a line lacks seats
                    candidates = {order: order._crossgrade_candidates()}
                    rounds = len(candidates[order])
                held = defaultdict(float)
                for line in order.order_line:
                    held[line.crossgrade_origin_id.id] += line.crossgrade_qty
                if any(seats > held[origin] for _r, origin, seats in candidates[order]):
                    before = {line: line.crossgrade_qty for line in lacking}
                    lacking._crossgrade_allocate(candidates, only_changes=True)
                    # in an onchange the price does not always follow the seats
                    # (a line may get them by its own computation): reprice as
                    # "Update Prices" does; a price set by hand is kept
                    repriced = lacking.filtered(
                        lambda line, before=before: isinstance(line.id, models.NewId)
                        and line.crossgrade_qty != before[line]
                    )
                    repriced._compute_price_unit()
                    repriced._compute_discount()
                partial = lacking.filtered(
                    lambda line: 0 < line.crossgrade_qty < line.product_uom_qty
                )
                if not partial:
                    break
                partial._crossgrade_split()

    def _recompute_prices(self):
        # "Update prices" re-allocates crossgrade seats before repricing.
        lines = self._get_update_prices_lines()
        lines.invalidate_recordset(["pricelist_item_id"])
        lines._compute_crossgrade()
        res = super()._recompute_prices()
        self._crossgrade_reallocate()
        return res

    # Confirmation

    def action_confirm(self):
        # sudo: the origins are facts about the customer, whoever recorded
        # them; confirming reads and updates them for any salesperson who may
        # quote the customer (pricing already trusted them).
        origins_by_order = {
            order: order.order_line.crossgrade_origin_id.sudo() for order in self
        }
        self.env["crossgrade.origin"].sudo()._lock_for_confirmation(origins_by_order)
        res = super().action_confirm()
        for order, origins in origins_by_order.items():
            if origins:
                origins._mark_migrated(order)
                order._crossgrade_create_migrations(origins)
        self.order_line._issue_vouchers()
        # the feedback asked about the sale is requested by the sending job
        # (customer.feedback.touchpoint._catch_up_sales_confirmed)
        self.opportunity_id.referral_id.sudo()._check_won_reward()
        return res

    def group_subscription_lines(self):
        # subscription_oca confirms a renewal order every period (mode "sale
        # order & invoice") and would start one more subscription from its
        # subscribable lines each time: a renewal renews its subscription.
        if self.order_subscription_id:
            return {}
        return super().group_subscription_lines()

    def _crossgrade_create_migrations(self, origins):
        self.ensure_one()
        migrations = self.env["crossgrade.migration"].create(
            [
                {
                    "partner_id": origin.partner_id.id,
                    "origin_id": origin.id,
                    "order_id": self.id,
                    "user_id": (self.user_id or self.env.user).id,
                    "company_id": self.company_id.id,
                }
                for origin in origins
            ]
        )
        for migration in migrations:
            migration.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=migration.user_id.id,
                summary=self.env._(
                    "Plan the migration from %s",
                    migration.competitor_product_id.display_name,
                ),
            )
        return migrations

    def _action_cancel(self):
        # A cancelled sale gives the crossgrade back to the customer, whoever
        # recorded the origin (sudo: the salesperson of the order may not
        # read a colleague's origin).
        migrated = (
            self.env["crossgrade.origin"]
            .sudo()
            .search([("migrated_order_id", "in", self.ids)])
        )
        migrated._restore_after_cancel()
        self.crossgrade_migration_ids.filtered(
            lambda m: m.state in ("planned", "in_progress")
        ).write({"state": "cancelled"})
        # Unused vouchers of a cancelled sale are cancelled; used ones stay
        # (sudo: a consequence of the cancellation, not an edit by hand).
        vouchers = (
            self.env["customer.voucher"]
            .sudo()
            .search(
                [
                    ("sale_order_id", "in", self.ids),
                    ("state", "in", ("available", "expired")),
                ]
            )
        )
        if vouchers:
            vouchers.write({"state": "cancelled"})
            vouchers._message_log_batch(
                {
                    voucher.id: self.env._(
                        "Cancelled with its sale order %(order)s.",
                        order=voucher.sale_order_id.name,
                    )
                    for voucher in vouchers
                }
            )
        res = super()._action_cancel()
        # a referred customer's sale cancelled: its unused won reward goes
        self.opportunity_id.referral_id.sudo()._check_won_reward()
        return res

    def action_view_crossgrade_migrations(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_value.crossgrade_migration_action"
        )
        action["domain"] = [("order_id", "=", self.id)]
        if self.crossgrade_migration_count == 1:
            action["views"] = [(False, "form")]
            action["res_id"] = self.crossgrade_migration_ids.id
        return action

    def action_view_vouchers(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_value.customer_voucher_action"
        )
        action["domain"] = [("sale_order_id", "=", self.id)]
        action["context"] = {"create": False}
        return action
