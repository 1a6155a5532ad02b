# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class CustomerVoucherReminder(models.Model):
    """The log of the reminders of a voucher: one line per schedule step, at
    most (a unique constraint makes it so, even for concurrent runs), and one
    per reminder sent by hand."""

    _name = "customer.voucher.reminder"
    _inherit = ["customer.value.input.mixin"]
    _description = "Voucher Reminder"
    _order = "date desc, id desc"

    voucher_id = fields.Many2one(
        "customer.voucher", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="voucher_id.company_id", store=True)
    step_id = fields.Many2one(
        "customer.voucher.reminder.step",
        ondelete="restrict",
        index=True,
        help="The schedule step of a reminder sent by the daily job; empty for a "
        "reminder sent by hand.",
    )
    manual = fields.Boolean(
        string="Sent by Hand",
        readonly=True,
        help="Sent with Send Reminder on the voucher, not by the daily job.",
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    partner_id = fields.Many2one("res.partner", string="Recipient")
    status = fields.Selection(
        [
            ("sent", "Sent"),
            ("opted_out", "Not sent: opted out"),
            ("no_email", "Not sent: no e-mail address"),
            ("failed", "Not sent: error"),
        ],
        required=True,
    )
    mail_id = fields.Many2one(
        "mail.mail", string="E-mail", ondelete="set null", index="btree_not_null"
    )

    _sql_constraints = [
        (
            "voucher_step_uniq",
            "unique(voucher_id, step_id)",
            "A reminder step is sent once per voucher.",
        ),
    ]
