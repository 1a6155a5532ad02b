# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models


class CustomerHealthReason(models.Model):
    """Why a customer's health is what it is in a company: one signal found
    at the last computation, from that company's documents, its value, the
    points it cost and the record behind it. Replaced at each computation."""

    _name = "customer.health.reason"
    _description = "Customer Health Reason"
    _order = "points desc, id"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        readonly=True,
        help="The company whose documents gave the signal.",
    )
    rule_id = fields.Many2one(
        "customer.health.rule", required=True, ondelete="cascade", index=True
    )
    # written in every installed language at each computation (the reader's
    # language shows)
    name = fields.Char(string="Reason", required=True, translate=True)
    points = fields.Integer(help="Points of health this signal cost.")
    res_model = fields.Char(string="Record Model")
    res_id = fields.Many2oneReference(string="Record", model_field="res_model")
    record_name = fields.Char(compute="_compute_record_name")

    @api.depends("res_model", "res_id")
    @api.depends_context("lang")
    def _compute_record_name(self):
        for reason in self:
            name = False
            if reason.res_model in self.env and reason.res_id:
                record = self.env[reason.res_model].browse(reason.res_id).exists()
                name = record.sudo().display_name if record else False
            reason.record_name = name

    @api.readonly
    def action_open_record(self):
        """Open the record behind the reason (the answer, the movement, the
        voucher, the invoice...); the list of them when the reason counts
        several ("4 vouchers unused", "2 invoices overdue")."""
        self.ensure_one()
        domain = self._records_domain()
        if domain:
            records = self.env[self.res_model].search(domain)
            if len(records) > 1:
                return {
                    "type": "ir.actions.act_window",
                    "name": self.name,
                    "res_model": self.res_model,
                    "domain": [("id", "in", records.ids)],
                    "views": [(False, "list"), (False, "form")],
                    "context": {"create": False},
                }
        record = self.env[self.res_model].browse(self.res_id)
        record.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "views": [(False, "form")],
        }

    def _records_domain(self):
        """The records a reason counting several stands for, as of now."""
        code = self.rule_id.code
        if code == "vouchers_unused":
            return [
                ("partner_id", "=", self.partner_id.id),
                ("company_id", "=", self.company_id.id),
                ("state", "=", "available"),
            ]
        if code == "invoices_overdue":
            return [
                ("commercial_partner_id", "=", self.partner_id.id),
                ("company_id", "=", self.company_id.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
                ("invoice_date_due", "<", fields.Date.context_today(self)),
            ]
        return []
