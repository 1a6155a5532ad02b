# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .voucher_common import VoucherCommon


@tagged("post_install", "-at_install")
class TestVoucherRedeem(VoucherCommon):
    @freeze_time("2026-05-04")
    def test_redeem(self):
        voucher = self._voucher(issue_date="2026-01-10")
        voucher.with_user(self.salesman).action_redeem("SQL Server course, May")
        self.assertEqual(voucher.state, "redeemed")
        self.assertEqual(voucher.redeem_date, date(2026, 5, 4))
        self.assertEqual(voucher.redeem_note, "SQL Server course, May")
        self.assertEqual(voucher.redeem_user_id, self.salesman)

    def test_redeem_note_typed_on_the_form(self):
        voucher = self._voucher()
        voucher.redeem_note = "Consulting day"
        voucher.action_redeem()
        self.assertEqual(voucher.redeem_note, "Consulting day")

    def test_redeem_refused_when_not_available(self):
        redeemed = self._voucher()
        redeemed.action_redeem()
        with self.assertRaisesRegex(UserError, "cannot be redeemed: it is redeemed"):
            redeemed.action_redeem()
        cancelled = self._voucher()
        cancelled.action_cancel()
        with self.assertRaisesRegex(UserError, "cannot be redeemed: it is cancelled"):
            cancelled.action_redeem()
        expired = self._voucher(issue_date="2025-01-01", expiry_date="2025-12-31")
        # Past its expiry date, even before the daily job marks it expired.
        with self.assertRaisesRegex(UserError, "cannot be redeemed: it is expired"):
            expired.action_redeem()
        self.assertEqual(expired.state, "available")

    def test_cancel(self):
        voucher = self._voucher()
        voucher.action_cancel()
        self.assertEqual(voucher.state, "cancelled")
        redeemed = self._voucher()
        redeemed.action_redeem()
        with self.assertRaisesRegex(UserError, "cannot be cancelled: it is redeemed"):
            redeemed.action_cancel()

    @freeze_time("2026-06-01")
    def test_expiry_cron_by_batches(self):
        past = [
            self._voucher(issue_date="2025-01-01", expiry_date=f"2026-05-{day:02d}")
            for day in (1, 2, 3)
        ]
        today = self._voucher(issue_date="2025-06-01", expiry_date="2026-06-01")
        redeemed = self._voucher(issue_date="2025-01-01", expiry_date="2026-05-01")
        with freeze_time("2026-04-01"):
            redeemed.action_redeem()
        Voucher = self.env["customer.voucher"]
        self.assertEqual(len(Voucher._cron_expire(batch_size=2)), 2)
        self.assertEqual(len(Voucher._cron_expire(batch_size=2)), 1)
        self.assertFalse(Voucher._cron_expire(batch_size=2))
        self.assertEqual({v.state for v in past}, {"expired"})
        self.assertEqual(today.state, "available")  # valid through its last day
        self.assertEqual(redeemed.state, "redeemed")

    def test_extend_once_within_the_window(self):
        voucher = self._voucher(issue_date="2025-06-01", expiry_date="2026-06-30")
        with freeze_time("2026-05-01"):  # 60 days before: too early
            with self.assertRaisesRegex(UserError, "can be extended from 05/31/2026"):
                voucher.with_user(self.manager).action_extend()
        with freeze_time("2026-06-10"):
            with self.assertRaisesRegex(AccessError, "Only Sales managers"):
                voucher.with_user(self.salesman).action_extend()
            voucher.with_user(self.manager).action_extend()
        self.assertEqual(voucher.expiry_date, date(2026, 9, 28))
        self.assertTrue(voucher.extended)
        with freeze_time("2026-09-20"):
            with self.assertRaisesRegex(UserError, "already extended once"):
                voucher.with_user(self.manager).action_extend()

    def test_extend_an_expired_voucher_in_the_window(self):
        voucher = self._voucher(issue_date="2025-06-01", expiry_date="2026-06-30")
        with freeze_time("2026-07-05"):
            self.env["customer.voucher"]._cron_expire()
            self.assertEqual(voucher.state, "expired")
            voucher.with_user(self.manager).action_extend()
        self.assertEqual(voucher.state, "available")
        self.assertEqual(voucher.expiry_date, date(2026, 10, 3))

    def test_type_without_extension(self):
        self.training.extension_days = 0
        voucher = self._voucher(issue_date="2025-06-01", expiry_date="2026-06-30")
        with freeze_time("2026-06-20"):
            with self.assertRaisesRegex(UserError, "cannot be extended"):
                voucher.with_user(self.manager).action_extend()

    def test_redeeming_asks_for_feedback(self):
        """A touchpoint "voucher redeemed" asks the beneficiary about the
        voucher; redeeming works the same without one."""
        self.env.company.feedback_throttle_days = 0
        touchpoint = self.env["customer.feedback.touchpoint"].create(
            {"name": "After training", "metric": "csat", "trigger": "voucher_redeemed"}
        )
        voucher = self._voucher()
        voucher.with_user(self.salesman).action_redeem("Course in May")
        request = self.env["customer.feedback"].search(
            [("touchpoint_id", "=", touchpoint.id)]
        )
        self.assertEqual(
            (request.res_model, request.res_id, request.partner_id),
            ("customer.voucher", voucher.id, voucher.beneficiary_id),
        )
        self.assertEqual(request.state, "scheduled")
