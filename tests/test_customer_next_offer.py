# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The next best offer: item-to-item co-occurrence with lift over a tiny known
matrix (figures worked out by hand), the exclusions (owned, dismissed,
offered, lost in the last six months), idempotence and batches, and the
actions as the real salespeople."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, TransactionCase, new_test_user, tagged

# the values compared between two runs
VALUES = (
    "partner_id",
    "company_id",
    "product_tmpl_id",
    "antecedent_tmpl_id",
    "score",
    "support",
    "lift",
    "rank",
    "state",
    "user_id",
)


@tagged("post_install", "-at_install")
class TestCustomerNextOffer(TransactionCase):
    """A company of its own (its customers are the whole population), four
    customers and five products:

    ======== === === === === ===
    customer  A   B   C   D   E
    ======== === === === === ===
    c1        x   x   x
    c2        x   x
    c3        x       x   x
    c4            x       x   (x: 30 months ago)
    ======== === === === === ===

    N = 4; n(A) = n(B) = 3, n(C) = n(D) = 2; pairs A-B 2, A-C 2, A-D 1, B-C 1,
    B-D 1, C-D 1. c4's D is a running subscription, its E an order older
    than the period."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env["res.company"].create({"name": "Next Offer Co"})
        cls.env = cls.env(
            context=dict(
                cls.env.context,
                allowed_company_ids=cls.company.ids,
            )
        )
        Param = cls.env["ir.config_parameter"].sudo()
        Param.set_param("customer_value.next_offer_min_customers", 1)
        company_only = {
            "company_id": cls.company.id,
            "company_ids": [Command.set(cls.company.ids)],
        }
        cls.salesman = new_test_user(
            cls.env,
            login="nbo_salesman",
            groups="sales_team.group_sale_salesman",
            **company_only,
        )
        cls.colleague = new_test_user(
            cls.env,
            login="nbo_colleague",
            groups="sales_team.group_sale_salesman",
            **company_only,
        )
        cls.manager = new_test_user(
            cls.env,
            login="nbo_manager",
            groups="sales_team.group_sale_manager",
            **company_only,
        )
        cls.portal = new_test_user(
            cls.env, login="nbo_portal", groups="base.group_portal", **company_only
        )
        Category = cls.env["product.category"]
        cls.categ = {
            name: Category.create({"name": f"NBO {name}"})
            for name in ("Hardware", "Backup", "Support")
        }
        categ_of = dict(
            zip("ABCDE", ("Hardware",) * 2 + ("Backup", "Support") * 2, strict=False)
        )
        Product = cls.env["product.product"]
        cls.products = {
            name: Product.create(
                {
                    "name": f"NBO {name}",
                    "type": "service",
                    "taxes_id": False,
                    "categ_id": cls.categ[categ_of[name]].id,
                }
            )
            for name in "ABCDE"
        }
        cls.tmpl = {name: p.product_tmpl_id for name, p in cls.products.items()}
        Partner = cls.env["res.partner"]
        cls.c = {
            n: Partner.create(
                {
                    "name": f"NBO Customer {n}",
                    "is_company": True,
                    "user_id": (cls.salesman if n <= 2 else cls.colleague).id,
                }
            )
            for n in range(1, 5)
        }
        cls.contact2 = Partner.create(
            {"name": "Nina Buyer", "parent_id": cls.c[2].id, "type": "contact"}
        )
        for n, names in ((1, "ABC"), (2, "AB"), (3, "ACD"), (4, "B")):
            # c2 buys through its contact: the customer is the company
            cls._order(cls.contact2 if n == 2 else cls.c[n], names)
        old = cls._order(cls.c[4], "E")
        old.date_order = fields.Datetime.now() - relativedelta(months=30)
        monthly = cls.env["sale.subscription.template"].create(
            {"name": "NBO monthly", "recurring_rule_type": "months"}
        )
        sub = (
            cls.env["sale.subscription"]
            .with_company(cls.company)
            .create(
                {
                    "partner_id": cls.c[4].id,
                    "company_id": cls.company.id,
                    "template_id": monthly.id,
                    "pricelist_id": cls.env["product.pricelist"]
                    .create({"name": "NBO", "company_id": cls.company.id})
                    .id,
                    "sale_subscription_line_ids": [
                        Command.create({"product_id": cls.products["D"].id})
                    ],
                }
            )
        )
        sub.action_start_subscription()
        cls.Offer = cls.env["customer.next.offer"]

    @classmethod
    def _order(cls, partner, names, state="sale", **vals):
        order = (
            cls.env["sale.order"]
            .with_company(cls.company)
            .create(
                {
                    "partner_id": partner.id,
                    "company_id": cls.company.id,
                    "order_line": [
                        Command.create({"product_id": cls.products[name].id})
                        for name in names
                    ],
                    **vals,
                }
            )
        )
        if state == "sale":
            order.action_confirm()
        return order

    def _offers(self, customer, states=("new",)):
        return self.Offer.search(
            [
                ("partner_id", "=", customer.id),
                ("company_id", "=", self.company.id),
                ("state", "in", list(states)),
            ],
            order="rank",
        )

    def _names(self, customer, states=("new",)):
        inverse = {tmpl: name for name, tmpl in self.tmpl.items()}
        return [inverse[o.product_tmpl_id] for o in self._offers(customer, states)]

    def _snapshot(self):
        offers = self.Offer.search([("company_id", "=", self.company.id)])
        return sorted(
            tuple(
                round(v, 6) if isinstance(v, float) else v
                for v in (
                    offer[name].id if hasattr(offer[name], "id") else offer[name]
                    for name in VALUES
                )
            )
            for offer in offers
        )

    def test_lift_and_support_on_a_known_matrix(self):
        self.Offer._compute_all()
        # c2 has A, B: C = A->C (lift 4/3 x conf 2/3) + B->C (2/3 x 1/3)
        c2 = self._offers(self.c[2])
        self.assertEqual(self._names(self.c[2]), ["C", "D"])
        self.assertAlmostEqual(c2[0].score, 10 / 9, places=4)
        self.assertAlmostEqual(c2[0].support, 2 / 3, places=4)
        self.assertAlmostEqual(c2[0].lift, 4 / 3, places=4)
        self.assertEqual(c2[0].antecedent_tmpl_id, self.tmpl["A"])
        self.assertEqual(c2[0].rank, 1)
        self.assertAlmostEqual(c2[1].score, 4 / 9, places=4)
        self.assertAlmostEqual(c2[1].support, 1 / 3, places=4)
        self.assertEqual(
            c2[0].with_context(lang="en_US").reason,
            "67 % of customers who use NBO A also use NBO C",
        )
        self.assertEqual(c2.user_id, self.salesman)
        # c4 has B and D (a running subscription), not E (30 months ago)
        c4 = self._offers(self.c[4])
        self.assertEqual(self._names(self.c[4]), ["A", "C"])
        self.assertAlmostEqual(c4[0].score, 25 / 27, places=4)
        self.assertAlmostEqual(c4[0].support, 2 / 3, places=4)
        self.assertEqual(c4[0].antecedent_tmpl_id, self.tmpl["B"])
        self.assertAlmostEqual(c4[1].score, 13 / 18, places=4)
        self.assertAlmostEqual(c4[1].support, 1 / 2, places=4)
        self.assertEqual(c4[1].antecedent_tmpl_id, self.tmpl["D"])
        self.assertEqual(self._names(self.c[1]), ["D"])
        self.assertAlmostEqual(self._offers(self.c[1]).score, 17 / 18, places=4)
        self.assertEqual(self._names(self.c[3]), ["B"])
        self.assertAlmostEqual(self._offers(self.c[3]).score, 34 / 27, places=4)
        # E: nobody has it in the period, it is nobody's offer
        self.assertFalse(
            self.Offer.search([("product_tmpl_id", "=", self.tmpl["E"].id)])
        )
        # the minimum of customers: at 2, only A-B and A-C (and back) remain
        self.env["ir.config_parameter"].sudo().set_param(
            "customer_value.next_offer_min_customers", 2
        )
        self.Offer._compute_all()
        self.assertEqual(self._names(self.c[2]), ["C"])
        self.assertEqual(self._names(self.c[4]), ["A"])
        self.assertEqual(self._names(self.c[1]), [])

    def test_idempotent_and_batches_give_the_same_rows(self):
        self.Offer._compute_all()
        first = self._snapshot()
        ids = self.Offer.search([("company_id", "=", self.company.id)]).ids
        self.assertEqual(len(first), 6)
        self.Offer._compute_all()
        self.assertEqual(self._snapshot(), first)
        self.assertEqual(
            self.Offer.search([("company_id", "=", self.company.id)]).ids, ids
        )
        # one customer per batch, from nothing: the same offers
        self.Offer.search([]).unlink()
        self.Offer._compute_all(batch_size=1)
        self.assertEqual(self._snapshot(), first)
        # the nightly job: counts once a day, then goes on where it stopped
        remaining = self.Offer._cron_compute_next_offers(batch_size=1, restart=True)
        self.assertGreater(remaining, 0)
        while remaining:
            before = remaining
            remaining = self.Offer._cron_compute_next_offers(batch_size=1)
            self.assertEqual(remaining, before - 1)
        self.assertEqual(self._cron_noop(), 0)
        self.assertEqual(self._snapshot(), first)

    def _cron_noop(self):
        """A second call the same day: nothing left to do."""
        return self.Offer._cron_compute_next_offers()

    def test_exclusions_owned_dismissed_offered(self):
        self.Offer._compute_all()
        c2_c = self._offers(self.c[2])[0]
        c2_c.with_user(self.salesman).action_dismiss("Has it from another vendor")
        self.assertEqual(c2_c.state, "dismissed")
        self.assertEqual(c2_c.dismiss_reason, "Has it from another vendor")
        self.Offer._compute_all()
        self.assertEqual(self._names(self.c[2]), ["D"])
        self.assertEqual(self._offers(self.c[2])[0].rank, 1)
        self.assertEqual(self._names(self.c[2], ["dismissed"]), ["C"])
        # bought: no longer an offer
        self._order(self.c[2], "D")
        self.c[2].with_user(self.salesman).action_compute_next_offers()
        self.assertEqual(self._names(self.c[2]), [])
        self.assertEqual(self._names(self.c[2], ["dismissed"]), ["C"])
        # a quotation is not owning
        self._order(self.c[3], "B", state="draft")
        self.c[3].action_compute_next_offers()
        self.assertEqual(self._names(self.c[3]), ["B"])
        # a product archived since the nightly count, an archived customer
        self.assertEqual(self._names(self.c[4]), ["A", "C"])
        self.tmpl["C"].active = False
        self.c[4].action_compute_next_offers()
        self.assertEqual(self._names(self.c[4]), ["A"])
        self.assertEqual(self._offers(self.c[4]).rank, 1)
        self.c[1].active = False
        self.Offer._compute_all()
        self.assertFalse(self._offers(self.c[1]))

    def _lost_lead(self, customer, months, **vals):
        lead = self.env["crm.lead"].create(
            {
                "name": "Lost deal",
                "type": "opportunity",
                "partner_id": customer.id,
                "company_id": self.company.id,
                **vals,
            }
        )
        lead.action_set_lost()
        lead.date_closed = fields.Datetime.now() - relativedelta(months=months)
        return lead

    def test_lost_opportunities_kept_out_for_six_months(self):
        lead = self._lost_lead(self.c[2], 5)
        self._order(self.c[2], "C", state="draft", opportunity_id=lead.id)
        self.Offer._compute_all()
        self.assertEqual(self._names(self.c[2]), ["D"])
        lead.date_closed = fields.Datetime.now() - relativedelta(months=7)
        self.c[2].action_compute_next_offers()
        self.assertEqual(self._names(self.c[2]), ["C", "D"])

    def test_create_opportunity_as_salesperson(self):
        self.Offer._compute_all()
        offer = self._offers(self.c[2])[0].with_user(self.salesman)
        action = offer.action_create_opportunity()
        lead = self.env["crm.lead"].browse(action["res_id"])
        self.assertEqual(offer.state, "offered")
        self.assertEqual(offer.lead_id, lead)
        self.assertEqual(lead.type, "opportunity")
        self.assertEqual(lead.partner_id, self.c[2])
        self.assertEqual(lead.user_id, self.salesman)
        self.assertEqual(lead.company_id, self.company)
        self.assertEqual(
            lead.source_id, self.env.ref("customer_value.utm_source_cross_sell")
        )
        self.assertEqual(lead.source_id.name, "Cross-sell")
        self.assertEqual(lead.next_offer_product_tmpl_id, self.tmpl["C"])
        self.assertIn("NBO C", lead.name)
        self.assertIn("67 % of customers who use NBO A", lead.description)
        # not twice, not once dismissed
        with self.assertRaisesRegex(UserError, "already offered"):
            offer.action_create_opportunity()
        other = self._offers(self.c[2])[0].with_user(self.salesman)
        other.action_dismiss("No budget")
        with self.assertRaisesRegex(UserError, "dismissed"):
            other.action_create_opportunity()
        with self.assertRaisesRegex(UserError, "already dismissed"):
            other.action_dismiss("Again")
        # the job keeps the offered one while its opportunity is open...
        self.Offer._compute_all()
        self.assertEqual(offer.state, "offered")
        self.assertEqual(self._names(self.c[2], ["offered"]), ["C"])
        # ... and lost 5 months ago; 7 months ago it comes back as new
        lead.action_set_lost()
        lead.date_closed = fields.Datetime.now() - relativedelta(months=5)
        self.Offer._compute_all()
        self.assertEqual(offer.state, "offered")
        lead.date_closed = fields.Datetime.now() - relativedelta(months=7)
        self.Offer._compute_all()
        self.assertEqual(offer.state, "new")
        self.assertFalse(offer.lead_id)

    def test_refusals(self):
        self.Offer._compute_all()
        offer = self._offers(self.c[2])[0].with_user(self.salesman)
        for reason in (None, "", "   ", 5, ["x"]):
            with self.assertRaisesRegex(ValidationError, "reason is required"):
                offer.action_dismiss(reason)
        self.assertEqual(offer.state, "new")
        with self.assertRaisesRegex(UserError, "one record at a time"):
            self._offers(self.c[2]).with_user(self.salesman).action_dismiss("x")
        with self.assertRaisesRegex(UserError, "one record at a time"):
            self.Offer.with_user(self.salesman).action_create_opportunity()
        # a colleague's customer's offer: not theirs
        theirs = self._offers(self.c[4])[0].with_user(self.salesman)
        with self.assertRaises(AccessError):
            theirs.action_create_opportunity()
        with self.assertRaises(AccessError):
            theirs.action_dismiss("Not mine")
        with self.assertRaises(AccessError):
            self.c[4].with_user(self.portal).action_compute_next_offers()
        self.assertEqual(theirs.sudo().state, "new")
        # no creating nor deleting offers by hand as a salesperson
        with self.assertRaises(AccessError):
            self.Offer.with_user(self.salesman).create(
                {
                    "partner_id": self.c[1].id,
                    "company_id": self.company.id,
                    "product_tmpl_id": self.tmpl["E"].id,
                }
            )
        with self.assertRaises(AccessError):
            offer.unlink()
        # the state, the opportunity and the figures change by the actions
        for vals in (
            {"state": "offered"},
            {"state": "dismissed", "dismiss_reason": "x"},
            {"lead_id": self.env["crm.lead"].create({"name": "Forged"}).id},
            {"support": 1.0},
        ):
            with self.assertRaisesRegex(UserError, "by their buttons only"):
                offer.write(vals)
        self.assertEqual(offer.state, "new")
        # the reason typed in the dialog, before dismissing; then it stays
        offer.write({"dismiss_reason": "Has one"})
        offer.action_dismiss()
        with self.assertRaisesRegex(UserError, "stays as given"):
            offer.write({"dismiss_reason": "Changed my mind"})
        self.assertEqual(offer.dismiss_reason, "Has one")

    def test_salesperson_sees_own_customers_offers(self):
        self.Offer._compute_all()
        mine = self.Offer.with_user(self.salesman).search(
            [("company_id", "=", self.company.id)]
        )
        self.assertEqual(mine.partner_id, self.c[1] | self.c[2])
        theirs = self.Offer.with_user(self.colleague).search(
            [("company_id", "=", self.company.id)]
        )
        self.assertEqual(theirs.partner_id, self.c[3] | self.c[4])
        everything = self.Offer.with_user(self.manager).search(
            [("company_id", "=", self.company.id)]
        )
        self.assertEqual(len(everything), 6)
        # the customer changes hands: the offers follow
        self.c[4].user_id = self.salesman
        self.assertIn(
            self.c[4],
            self.Offer.with_user(self.salesman).search([]).partner_id,
        )
        # a salesperson of the first company only sees none
        main = self.env.ref("base.main_company")
        elsewhere = new_test_user(
            self.env,
            login="nbo_elsewhere",
            groups="sales_team.group_sale_manager",
            company_id=main.id,
            company_ids=[Command.set(main.ids)],
        )
        Offer = self.Offer.with_user(elsewhere).with_context(
            allowed_company_ids=main.ids
        )
        self.assertFalse(Offer.search([("company_id", "=", self.company.id)]))

    def test_partner_form_and_dismiss_dialog(self):
        self.Offer._compute_all()
        customer = self.c[2].with_user(self.salesman)
        form = Form(customer)
        self.assertEqual(len(form.next_offer_ids), 2)
        first = form.next_offer_ids._records[0]
        self.assertAlmostEqual(first["support"], 2 / 3, places=4)
        self.assertIn("67 %", first["reason"])
        # the Dismiss button asks the reason, then dismisses
        offer = self._offers(self.c[2])[0].with_user(self.salesman)
        action = offer.action_open_dismiss()
        self.assertEqual(action["target"], "new")
        dialog = Form(offer, view=action["views"][0][0])
        dialog.dismiss_reason = "Uses a competitor's"
        dialog.save()
        offer.action_dismiss()
        self.assertEqual(offer.state, "dismissed")
        self.assertEqual(offer.dismiss_reason, "Uses a competitor's")
        self.assertEqual(len(Form(customer).next_offer_ids), 1)

    def test_check_in_note_lists_the_offers(self):
        self.Offer._compute_all()
        today = fields.Date.context_today(self.Offer)
        Partner = self.env["res.partner"]
        for customer in (self.c[2], self.c[3]):
            Partner._note_contact(customer.ids, today - timedelta(days=40))
        check_in = self.env.ref("customer_value.mail_activity_check_in")
        # the notes of a batch: no more queries for four customers than for one
        counts = []
        everyone = Partner.concat(*self.c.values())
        everyone._next_offers_note()  # warm the caches that are not per customer
        for customers in (self.c[2], everyone):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            notes = customers._next_offers_note()
            counts.append(self.env.cr.sql_log_count - before)
            self.assertEqual(set(notes), set(customers.ids))
        self.assertLessEqual(counts[1], counts[0], "no query per customer")
        Partner._cron_contact_rhythm()
        activity = self.c[2].activity_ids.filtered(
            lambda a: a.activity_type_id == check_in
        )
        self.assertEqual(activity.user_id, self.salesman)
        self.assertIn("What else they may need", activity.note)
        self.assertIn("67 % of customers who use NBO A also use NBO C", activity.note)
        self.assertIn("NBO D", activity.note)
        note3 = (
            self.c[3]
            .activity_ids.filtered(lambda a: a.activity_type_id == check_in)
            .note
        )
        self.assertIn("also use NBO B", note3)

    def test_whitespace_report(self):
        self.Offer._compute_all()
        self._offers(self.c[2])[0].with_user(self.salesman).action_create_opportunity()
        self.env.flush_all()
        Report = self.env["customer.whitespace.report"].with_user(self.salesman)
        cells = {
            (row.partner_id, row.categ_id.name): row.status
            for row in Report.search([("company_id", "=", self.company.id)])
        }
        # own documents: their customers only (c1 and c2)
        self.assertEqual(
            cells,
            {
                (self.c[1], "NBO Hardware"): "owns",
                (self.c[1], "NBO Backup"): "owns",
                (self.c[1], "NBO Support"): "not_yet",
                (self.c[2], "NBO Hardware"): "owns",
                (self.c[2], "NBO Backup"): "offered",
                (self.c[2], "NBO Support"): "not_yet",
            },
        )
        groups = (
            self.env["customer.whitespace.report"]
            .with_user(self.manager)
            ._read_group(
                [("company_id", "=", self.company.id)],
                ["categ_id"],
                ["owns:sum", "offered:sum", "not_yet:sum"],
            )
        )
        by_categ = {categ.name: rest for categ, *rest in groups}
        # c4's D is a running subscription; E is older than the period
        self.assertEqual(by_categ["NBO Support"], [2, 0, 2])
        self.assertEqual(by_categ["NBO Hardware"], [4, 0, 0])
