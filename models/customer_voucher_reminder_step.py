# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import UserError


class CustomerVoucherReminderStep(models.Model):
    """One step of a voucher type's reminder schedule, e.g. 30 days after
    issue, or 7 days before expiry."""

    _name = "customer.voucher.reminder.step"
    _inherit = ["customer.value.input.mixin"]
    _description = "Voucher Reminder Step"
    _order = "type_id, anchor desc, days desc, id"

    type_id = fields.Many2one(
        "customer.voucher.type",
        string="Voucher Type",
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(related="type_id.company_id", store=True)
    anchor = fields.Selection(
        [("issue", "After issue"), ("expiry", "Before expiry")],
        string="When",
        required=True,
        default="expiry",
    )
    days = fields.Integer(required=True, default=30)
    name = fields.Char(compute="_compute_name")

    _sql_constraints = [
        (
            "step_uniq",
            "unique(type_id, anchor, days)",
            "This reminder step is already in the schedule.",
        ),
        ("days_positive", "CHECK(days >= 0)", "The days of a step cannot be negative."),
    ]

    @api.depends("anchor", "days")
    def _compute_name(self):
        for step in self:
            if step.anchor == "issue":
                step.name = self.env._("%(days)s days after issue", days=step.days)
            else:
                step.name = self.env._("%(days)s days before expiry", days=step.days)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_sent(self):
        # sudo: the history counts whoever may read it
        if (
            self.env["customer.voucher.reminder"]
            .sudo()
            .search_count([("step_id", "in", self.ids)], limit=1)
        ):
            raise UserError(
                self.env._(
                    "Reminders were already sent for this step: it is part of the "
                    "vouchers' history and cannot be deleted."
                )
            )
