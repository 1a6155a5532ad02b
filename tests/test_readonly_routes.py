# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The pages a GET only reads run on the read replica (``readonly`` routes):
they write nothing, or Odoo would retry them on the primary database."""

import logging

from odoo import Command
from odoo.tests import HttpCase, tagged

READONLY_PAGES = (
    "/feedback/<string:token>/<int:score>",
    "/my/feedback",
    "/my/feedback/page/<int:page>",
    "/my/vouchers",
    "/my/vouchers/page/<int:page>",
    "/my/vouchers/<int:voucher_id>",
)
RETRIED = "retrying with a read/write cursor"


@tagged("post_install", "-at_install")
class TestReadonlyRoutes(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.customer = Partner.create({"name": "Replica Co", "is_company": True})
        person = Partner.create(
            {
                "name": "Rory Replica",
                "parent_id": cls.customer.id,
                "email": "rory@replica.example",
            }
        )
        cls.env["res.users"].create(
            {
                "name": "Rory Replica",
                "login": "portal_rory",
                "password": "portal_rory",
                "partner_id": person.id,
                "groups_id": [Command.set([cls.env.ref("base.group_portal").id])],
            }
        )
        touchpoint = cls.env["customer.feedback.touchpoint"].create(
            {"name": "Replica NPS", "metric": "nps"}
        )
        Feedback = cls.env["customer.feedback"]
        cls.feedback = Feedback.browse(
            Feedback.request_feedback(touchpoint.id, person.id)
        )
        cls.feedback._send_requests()
        voucher_type = cls.env["customer.voucher.type"].create(
            {"name": "Replica Training", "value": 100.0}
        )
        cls.voucher = cls.env["customer.voucher"].create(
            {"type_id": voucher_type.id, "partner_id": cls.customer.id}
        )

    def test_get_pages_are_readonly_routes(self):
        IrHttp = self.env["ir.http"]
        routing = {
            url: endpoint.routing
            for url, endpoint in IrHttp._generate_routing_rules(
                sorted(self.env.registry._init_modules),
                converters=IrHttp._get_converters(),
            )
        }
        for path in READONLY_PAGES:
            self.assertIs(routing[path]["readonly"], True, path)
        # the referral page: read-only to show, read/write to post the form
        readonly = routing["/my/referrals"]["readonly"]
        self.assertTrue(callable(readonly))
        self.assertFalse(routing["/feedback/<string:token>/submit"]["readonly"])
        # opening the record of a health reason (a button) only reads
        Reason = type(self.env["customer.health.reason"])
        self.assertTrue(Reason.action_open_record._readonly)

    def test_get_pages_write_nothing(self):
        """Each page read on a read-only transaction, as on a replica: none
        fails to write and is retried on the primary database."""
        self.authenticate("portal_rory", "portal_rory")
        with self.assertLogs("odoo.http", logging.WARNING) as logs:
            logging.getLogger("odoo.http").warning("pages read")
            for url in (
                f"/feedback/{self.feedback.access_token}/9",
                f"/feedback/{self.feedback.access_token}/9?source=portal",
                "/my/feedback",
                "/my/vouchers",
                f"/my/vouchers/{self.voucher.id}",
                "/my/referrals",
            ):
                response = self.url_open(url)
                self.assertEqual(response.status_code, 200, url)
        self.assertFalse([line for line in logs.output if RETRIED in line])
        self.feedback.invalidate_recordset()
        self.assertEqual(self.feedback.state, "sent")
        # the voucher page opened from a mail's link, without a session
        self.authenticate(None, None)
        with self.assertLogs("odoo.http", logging.WARNING) as logs:
            logging.getLogger("odoo.http").warning("pages read")
            response = self.url_open(
                f"/my/vouchers/{self.voucher.id}"
                f"?access_token={self.voucher._portal_ensure_token()}"
            )
            self.assertEqual(response.status_code, 200)
        self.assertFalse([line for line in logs.output if RETRIED in line])
