# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Issuing and correcting vouchers by hand: what a user may set or change,
unique codes, the customer as holder; a voucher is history, not deleted."""

from odoo import api, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .customer_value_input_mixin import is_record_id
from .customer_voucher import (
    CLOSED_EDITABLE_FIELDS,
    CORRECTABLE_FIELDS,
    WORKFLOW_FIELDS,
)


class CustomerVoucher(models.Model):
    _inherit = "customer.voucher"

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            self._check_manual_create(vals_list)
        self._check_codes_free(vals_list)
        Partner = self.env["res.partner"]
        for vals in vals_list:
            if isinstance(vals, dict) and is_record_id(vals.get("partner_id")):
                partner = Partner.browse(vals["partner_id"])
                vals["partner_id"] = partner.commercial_partner_id.id
                vals.setdefault("beneficiary_id", partner.id)
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            self._check_manual_write(vals)
        self._check_codes_free([vals])
        if is_record_id(vals.get("partner_id")):
            partner = self.env["res.partner"].browse(vals["partner_id"])
            vals["partner_id"] = partner.commercial_partner_id.id
        return super().write(vals)

    def _check_manual_write(self, vals):
        """What users may change by hand (the actions write as superuser)."""
        names = set(vals) if isinstance(vals, dict) else set()
        workflow = names & WORKFLOW_FIELDS
        if workflow:
            raise AccessError(
                self.env._(
                    "%(fields)s of a voucher change only through its actions "
                    "(Redeem, Cancel, Extend), not by hand.",
                    fields=self._field_labels(workflow),
                )
            )
        closed = self.filtered(lambda voucher: voucher.state != "available")
        if closed and names - CLOSED_EDITABLE_FIELDS:
            states = dict(self._fields["state"]._description_selection(self.env))
            raise UserError(
                self.env._(
                    "Voucher %(code)s is %(state)s: it cannot be changed any more.",
                    code=closed[0].code,
                    state=states[closed[0].state].lower(),
                )
            )
        if names & CORRECTABLE_FIELDS and not self.env.user.has_group(
            "sales_team.group_sale_manager"
        ):
            raise AccessError(
                self.env._(
                    "Only Sales managers can correct %(fields)s of a voucher.",
                    fields=self._field_labels(names & CORRECTABLE_FIELDS),
                )
            )

    @api.model
    def _check_manual_create(self, vals_list):
        for vals in vals_list:
            given = {
                name
                for name, value in (vals.items() if isinstance(vals, dict) else ())
                if name in WORKFLOW_FIELDS
                and value not in (False, None, 0, "available")
            }
            if given:
                raise AccessError(
                    self.env._(
                        "%(fields)s of a voucher are set by its actions and by the "
                        "sale that issues it, not by hand.",
                        fields=self._field_labels(given),
                    )
                )

    @api.model
    def _field_labels(self, names):
        return ", ".join(
            sorted(self._fields[name]._description_string(self.env) for name in names)
        )

    @api.model
    def _check_codes_free(self, vals_list):
        """Refuse taken codes with a message (not a database error)."""
        codes = [vals["code"] for vals in vals_list if vals.get("code")]
        if not codes:
            return
        taken = self.with_context(active_test=False).sudo().search(
            [("code", "in", codes)]
        ).mapped("code") + [code for code in codes if codes.count(code) > 1]
        if taken:
            raise ValidationError(
                self.env._(
                    "A voucher with the code %(codes)s already exists.",
                    codes=", ".join(sorted(set(taken))),
                )
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_history(self):
        # sudo: the reminder log counts whoever may read it
        if any(
            voucher.state != "cancelled" or voucher.sudo().reminder_ids
            for voucher in self
        ):
            raise UserError(
                self.env._(
                    "A voucher is part of the customer's history: cancel it "
                    "instead of deleting it."
                )
            )
