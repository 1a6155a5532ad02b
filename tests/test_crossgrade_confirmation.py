# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import CrossgradeCommon


@tagged("post_install", "-at_install")
class TestCrossgradeConfirmation(CrossgradeCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Template = cls.env["crossgrade.check.template"]
        # Only this test's templates (demo data may hold others).
        Template.search([]).action_archive()
        cls.tpl_dc, cls.tpl_db, cls.tpl_fw, cls.tpl_training = Template.create(
            [
                {
                    "name": "Domain controller",
                    "category": "infrastructure",
                    "blocking": True,
                    "sequence": 1,
                },
                {
                    "name": "DBMS server",
                    "category": "database",
                    "blocking": True,
                    "sequence": 2,
                },
                {
                    "name": "Firewall port 1433",
                    "category": "network",
                    "blocking": True,
                    "sequence": 3,
                },
                {"name": "Staff training", "category": "people", "sequence": 4},
            ]
        )
        cls.tpl_other = Template.create(
            {
                "name": "Export from Other DB",
                "category": "database",
                "blocking": True,
                "competitor_ids": [Command.link(cls.other_competitor.id)],
            }
        )
        cls.tpl_mail = Template.create(
            {
                "name": "Mail Shield quarantine export",
                "competitor_product_ids": [Command.link(cls.rival_mail.id)],
            }
        )

    def test_confirm_marks_origin_migrated_and_plans_migration(self):
        origin = self._origin()
        order = self._quote(user=self.salesman)
        order.action_confirm()
        self.assertEqual(origin.state, "migrated")
        self.assertEqual(origin.migrated_order_id, order)
        migration = order.crossgrade_migration_ids
        self.assertEqual(len(migration), 1)
        self.assertEqual(order.crossgrade_migration_count, 1)
        self.assertEqual(migration.origin_id, origin)
        self.assertEqual(migration.partner_id, self.customer)
        self.assertEqual(migration.user_id, self.salesman)
        self.assertEqual(migration.state, "planned")
        self.assertTrue(migration.name.startswith("MIG/"))
        # Templates for every migration, not those of another competitor or
        # another competitor product.
        self.assertEqual(
            migration.check_ids.mapped("name"),
            [
                "Domain controller",
                "DBMS server",
                "Firewall port 1433",
                "Staff training",
            ],
        )
        self.assertEqual(migration.check_ids.mapped("state"), ["todo"] * 4)
        self.assertEqual(migration.risk_level, "high")
        activity = migration.activity_ids
        self.assertEqual(activity.user_id, self.salesman)
        self.assertIn("Rival AV Endpoint", activity.summary)

    def test_confirmed_order_keeps_saying_why_the_price(self):
        self._origin()
        order = self._quote(user=self.salesman)
        line = order.order_line.filtered("crossgrade_qty")[:1]
        explanation = line.with_user(self.salesman).crossgrade_explanation
        self.assertIn("Crossgrade price", explanation)
        order.with_user(self.salesman).action_confirm()
        self.env.invalidate_all()
        self.assertEqual(
            line.with_user(self.salesman).crossgrade_explanation, explanation
        )
        self.assertTrue(line.crossgrade_qty)
        # and so does the invoice made from it
        invoice = order._create_invoices()
        invoice_line = invoice.invoice_line_ids.filtered(
            lambda invoiced: invoiced.sale_line_ids == line
        )
        self.assertEqual(
            invoice_line.with_user(self.salesman).crossgrade_explanation, explanation
        )

    def test_product_specific_template(self):
        self._origin(self.rival_mail)
        order = self._quote(lines=[(self.product_mail, 1)])
        order.action_confirm()
        self.assertIn(
            "Mail Shield quarantine export",
            order.crossgrade_migration_ids.check_ids.mapped("name"),
        )

    def test_later_quotation_no_longer_gets_crossgrade(self):
        self._origin()
        self._quote().action_confirm()
        later = self._quote()
        self.assertUnitPrice(later.order_line, 95.0)
        self.assertFalse(later.crossgrade_origin_id)

    def test_one_crossgrade_per_origin(self):
        origin = self._origin()
        first, second = self._quote(), self._quote()
        self.assertEqual(second.crossgrade_origin_id, origin)
        first.action_confirm()
        with self.assertRaisesMessage(ValidationError, "no longer eligible"):
            second.action_confirm()
        self.assertEqual(second.state, "draft")
        self.assertEqual(origin.migrated_order_id, first)

    def test_rejected_before_confirmation_refuses_the_price(self):
        origin = self._origin()
        order = self._quote()
        origin.with_user(self.manager).action_reject()
        with self.assertRaisesMessage(ValidationError, "update the prices"):
            order.action_confirm()
        order.action_update_prices()
        self.assertFalse(order.crossgrade_origin_id)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.crossgrade_migration_ids)

    def test_order_without_crossgrade_creates_no_migration(self):
        order = self._quote()
        order.action_confirm()
        self.assertFalse(order.crossgrade_migration_ids)

    def test_cancel_gives_the_crossgrade_back(self):
        origin = self._origin()
        origin.sudo().write({"verified_by_id": self.manager.id})
        order = self._quote()
        order.action_confirm()
        order._action_cancel()
        self.assertEqual(origin.state, "verified")
        self.assertFalse(origin.migrated_order_id)
        self.assertEqual(order.crossgrade_migration_ids.state, "cancelled")

    def test_risk_level_follows_open_blocking_checks(self):
        self._origin()
        order = self._quote(user=self.salesman)
        order.action_confirm()
        migration = order.crossgrade_migration_ids.with_user(self.salesman)
        dc, db, fw, training = migration.check_ids
        self.assertEqual(migration.open_blocking_count, 3)
        self.assertEqual(migration.risk_level, "high")
        dc.state = "ok"
        self.assertEqual(migration.risk_level, "medium")
        db.state = "na"
        training.state = "issue"  # not blocking
        self.assertEqual(migration.risk_level, "medium")
        fw.state = "issue"
        self.assertEqual(migration.risk_level, "high")
        migration.action_start()
        with self.assertRaisesMessage(UserError, "Firewall port 1433"):
            migration.action_done()
        fw.state = "ok"
        self.assertEqual(migration.risk_level, "low")
        migration.action_done()
        self.assertEqual(migration.state, "done")
        with self.assertRaises(UserError):
            migration.action_start()

    def test_migration_cancel_and_reset(self):
        self._origin()
        order = self._quote()
        order.action_confirm()
        migration = order.crossgrade_migration_ids
        migration.action_cancel()
        self.assertEqual(migration.state, "cancelled")
        migration.action_reset_to_planned()
        self.assertEqual(migration.state, "planned")

    def test_migration_done_asks_for_feedback(self):
        self.env.company.feedback_throttle_days = 0
        touchpoint = self.env["customer.feedback.touchpoint"].create(
            {"name": "After migration", "metric": "ces", "trigger": "migration_done"}
        )
        self.customer.email = "it@crossgrade.example"
        self._origin()
        order = self._quote(user=self.salesman)
        order.action_confirm()
        migration = order.crossgrade_migration_ids.with_user(self.salesman)
        migration.check_ids.write({"state": "ok"})
        migration.action_start()
        self.assertFalse(
            self.env["customer.feedback"].search(
                [("touchpoint_id", "=", touchpoint.id)]
            )
        )
        migration.action_done()
        request = self.env["customer.feedback"].search(
            [("touchpoint_id", "=", touchpoint.id)]
        )
        self.assertEqual(
            (request.res_model, request.res_id),
            ("crossgrade.migration", migration.id),
        )
        self.assertEqual(request.commercial_partner_id, self.customer)
