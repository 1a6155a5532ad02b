# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestCustomerHealthUi(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        voucher_type = cls.env["customer.voucher.type"].create(
            {"name": "Health Tour Training", "value": 100.0, "validity_days": 365}
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Health Tour Co", "is_company": True}
        )
        cls.env["customer.voucher"].create(
            [
                {
                    "type_id": voucher_type.id,
                    "partner_id": cls.customer.id,
                    "code": code,
                }
                for code in ("HEALTH-TOUR-A", "HEALTH-TOUR-B")
            ]
        )
        cls.customer.action_compute_health()

    def test_a_click_on_a_reason_opens_its_records(self):
        self.assertIn(
            "vouchers worth", " ".join(self.customer.health_reason_ids.mapped("name"))
        )
        self.start_tour(
            f"/odoo/contacts/{self.customer.id}",
            "customer_value_health_reason_row",
            login="admin",
        )
