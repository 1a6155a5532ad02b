# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from freezegun import freeze_time

from odoo.tests import Form, tagged

from .voucher_common import VoucherCommon


@tagged("post_install", "-at_install")
class TestVoucherRenewal(VoucherCommon):
    """subscription_oca confirms a renewal order every period (mode "sale order
    & invoice"): the grant line says whether it issues the vouchers again."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        template = cls.env["sale.subscription.template"].create(
            {
                "name": "Monthly, billed by orders",
                "recurring_rule_type": "months",
                "invoicing_mode": "sale_and_invoice",
            }
        )
        cls.licence.write(
            {"subscribable": True, "subscription_template_id": template.id}
        )
        cls.grant = cls.training.grant_ids

    def _renew(self, sub, day):
        with freeze_time(day):
            sub.generate_invoice()
        return sub.sale_order_ids.sorted("id")[-1]

    def _sold(self):
        with freeze_time("2026-03-01"):
            order = self._order([(self.licence, 1)])
        sub = order.subscription_ids
        self.assertEqual(len(sub), 1)
        self.assertEqual(len(order.voucher_ids), 2)
        self.assertEqual(order.voucher_ids.subscription_id, sub)
        return order, sub

    def test_first_sale_only_by_default(self):
        self.assertEqual(self.grant.issue_on, "first_sale")
        order, sub = self._sold()
        renewal = self._renew(sub, "2026-04-01")
        self.assertEqual(renewal.order_subscription_id, sub)
        self.assertEqual(renewal.state, "sale")
        self.assertFalse(renewal.voucher_ids)
        self.assertEqual(
            self.env["customer.voucher"].search_count(
                [("partner_id", "=", self.customer.id)]
            ),
            2,
        )

    def test_every_renewal(self):
        with Form(self.training.with_user(self.manager)) as form:
            with form.grant_ids.edit(0) as grant:
                grant.issue_on = "every_renewal"
        self.assertEqual(self.grant.issue_on, "every_renewal")
        order, sub = self._sold()
        for day in ("2026-04-01", "2026-05-01"):
            renewal = self._renew(sub, day)
            self.assertEqual(len(renewal.voucher_ids), 2)
            self.assertEqual(renewal.voucher_ids.subscription_id, sub)
        self.assertEqual(
            self.env["customer.voucher"].search_count(
                [("partner_id", "=", self.customer.id)]
            ),
            6,
        )
        # still one subscription: renewals renew it
        self.assertEqual(
            self.env["sale.subscription"].search(
                [("commercial_partner_id", "=", self.customer.id)]
            ),
            sub,
        )
