# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""What happens to a voucher: redeemed, cancelled, extended, expired."""

from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .cron_batch import write_by_batches
from .formatting import format_date


class CustomerVoucher(models.Model):
    _inherit = "customer.voucher"

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def _check_state(self, allowed, action):
        labels = dict(self._fields["state"]._description_selection(self.env))
        today = fields.Date.context_today(self)
        for voucher in self:
            state = voucher.state
            if state == "available" and voucher.expiry_date < today:
                state = "expired"
            if state not in allowed:
                raise UserError(
                    self.env._(
                        "Voucher %(code)s cannot be %(action)s: it is %(state)s.",
                        code=voucher.code,
                        action=action,
                        state=labels[state].lower(),
                    )
                )

    def action_redeem(self, note=None):
        """Mark the vouchers as used; ``note``: what they were redeemed for."""
        self.check_access("write")
        self._check_state(("available",), self.env._("redeemed"))
        for voucher in self:
            # sudo: the workflow fields change only through the actions
            voucher.sudo().write(
                {
                    "state": "redeemed",
                    "redeem_date": fields.Date.context_today(self),
                    "redeem_note": note or voucher.redeem_note or False,
                    "redeem_user_id": self.env.uid,
                }
            )
        self.env["customer.feedback.touchpoint"]._trigger_feedback(
            "voucher_redeemed",
            self,
            lambda voucher: voucher.beneficiary_id or voucher.partner_id,
        )
        # the "vouchers unused" signal of the health follows at once
        by_company = defaultdict(lambda: self.env["res.partner"])
        for voucher in self:
            by_company[voucher.company_id or self.env.company] |= voucher.partner_id
        for company, partners in by_company.items():
            partners.with_company(company)._refresh_health()
        return True

    def action_cancel(self):
        """Cancel unused vouchers (a redeemed voucher stays redeemed)."""
        self.check_access("write")
        self._check_state(("available", "expired"), self.env._("cancelled"))
        self.sudo().write({"state": "cancelled"})
        return True

    def action_extend(self):
        """Extend the validity once, within the type's window around expiry
        (managers)."""
        if not self.env.user.has_group("sales_team.group_sale_manager"):
            raise AccessError(
                self.env._("Only Sales managers can extend the validity of a voucher.")
            )
        self.check_access("write")
        today = fields.Date.context_today(self)
        for voucher in self:
            voucher._check_state(("available", "expired"), self.env._("extended"))
            voucher_type = voucher.type_id
            if voucher.extended:
                raise UserError(
                    self.env._(
                        "Voucher %(code)s was already extended once.", code=voucher.code
                    )
                )
            if voucher_type.extension_days <= 0:
                raise UserError(
                    self.env._(
                        "Vouchers of type %(type)s cannot be extended.",
                        type=voucher_type.name,
                    )
                )
            window = relativedelta(days=voucher_type.extension_window_days)
            if not (
                voucher.expiry_date - window <= today <= voucher.expiry_date + window
            ):
                raise UserError(
                    self.env._(
                        "Voucher %(code)s can be extended from %(start)s to %(end)s "
                        "only (%(days)s days around its expiry).",
                        code=voucher.code,
                        start=format_date(self.env, voucher.expiry_date - window),
                        end=format_date(self.env, voucher.expiry_date + window),
                        days=voucher_type.extension_window_days,
                    )
                )
            expiry = voucher._capped_expiry(
                max(voucher.expiry_date, today)
                + relativedelta(days=voucher_type.extension_days)
            )
            if expiry <= voucher.expiry_date or expiry < today:
                raise UserError(
                    self.env._(
                        "Voucher %(code)s cannot be extended beyond the end of its "
                        "subscription (%(end)s).",
                        code=voucher.code,
                        end=voucher.subscription_id.date,
                    )
                )
            voucher.sudo().write(
                {"expiry_date": expiry, "extended": True, "state": "available"}
            )
        return True

    # ------------------------------------------------------------------
    # Expiry
    # ------------------------------------------------------------------
    @api.model
    def _cron_expire(self, batch_size=1000):
        """Expire the available vouchers past their expiry date, by batches."""
        today = fields.Date.context_today(self)
        return write_by_batches(
            self,
            [("state", "=", "available"), ("expiry_date", "<", today)],
            {"state": "expired"},
            batch_size,
            order="expiry_date, id",
        )
