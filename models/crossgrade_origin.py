# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from .customer_value_input_mixin import is_record_id

# Fields that only the verification workflow may change.
PROTECTED_FIELDS = {"state", "verified_by_id", "verified_date", "migrated_order_id"}
REQUIRED_FIELDS = ("partner_id", "competitor_product_id")
# What a manager verifies: changing it sends a verified origin back to
# declared, to be verified again.
VERIFIED_FIELDS = (
    "partner_id",
    "competitor_product_id",
    "seats",
    "renewal_date",
    "proof_attachment_ids",
)


class CrossgradeOrigin(models.Model):
    _name = "crossgrade.origin"
    _description = "Crossgrade Origin (competitor product used by a customer)"
    _inherit = ["mail.thread", "mail.activity.mixin", "customer.value.input.mixin"]
    _order = "renewal_date, id desc"
    _check_company_auto = True

    # Who and what
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="restrict",
        tracking=True,
        check_company=True,
        help="Always the commercial entity: a contact is replaced by its company.",
    )
    competitor_product_id = fields.Many2one(
        "crossgrade.competitor.product",
        required=True,
        ondelete="restrict",
        tracking=True,
        check_company=True,
    )
    competitor_id = fields.Many2one(
        related="competitor_product_id.competitor_id",
        store=True,
        index=True,
        string="Competitor",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        default=lambda self: self.env.user,
        tracking=True,
    )
    active = fields.Boolean(default=True)
    # Contract at the competitor
    seats = fields.Integer(
        default=1,
        tracking=True,
        help="Seats or licences in use; the crossgrade price covers at most "
        "this many units.",
    )
    renewal_date = fields.Date(
        tracking=True,
        help="When the competitor contract renews or ends: the moment to make "
        "the offer. Past the grace period after this date the origin no longer "
        "qualifies for crossgrade prices.",
    )
    proof_attachment_ids = fields.Many2many(
        "ir.attachment",
        string="Proof",
        help="Licence, invoice or contract proving the use of the competitor "
        "product.",
    )
    note = fields.Text()
    # Verification
    state = fields.Selection(
        [
            ("declared", "Declared"),
            ("verified", "Verified"),
            ("rejected", "Rejected"),
            ("migrated", "Migrated"),
        ],
        default="declared",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    verified_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    verified_date = fields.Datetime(readonly=True, copy=False)
    migrated_order_id = fields.Many2one(
        "sale.order",
        string="Migrated by Order",
        readonly=True,
        copy=False,
        ondelete="restrict",
        index="btree_not_null",
    )
    migration_ids = fields.One2many("crossgrade.migration", "origin_id")

    @api.depends("partner_id.name", "competitor_product_id.display_name")
    def _compute_display_name(self):
        for origin in self:
            origin.display_name = (
                f"{origin.partner_id.name or ''} / "
                f"{origin.competitor_product_id.display_name or ''}"
            )

    @api.constrains("seats")
    def _check_seats(self):
        for origin in self:
            if origin.seats < 0:
                raise ValidationError(
                    self.env._(
                        "The number of seats of a crossgrade origin cannot be "
                        "negative (got %(seats)s for %(origin)s).",
                        seats=origin.seats,
                        origin=origin.display_name,
                    )
                )

    @api.model
    def _check_required_values(self, vals_list):
        for vals in vals_list:
            missing = [
                self._fields[name].string
                for name in REQUIRED_FIELDS
                if not vals.get(name)
            ]
            if missing:
                raise ValidationError(
                    self.env._(
                        "A crossgrade origin needs a customer and a competitor "
                        "product; missing: %s.",
                        ", ".join(missing),
                    )
                )

    @api.model
    def _commercial_vals(self, vals):
        if is_record_id(vals.get("partner_id")):
            partner = self.env["res.partner"].browse(vals["partner_id"]).exists()
            if partner:  # an unknown id is refused by the input check
                vals["partner_id"] = partner.commercial_partner_id.id
        return vals

    def _check_protected_write(self, vals):
        if (
            PROTECTED_FIELDS & set(vals)
            and not self.env.su
            and not self.env.user.has_group("sales_team.group_sale_manager")
        ):
            raise AccessError(
                self.env._(
                    "Only Sales managers can change the verification state of a "
                    "crossgrade origin; use Verify or Reject."
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_required_values(vals_list)
        for vals in vals_list:
            self._check_protected_write(
                {k: v for k, v in vals.items() if k != "state" or v != "declared"}
            )
            self._commercial_vals(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_protected_write(vals)
        self._check_required_values(
            [{name: vals.get(name, True) for name in REQUIRED_FIELDS}]
        )
        if self.env.su:
            return super().write(self._commercial_vals(vals))
        migrated = self.filtered(lambda origin: origin.state == "migrated")
        if migrated:
            raise UserError(
                self.env._(
                    "%(origins)s was migrated by %(order)s: it is history and "
                    "cannot be changed.",
                    origins=migrated._names(),
                    order=", ".join(migrated.sudo().migrated_order_id.mapped("name")),
                )
            )
        watched = [name for name in VERIFIED_FIELDS if name in vals]
        if not watched:
            return super().write(self._commercial_vals(vals))
        verified = self.filtered(lambda origin: origin.state == "verified")
        before = {origin: origin._verified_facts(watched) for origin in verified}
        res = super().write(self._commercial_vals(vals))
        changed = verified.filtered(
            lambda origin: origin._verified_facts(watched) != before[origin]
        )
        if changed:
            changed.sudo().write(
                {"state": "declared", "verified_by_id": False, "verified_date": False}
            )
            labels = ", ".join(
                self._fields[name]._description_string(self.env) for name in watched
            )
            for origin in changed:
                origin.message_post(
                    body=self.env._(
                        "Back to declared: %(fields)s changed after the "
                        "verification. A Sales manager verifies it again.",
                        fields=labels,
                    )
                )
        return res

    def _verified_facts(self, names):
        self.ensure_one()
        return [
            self[name].ids if self._fields[name].relational else self[name]
            for name in names
        ]

    # Verification workflow (Sales managers)
    def _check_manager(self):
        if not self.env.user.has_group("sales_team.group_sale_manager"):
            raise AccessError(
                self.env._(
                    "Only Sales managers can verify or reject crossgrade origins."
                )
            )

    def _set_verification(self, allowed_states, vals, error):
        """Move the origins to ``vals`` if all are in ``allowed_states``;
        otherwise raise ``error(wrong_origins)`` and write nothing."""
        self._check_manager()
        wrong = self.filtered(lambda o: o.state not in allowed_states)
        if wrong:
            raise ValidationError(error(wrong))
        self.sudo().write(vals)
        return True

    def _names(self):
        return ", ".join(self.mapped("display_name"))

    def action_verify(self):
        states = dict(self._fields["state"]._description_selection(self.env))
        return self._set_verification(
            ("declared",),
            {
                "state": "verified",
                "verified_by_id": self.env.uid,
                "verified_date": fields.Datetime.now(),
            },
            lambda wrong: self.env._(
                "Only declared origins can be verified; %(origins)s is "
                "already %(state)s.",
                origins=wrong._names(),
                state=states[wrong[0].state],
            ),
        )

    def action_new_quotation(self):
        """The next step once an origin is verified: a quotation for its
        customer, on a pricelist with a crossgrade rule for it."""
        self.ensure_one()
        self.check_access("read")
        if self.state not in ("declared", "verified"):
            raise UserError(
                self.env._(
                    "%(origin)s is %(state)s: it gives no crossgrade price any more.",
                    origin=self.display_name,
                    state=dict(self._fields["state"]._description_selection(self.env))[
                        self.state
                    ],
                )
            )
        rule = self.env["product.pricelist.item"].search(
            [
                ("crossgrade_restricted", "=", True),
                ("pricelist_id.active", "=", True),
                ("pricelist_id.company_id", "in", [False, self.company_id.id]),
                "|",
                ("crossgrade_competitor_ids", "in", self.competitor_id.ids),
                (
                    "crossgrade_competitor_product_ids",
                    "in",
                    self.competitor_product_id.ids,
                ),
            ],
            limit=1,
        )
        context = {"default_partner_id": self.partner_id.id}
        if rule:
            context["default_pricelist_id"] = rule.pricelist_id.id
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "views": [(False, "form")],
            "context": context,
        }

    def action_reject(self):
        return self._set_verification(
            ("declared", "verified"),
            {
                "state": "rejected",
                "verified_by_id": self.env.uid,
                "verified_date": fields.Datetime.now(),
            },
            lambda wrong: self.env._(
                "Only declared or verified origins can be rejected: %s.",
                wrong._names(),
            ),
        )

    def action_reset_to_declared(self):
        return self._set_verification(
            ("rejected",),
            {"state": "declared", "verified_by_id": False, "verified_date": False},
            lambda wrong: self.env._(
                "Only rejected origins can be set back to declared: %s.",
                wrong._names(),
            ),
        )

    # Sales order hooks

    def _check_still_eligible(self, order):
        """Refuse to confirm ``order`` on a crossgrade price that no longer holds."""
        lost = self.filtered(lambda o: o.state not in ("declared", "verified"))
        if lost:
            raise ValidationError(
                self.env._(
                    "The crossgrade price of %(order)s relies on %(origins)s, "
                    "which is no longer eligible (rejected or already used by "
                    "another order); update the prices before confirming.",
                    order=order.name,
                    origins=lost._names(),
                )
            )

    @api.model
    def _lock_for_confirmation(self, origins_by_order):
        """Before confirming: lock the origins the orders use (a concurrent
        confirmation waits), check they still qualify, and that each gives
        its crossgrade to one order only."""
        origins = self.browse()
        for used in origins_by_order.values():
            origins |= used
        if not origins:
            return
        self.env.cr.execute(
            SQL(
                "SELECT id FROM crossgrade_origin WHERE id IN %s FOR NO KEY UPDATE",
                tuple(origins.ids),
            )
        )
        origins.invalidate_recordset(["state", "migrated_order_id"])
        orders_by_origin = defaultdict(list)
        for order, used in origins_by_order.items():
            used._check_still_eligible(order)
            for origin in used:
                orders_by_origin[origin].append(order)
        for origin, orders in orders_by_origin.items():
            if len(orders) > 1:
                raise ValidationError(
                    self.env._(
                        "%(origin)s gives one crossgrade, but %(orders)s all use "
                        "it: confirm one of them, then update the prices of the "
                        "others.",
                        origin=origin.display_name,
                        orders=", ".join(order.name for order in orders),
                    )
                )

    def _mark_migrated(self, order):
        """Record that ``order`` used these origins: one crossgrade each."""
        self.sudo().write({"state": "migrated", "migrated_order_id": order.id})

    def _restore_after_cancel(self):
        """Give the crossgrade back when the order that used it is cancelled."""
        for origin in self.sudo():
            origin.write(
                {
                    "state": "verified" if origin.verified_by_id else "declared",
                    "migrated_order_id": False,
                }
            )
