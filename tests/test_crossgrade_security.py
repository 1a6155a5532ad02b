# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import CrossgradeCommon


@tagged("post_install", "-at_install")
class TestCrossgradeSecurity(CrossgradeCommon):
    def test_salesman_records_origins_of_customers(self):
        Origin = self.env["crossgrade.origin"].with_user(self.salesman)
        origin = Origin.create(
            {
                "partner_id": self.contact.id,
                "competitor_product_id": self.rival_endpoint.id,
                "seats": 12,
            }
        )
        # Stored on the commercial partner, owned by the salesman.
        self.assertEqual(origin.partner_id, self.customer)
        self.assertEqual(origin.user_id, self.salesman)
        self.assertEqual(origin.state, "declared")
        origin.write({"seats": 15, "partner_id": self.contact.id})
        self.assertEqual(origin.partner_id, self.customer)
        self.assertIn(
            origin, self.customer.with_user(self.salesman).crossgrade_origin_ids
        )
        self.assertEqual(self.contact.crossgrade_origin_count, 1)
        action = self.customer.action_view_crossgrade_origins()
        self.assertEqual(action["domain"], [("partner_id", "=", self.customer.id)])
        with self.assertRaises(AccessError):
            origin.unlink()

    def test_only_managers_verify_or_reject(self):
        origin = self._origin(state="declared", user_id=self.salesman.id)
        origin = origin.with_user(self.salesman)
        with self.assertRaisesMessage(AccessError, "Sales managers"):
            origin.action_verify()
        with self.assertRaisesMessage(AccessError, "Sales managers"):
            origin.action_reject()
        with self.assertRaisesMessage(AccessError, "Sales managers"):
            origin.write({"state": "verified"})
        with self.assertRaisesMessage(AccessError, "Sales managers"):
            origin.env["crossgrade.origin"].create(
                {
                    "partner_id": self.customer.id,
                    "competitor_product_id": self.rival_endpoint.id,
                    "state": "verified",
                }
            )
        self.assertEqual(origin.state, "declared")
        origin.with_user(self.manager).action_verify()
        self.assertEqual(origin.state, "verified")
        self.assertEqual(origin.verified_by_id, self.manager)
        self.assertTrue(origin.verified_date)

    def test_verifying_twice_is_refused(self):
        origin = self._origin(state="declared").with_user(self.manager)
        origin.action_verify()
        with self.assertRaisesMessage(ValidationError, "already Verified"):
            origin.action_verify()

    def test_verify_many_writes_nothing_when_one_is_wrong(self):
        declared = self._origin(state="declared")
        rejected = self._origin(self.rival_mail, state="rejected")
        with self.assertRaises(ValidationError):
            (declared | rejected).with_user(self.manager).action_verify()
        self.assertEqual(declared.state, "declared")

    def test_reject_and_reset(self):
        origin = self._origin(state="declared").with_user(self.manager)
        origin.action_reject()
        self.assertEqual(origin.state, "rejected")
        with self.assertRaises(ValidationError):
            origin.action_reject()
        origin.action_reset_to_declared()
        self.assertEqual(origin.state, "declared")

    def test_bad_input(self):
        Origin = self.env["crossgrade.origin"].with_user(self.salesman)
        with self.assertRaisesMessage(ValidationError, "cannot be negative"):
            Origin.create(
                {
                    "partner_id": self.customer.id,
                    "competitor_product_id": self.rival_endpoint.id,
                    "seats": -1,
                }
            )
        with self.assertRaisesMessage(ValidationError, "missing: Customer"):
            Origin.create({"competitor_product_id": self.rival_endpoint.id})
        with self.assertRaisesMessage(ValidationError, "missing: Competitor Product"):
            Origin.create({"partner_id": self.customer.id})
        origin = self._origin()
        with self.assertRaisesMessage(ValidationError, "missing: Customer"):
            origin.write({"partner_id": False})
        self.assertFalse(
            self.env["crossgrade.origin"].search_count(
                [("partner_id", "=", self.customer.id), ("seats", "<", 0)]
            )
        )

    def test_pricelist_condition_on_archived_competitor(self):
        archived = self.env["crossgrade.competitor"].create(
            {"name": "Gone Inc.", "active": False}
        )
        with self.assertRaisesMessage(ValidationError, "Gone Inc."):
            self.rule_regular.write(
                {"crossgrade_competitor_ids": [Command.link(archived.id)]}
            )
        self.rival_mail.action_archive()
        with self.assertRaisesMessage(ValidationError, "Mail Shield"):
            self.rule_regular.write(
                {
                    "crossgrade_competitor_product_ids": [
                        Command.link(self.rival_mail.id)
                    ]
                }
            )
        self.assertFalse(self.rule_regular.crossgrade_restricted)

    def test_configuration_is_for_managers(self):
        for model, vals in (
            ("crossgrade.competitor", {"name": "New Rival"}),
            (
                "crossgrade.competitor.product",
                {"name": "X", "competitor_id": self.competitor.id},
            ),
            ("crossgrade.check.template", {"name": "Backups"}),
        ):
            with self.assertRaises(AccessError):
                self.env[model].with_user(self.salesman).create(vals)
            self.env[model].with_user(self.manager).create(vals)
        self.assertTrue(self.competitor.with_user(self.salesman).name)
        with self.assertRaises(AccessError):
            self.rule_competitor.with_user(self.salesman).write(
                {"crossgrade_verified_only": False}
            )

    def test_salesman_sees_own_origins_only(self):
        colleague = new_test_user(
            self.env, login="cg_colleague", groups="sales_team.group_sale_salesman"
        )
        mine = self._origin(user_id=self.salesman.id)
        theirs = self._origin(self.rival_mail, user_id=colleague.id)
        Origin = self.env["crossgrade.origin"].with_user(self.salesman)
        self.assertEqual(Origin.search([("id", "in", (mine | theirs).ids)]), mine)
        all_docs = new_test_user(
            self.env,
            login="cg_all_docs",
            groups="sales_team.group_sale_salesman_all_leads",
        )
        self.assertEqual(
            Origin.with_user(all_docs).search([("id", "in", (mine | theirs).ids)]),
            mine | theirs,
        )

    def test_a_colleagues_origin_on_my_quotation_is_text(self):
        """The salesperson's quotation got the crossgrade price of an origin a
        colleague recorded: the form shows its name as text, no link to a
        record they cannot open."""
        colleague = new_test_user(
            self.env,
            login="cg_colleague_quote",
            groups="sales_team.group_sale_salesman",
        )
        origin = self._origin(user_id=colleague.id)
        order = self._quote(user=self.salesman)
        self.assertEqual(order.crossgrade_origin_id, origin)
        mine = order.with_user(self.salesman)
        with self.assertRaises(AccessError):
            mine.crossgrade_origin_id.check_access("read")
        form = Form(mine)
        self.assertTrue(form._get_modifier("crossgrade_origin_id", "invisible"))
        self.assertFalse(form._get_modifier("crossgrade_origin_summary", "invisible"))
        self.assertEqual(form.crossgrade_origin_summary, origin.display_name)
        # whoever may open it gets the link
        form = Form(order.with_user(self.manager))
        self.assertFalse(form._get_modifier("crossgrade_origin_id", "invisible"))
        self.assertTrue(form._get_modifier("crossgrade_origin_summary", "invisible"))

    def test_multi_company(self):
        company_b = self.env["res.company"].create({"name": "Company B"})
        user_b = new_test_user(
            self.env,
            login="cg_user_b",
            groups="sales_team.group_sale_manager",
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
        )
        origin_a = self._origin()
        Origin = self.env["crossgrade.origin"].with_user(user_b)
        self.assertFalse(Origin.search([("id", "=", origin_a.id)]))
        with self.assertRaises(AccessError):
            origin_a.with_user(user_b).read(["seats"])
        origin_b = Origin.create(
            {
                "partner_id": self.customer.id,
                "competitor_product_id": self.rival_endpoint.id,
                "seats": 3,
            }
        )
        self.assertEqual(origin_b.company_id, company_b)
        # An origin of company B does not price company A's quotations.
        origin_a.unlink()
        origin_b.sudo().write({"state": "verified"})
        self.assertUnitPrice(self._quote().order_line, 95.0)
