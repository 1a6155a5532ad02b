# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from .crossgrade_migration_check import OPEN_CHECK_STATES
from .customer_value_input_mixin import is_record_id

# Open blocking checks from which a migration is high risk.
HIGH_RISK_OPEN_BLOCKING = 3


class CrossgradeMigration(models.Model):
    _name = "crossgrade.migration"
    _description = "Crossgrade Migration Plan"
    _inherit = ["mail.thread", "mail.activity.mixin", "customer.value.input.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference",
        required=True,
        readonly=True,
        copy=False,
        default=lambda self: self.env._("New"),
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        tracking=True,
    )
    origin_id = fields.Many2one(
        "crossgrade.origin",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    competitor_id = fields.Many2one(related="origin_id.competitor_id", store=True)
    competitor_product_id = fields.Many2one(
        related="origin_id.competitor_product_id", store=True
    )
    order_id = fields.Many2one(
        "sale.order",
        string="Sales Order",
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Owner",
        default=lambda self: self.env.user,
        tracking=True,
        help="Who on the seller's side sees the switch through.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    state = fields.Selection(
        [
            ("planned", "Planned"),
            ("in_progress", "In Progress"),
            ("done", "Done"),
            ("cancelled", "Cancelled"),
        ],
        default="planned",
        required=True,
        tracking=True,
        copy=False,
        group_expand=True,
    )
    date_planned = fields.Date(string="Planned Switch Date", tracking=True)
    check_ids = fields.One2many(
        "crossgrade.migration.check", "migration_id", string="Checklist", copy=True
    )
    open_blocking_count = fields.Integer(
        compute="_compute_risk_level", store=True, string="Open Blocking Checks"
    )
    risk_level = fields.Selection(
        [("low", "Low"), ("medium", "Medium"), ("high", "High")],
        compute="_compute_risk_level",
        store=True,
        tracking=True,
        help="High when a blocking check has an issue or at least three "
        "blocking checks are open; medium while one or two are open; low when "
        "every blocking check is OK or not applicable.",
    )
    risk_color = fields.Integer(
        compute="_compute_risk_color", help="Colour of the risk level on cards."
    )
    note = fields.Html()

    @api.depends("risk_level")
    def _compute_risk_color(self):
        # the web client's colour indexes: 10 green, 2 orange, 1 red
        colors = {"low": 10, "medium": 2, "high": 1}
        for migration in self:
            migration.risk_color = colors.get(migration.risk_level, 0)

    @api.depends("check_ids.state", "check_ids.blocking")
    def _compute_risk_level(self):
        for migration in self:
            open_blocking = migration.check_ids.filtered(
                lambda c: c.blocking and c.state in OPEN_CHECK_STATES
            )
            migration.open_blocking_count = len(open_blocking)
            if (
                "issue" in open_blocking.mapped("state")
                or len(open_blocking) >= HIGH_RISK_OPEN_BLOCKING
            ):
                migration.risk_level = "high"
            elif open_blocking:
                migration.risk_level = "medium"
            else:
                migration.risk_level = "low"

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", self.env._("New")) == self.env._("New"):
                vals["name"] = self.env["ir.sequence"].next_by_code(
                    "crossgrade.migration"
                ) or self.env._("New")
            if "check_ids" not in vals and is_record_id(vals.get("origin_id")):
                origin = self.env["crossgrade.origin"].browse(vals["origin_id"])
                if origin.exists():  # an unknown id is refused by the input check
                    vals["check_ids"] = self._prepare_check_commands(origin)
        return super().create(vals_list)

    @api.model
    def _prepare_check_commands(self, origin):
        templates = self.env["crossgrade.check.template"]._for_origin(origin)
        return [
            Command.create(
                {
                    "template_id": template.id,
                    "sequence": template.sequence,
                    "name": template.name,
                    "description": template.description,
                    "category": template.category,
                    "blocking": template.blocking,
                }
            )
            for template in templates
        ]

    def _check_state(self, allowed, action):
        wrong = self.filtered(lambda m: m.state not in allowed)
        if wrong:
            raise UserError(
                self.env._(
                    "Cannot %(action)s migration %(names)s in its current state.",
                    action=action,
                    names=", ".join(wrong.mapped("name")),
                )
            )

    def action_start(self):
        self._check_state(("planned",), self.env._("start"))
        self.write({"state": "in_progress"})
        return True

    def action_done(self):
        self._check_state(("planned", "in_progress"), self.env._("finish"))
        blocked = self.filtered("open_blocking_count")
        if blocked:
            raise UserError(
                self.env._(
                    "Migration %(name)s still has open blocking checks: "
                    "%(checks)s. Mark them OK or not applicable first.",
                    name=blocked[0].name,
                    checks=", ".join(
                        blocked[0]
                        .check_ids.filtered(
                            lambda c: c.blocking and c.state in OPEN_CHECK_STATES
                        )
                        .mapped("name")
                    ),
                )
            )
        self.write({"state": "done"})
        self.env["customer.feedback.touchpoint"]._trigger_feedback(
            "migration_done", self, lambda migration: migration.partner_id
        )
        return True

    def action_cancel(self):
        self._check_state(("planned", "in_progress"), self.env._("cancel"))
        self.write({"state": "cancelled"})
        return True

    def action_reset_to_planned(self):
        self._check_state(("cancelled",), self.env._("reset"))
        self.write({"state": "planned"})
        return True
