# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CustomerVoucherType(models.Model):
    """What a voucher gives (a training, support hours, a consulting day...),
    which products grant it, how long it is valid and when its holder is
    reminded of it."""

    _name = "customer.voucher.type"
    _inherit = ["customer.value.input.mixin"]
    _description = "Customer Voucher Type"
    _order = "sequence, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    category = fields.Selection(
        [
            ("training", "Training"),
            ("support_hours", "Support hours"),
            ("consulting_day", "Consulting day"),
            ("other", "Other"),
        ],
        required=True,
        default="training",
    )
    description = fields.Html(
        translate=True,
        help="How to use the voucher: shown in the reminders and in the portal, "
        "so it names an address or a page, not 'this e-mail'.",
    )
    company_id = fields.Many2one(
        "res.company", index=True, help="Empty: the type is shared by all companies."
    )
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        default=lambda self: self.env.company.currency_id,
    )
    value = fields.Monetary(help="What one voucher is worth to the customer.")
    validity_days = fields.Integer(string="Validity (days)", required=True, default=365)
    covered_product_tmpl_ids = fields.Many2many(
        "product.template",
        "customer_voucher_type_covered_product_rel",
        "type_id",
        "product_tmpl_id",
        string="Redeemable For",
        check_company=True,
        help="What a voucher of this type pays for (a course, support hours): a "
        "quotation with one of these products warns that the customer still "
        "has an unused voucher.",
    )
    grant_ids = fields.One2many(
        "customer.voucher.grant", "type_id", string="Granted By", copy=True
    )
    reminder_step_ids = fields.One2many(
        "customer.voucher.reminder.step",
        "type_id",
        string="Reminder Schedule",
        copy=True,
    )
    mail_template_id = fields.Many2one(
        "mail.template",
        string="Reminder Template",
        domain="[('model', '=', 'customer.voucher')]",
        default=lambda self: self.env.ref(
            "customer_value.mail_template_voucher_reminder", raise_if_not_found=False
        ),
        help="The e-mail sent at each step of the schedule.",
    )
    extension_days = fields.Integer(
        string="Extension (days)",
        default=90,
        help="How much longer a voucher is valid once extended (once per "
        "voucher, by a manager); 0: vouchers of this type cannot be extended.",
    )
    extension_window_days = fields.Integer(
        string="Extension Window (days)",
        default=30,
        help="A voucher can be extended from this many days before its expiry "
        "until this many days after it.",
    )
    subscription_cap = fields.Boolean(
        string="Capped by the Subscription",
        default=True,
        help="A voucher granted with a subscription expires at the latest when "
        "that subscription ends or is closed.",
    )
    voucher_count = fields.Integer(compute="_compute_voucher_count")

    def _compute_voucher_count(self):
        counts = dict(
            self.env["customer.voucher"]._read_group(
                [("type_id", "in", self.ids)], ["type_id"], ["__count"]
            )
        )
        for voucher_type in self:
            voucher_type.voucher_count = counts.get(voucher_type, 0)

    @api.constrains("value", "validity_days", "extension_days", "extension_window_days")
    def _check_figures(self):
        for voucher_type in self:
            if voucher_type.value < 0:
                raise ValidationError(
                    self.env._(
                        "%(type)s: the value of a voucher cannot be negative.",
                        type=voucher_type.name,
                    )
                )
            if voucher_type.validity_days <= 0:
                raise ValidationError(
                    self.env._(
                        "%(type)s: the validity must be at least one day.",
                        type=voucher_type.name,
                    )
                )
            if (
                voucher_type.extension_days < 0
                or voucher_type.extension_window_days < 0
            ):
                raise ValidationError(
                    self.env._(
                        "%(type)s: the extension and its window cannot be negative.",
                        type=voucher_type.name,
                    )
                )

    def action_view_vouchers(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_value.customer_voucher_action"
        )
        action["domain"] = [("type_id", "=", self.id)]
        action["context"] = {"default_type_id": self.id}
        return action
