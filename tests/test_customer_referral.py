# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Referrals: names a customer gives become leads, unless the anti-abuse
rules refuse them; the referrer is thanked, told the outcome and rewarded
with loyalty coupons (per N names, and when a name buys), once and only
when earned."""

import psycopg2.errors
from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, TransactionCase, new_test_user, tagged

from .rights_common import FIELD_GROUPS


def coupon_program(env, name, discount):
    return env["loyalty.program"].create(
        {
            "name": name,
            "program_type": "coupons",
            "trigger": "with_code",
            "applies_on": "current",
            "rule_ids": [Command.create({})],
            "reward_ids": [
                Command.create(
                    {
                        "reward_type": "discount",
                        "discount": discount,
                        "discount_mode": "percent",
                        "discount_applicability": "order",
                        "required_points": 1,
                    }
                )
            ],
            "communication_plan_ids": [
                Command.create(
                    {
                        "trigger": "create",
                        "mail_template_id": env.ref(
                            "loyalty.mail_template_loyalty_card"
                        ).id,
                    }
                )
            ],
        }
    )


class ReferralCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, mail_notrack=True))
        cls.salesman = new_test_user(
            cls.env,
            login="referral_salesman",
            groups="sales_team.group_sale_salesman",
            email="salesman@company.example",
        )
        cls.colleague = new_test_user(
            cls.env,
            login="referral_colleague",
            groups="sales_team.group_sale_salesman",
        )
        cls.manager = new_test_user(
            cls.env,
            login="referral_manager",
            groups="sales_team.group_sale_manager",
        )
        cls.referrer = cls.env["res.partner"].create(
            {
                "name": "Happy Builders",
                "is_company": True,
                "email": "office@happy.example",
                "phone": "+30 210 555 0100",
                "user_id": cls.salesman.id,
            }
        )
        cls.contact = cls.env["res.partner"].create(
            {
                "name": "Anna Happy",
                "parent_id": cls.referrer.id,
                "email": "anna@happy.example",
                "mobile": "+30 694 111 2233",
            }
        )
        company = cls.env.company
        cls.names_program = coupon_program(cls.env, "Thanks for names", 10)
        cls.won_program = coupon_program(cls.env, "Thanks for a customer", 20)
        company.write(
            {
                "referral_names_program_id": cls.names_program.id,
                "referral_won_program_id": cls.won_program.id,
                "referral_names_count": 3,
                "referral_names_period_days": 90,
                "referral_won_on": "order",
                "referral_assignment": "salesperson",
            }
        )
        cls.Referral = cls.env["customer.referral"]

    def _submit(self, *lines, user=None, contact=None):
        return self.Referral.with_user(user or self.salesman).submit(
            (contact or self.contact).id, list(lines), source="staff"
        )

    def _referral(self, result):
        return self.Referral.browse(result["id"])


@tagged("post_install", "-at_install")
class TestReferralIntake(ReferralCase):
    def test_each_valid_name_becomes_a_lead(self):
        results = self._submit(
            {
                "name": "Maria Silva",
                "company_name": "Silva Studio",
                "email": "maria@silva.example",
                "note": "Opens a second office",
                "consent": True,
            },
            {"name": "Peter Novak", "phone": "+30 210 777 8899"},
        )
        self.assertEqual([r["state"] for r in results], ["lead", "lead"])
        maria = self._referral(results[0])
        lead = maria.lead_id
        self.assertEqual(maria.referrer_id, self.referrer)
        self.assertEqual(maria.referrer_contact_id, self.contact)
        self.assertEqual(maria.source, "staff")
        self.assertEqual(lead.referral_id, maria)
        self.assertEqual(lead.referrer_partner_id, self.referrer)
        self.assertEqual(lead.referred, "Happy Builders")
        self.assertEqual(
            lead.source_id, self.env.ref("customer_value.utm_source_referral")
        )
        self.assertEqual(lead.contact_name, "Maria Silva")
        self.assertEqual(lead.partner_name, "Silva Studio")
        self.assertEqual(lead.email_from, "maria@silva.example")
        self.assertIn("Opens a second office", lead.description)
        # the referrer's salesperson gets it, with a first call to make
        self.assertEqual(lead.user_id, self.salesman)
        self.assertEqual(maria.user_id, self.salesman)
        self.assertEqual(lead.activity_ids.user_id, self.salesman)
        self.assertEqual(
            lead.activity_ids.activity_type_id,
            self.env.ref("mail.mail_activity_data_call"),
        )
        # the salesperson reads what they recorded
        self.assertEqual(
            maria.with_user(self.salesman).read(["state"])[0]["state"], "lead"
        )

    def test_assignment_without_a_salesperson(self):
        self.referrer.user_id = False
        # recorded by a salesperson: theirs
        [result] = self._submit(
            {"name": "For Me", "email": "forme@a.example"}, user=self.colleague
        )
        self.assertEqual(self._referral(result).lead_id.user_id, self.colleague)
        # given on the portal: the leader of the sales team
        team = self.env["crm.team"].search(
            [("company_id", "in", [self.env.company.id, False])], limit=1
        )
        team.user_id = self.manager
        [result] = self.Referral.sudo()._submit_portal(
            self.contact, [{"name": "Web", "email": "web@a.example", "consent": True}]
        )
        lead = self._referral(result).lead_id
        self.assertEqual(lead.user_id, self.manager)
        self.assertEqual(lead.activity_ids.user_id, self.manager)

    def test_assignment_by_team_rules(self):
        self.env.company.referral_assignment = "team"
        self.env["ir.config_parameter"].set_param("crm.lead.auto.assignment", True)
        [result] = self._submit({"name": "Rules", "email": "rules@a.example"})
        self.assertFalse(self._referral(result).lead_id.user_id, "left to the rules")
        # the rules off: the referrer's salesperson after all
        self.env["ir.config_parameter"].set_param("crm.lead.auto.assignment", False)
        [result] = self._submit({"name": "No Rules", "email": "norules@a.example"})
        self.assertEqual(self._referral(result).lead_id.user_id, self.salesman)

    def test_merging_leads_keeps_the_referral(self):
        [result] = self._submit({"name": "Merged", "email": "merged@m.example"})
        referral = self._referral(result)
        other = self.env["crm.lead"].create(
            {
                "name": "Same person, from the website",
                "email_from": "merged@m.example",
                "type": "opportunity",
                "probability": 90,
                "user_id": self.salesman.id,
            }
        )
        kept = (referral.lead_id | other).with_user(self.salesman).merge_opportunity()
        self.assertEqual(kept, other, "the more likely one is kept")
        self.assertEqual(referral.lead_id, kept)
        self.assertEqual(kept.referral_id, referral)
        self.assertEqual(kept.referrer_partner_id, self.referrer)
        self.assertEqual(referral.state, "lead")

    def test_lead_or_opportunity_per_crm_settings(self):
        group_user = self.env.ref("base.group_user")
        use_leads = self.env.ref("crm.group_use_lead")
        group_user.implied_ids -= use_leads
        [result] = self._submit({"name": "Opportunity Olga", "email": "olga@o.example"})
        self.assertEqual(self._referral(result).lead_id.type, "opportunity")
        group_user.implied_ids |= use_leads
        [result] = self._submit({"name": "Lead Leo", "email": "leo@l.example"})
        self.assertEqual(self._referral(result).lead_id.type, "lead")

    def test_bad_lines_are_refused_one_by_one(self):
        count = self.Referral.search_count([])
        results = self._submit(
            {"name": "", "email": "nobody@x.example"},
            {"name": "No Contact"},
            {"name": "Bad Mail", "email": "bad@"},
            {"name": "Good One", "email": "good@one.example"},
            {"name": "Odd", "email": "o@o.example", "salary": 3},
            "not a dict",
        )
        self.assertEqual(results[0], {"error": "The name of the person is missing."})
        self.assertEqual(
            results[1],
            {"error": "No Contact: give an e-mail address or a phone number."},
        )
        self.assertEqual(
            results[2], {"error": "Bad Mail: bad@ is not a valid e-mail address."}
        )
        self.assertEqual(results[3]["state"], "lead")
        self.assertIn("salary", results[4]["error"])
        self.assertIn("Expected a dictionary", results[5]["error"])
        # only the good line was written
        self.assertEqual(self.Referral.search_count([]), count + 1)

    def test_refusals_of_the_whole_call(self):
        with self.assertRaisesRegex(ValidationError, "Give a list of referrals"):
            self._submit()
        with self.assertRaisesRegex(ValidationError, "Referrer"):
            self.Referral.with_user(self.salesman).submit(2**31 - 1, [{"name": "X"}])
        with self.assertRaisesRegex(ValidationError, "Source"):
            self.Referral.with_user(self.salesman).submit(
                self.contact.id,
                [{"name": "X", "email": "x@x.example"}],
                source="portal",
            )
        internal = new_test_user(
            self.env, login="referral_internal", groups="base.group_user"
        )
        with self.assertRaisesRegex(AccessError, "Only salespeople"):
            self.Referral.with_user(internal).submit(
                self.contact.id, [{"name": "X", "email": "x@x.example"}]
            )

    def test_form_checks_the_contact_details(self):
        with self.assertRaisesRegex(ValidationError, "not a valid e-mail"):
            self.Referral.with_user(self.salesman).create(
                {"name": "Zed", "email": "zed", "referrer_id": self.referrer.id}
            )
        with self.assertRaisesRegex(
            ValidationError, "give an e-mail address or a phone"
        ):
            self.Referral.with_user(self.salesman).create(
                {"name": "Zed", "referrer_id": self.referrer.id}
            )
        other = self.env["res.partner"].create({"name": "Someone Else"})
        with self.assertRaisesRegex(ValidationError, "is not a contact of"):
            self.Referral.with_user(self.salesman).create(
                {
                    "name": "Zed",
                    "email": "zed@z.example",
                    "referrer_id": self.referrer.id,
                    "referrer_contact_id": other.id,
                }
            )

    def test_a_referral_with_a_lead_keeps_its_details(self):
        [result] = self._submit({"name": "Kept", "email": "kept@k.example"})
        referral = self._referral(result).with_user(self.salesman)
        with self.assertRaisesRegex(UserError, "edit the lead instead"):
            referral.email = "other@k.example"
        referral.note = "Call after 10:00"  # the rest may change
        self.assertEqual(referral.note, "Call after 10:00")


@tagged("post_install", "-at_install")
class TestReferralAntiAbuse(ReferralCase):
    def test_self_referral(self):
        archived = self.env["res.partner"].create(
            {
                "name": "Old Contact",
                "parent_id": self.referrer.id,
                "email": "old@happy.example",
                "active": False,
            }
        )
        results = self._submit(
            {"name": "Anna Again", "email": "ANNA@happy.example"},
            {"name": "The Office", "phone": "0030 210 5550100"},
            {"name": "Old Me", "email": archived.email},
        )
        self.assertEqual(
            [r["rejection_reason"] for r in results], ["self_referral"] * 3
        )
        referral = self._referral(results[0])
        self.assertEqual(referral.state, "rejected")
        self.assertFalse(referral.lead_id)

    def test_existing_customer(self):
        customer = self.env["res.partner"].create(
            {"name": "Buyer", "email": "buyer@b.example", "customer_rank": 1}
        )
        contact = self.env["res.partner"].create(
            {
                "name": "Buyer's Bob",
                "parent_id": customer.id,
                "phone": "+1 415 555 0199",
            }
        )
        prospect = self.env["res.partner"].create(
            {"name": "Not Yet", "email": "notyet@n.example"}
        )
        results = self._submit(
            {"name": "Buyer", "email": "buyer@b.example"},
            {"name": "Bob", "phone": "(415) 555-0199"},
            {"name": "Not Yet", "email": prospect.email},
        )
        self.assertEqual(
            [r["rejection_reason"] for r in results],
            ["existing_customer", "existing_customer", False],
        )
        self.assertTrue(contact)

    def test_existing_customer_by_what_it_buys(self):
        """A customer with a running subscription, a confirmed order or a
        posted invoice is known through its contacts (e-mail, phone) and its
        name, whatever its customer rank says (the issue: Gemini Furniture's
        Edwin Hansen was accepted and earned a coupon)."""
        Partner = self.env["res.partner"]
        product = self.env.ref("customer_value.product_suite_basic_demo")

        def customer(name):
            company = Partner.create({"name": name, "is_company": True})
            contact = Partner.create(
                {
                    "name": f"{name} Contact",
                    "parent_id": company.id,
                    "email": f"contact@{name.split()[0].lower()}.example",
                    "phone": f"+30 210 {len(name):03d} 4455",
                }
            )
            return company, contact

        subscribed, subscribed_contact = customer("Subscribed Co")
        subscription = self.env["sale.subscription"].create(
            {
                "partner_id": subscribed.id,
                "template_id": self.env.ref(
                    "customer_value.subscription_template_monthly_demo"
                ).id,
                "pricelist_id": self.env.ref(
                    "customer_value.pricelist_subscription_demo"
                ).id,
                "sale_subscription_line_ids": [
                    Command.create({"product_id": product.id})
                ],
            }
        )
        subscription.action_start_subscription()
        ordering, ordering_contact = customer("Ordering Company")
        order = self.env["sale.order"].create(
            {
                "partner_id": ordering_contact.id,
                "order_line": [Command.create({"product_id": product.id})],
            }
        )
        order.action_confirm()
        invoiced, invoiced_contact = customer("Invoiced Firm Ltd")
        self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": invoiced.id,
                "invoice_line_ids": [
                    Command.create({"name": "Service", "price_unit": 100})
                ],
            }
        ).action_post()
        cancelled, cancelled_contact = customer("Cancelled Deal")
        self.env["sale.order"].create(
            {
                "partner_id": cancelled.id,
                "order_line": [Command.create({"product_id": product.id})],
            }
        ).action_cancel()
        gemini = self.env.ref("base.res_partner_3")
        self.assertTrue(
            self.env["sale.subscription"].search_count(
                [("partner_id", "=", gemini.id), ("in_progress", "=", True)]
            )
        )
        # the rank says nothing of them
        (subscribed | ordering | invoiced | cancelled | gemini).customer_rank = 0
        results = self._submit(
            {
                "name": "Edwin Hansen",
                "company_name": "Gemini Furniture",
                "email": "edwin.hansen58@example.com",
            },
            {"name": "Sub", "email": subscribed_contact.email.upper()},
            {"name": "Ord", "phone": ordering_contact.phone.replace(" ", "")},
            {"name": "Inv", "email": invoiced_contact.email},
            {
                "name": "By Name",
                "company_name": "ordering company",
                "email": "n@n.example",
            },
            {"name": "Cancelled", "email": cancelled_contact.email},
        )
        self.assertEqual(
            [r["rejection_reason"] for r in results],
            ["existing_customer"] * 5 + [False],
        )
        self.assertFalse(self._referral(results[0]).names_card_id)

    def test_one_referral_per_person_across_referrers(self):
        other = self.env["res.partner"].create(
            {"name": "Other Referrer", "is_company": True, "email": "o@other.example"}
        )
        [first] = self._submit({"name": "Maria", "email": "maria@m.example"})
        [second] = self._submit(
            {"name": "Maria S.", "email": "Maria@M.example"}, contact=other
        )
        [same_call, same_call_again] = self._submit(
            {"name": "Twice", "phone": "+30 210 999 0001"},
            {"name": "Twice Again", "phone": "210 999 0001"},
        )
        self.assertEqual(first["rejection_reason"], False)
        self.assertEqual(second["rejection_reason"], "already_referred")
        self.assertEqual(same_call["rejection_reason"], False)
        self.assertEqual(same_call_again["rejection_reason"], "already_referred")

    def test_duplicates_of_leads_archived_too(self):
        Lead = self.env["crm.lead"]
        Lead.create({"name": "Open", "email_from": "open@lead.example"})
        lost = Lead.create({"name": "Lost lately", "email_from": "lost@lead.example"})
        lost.action_set_lost()
        old = Lead.create({"name": "Lost long ago", "phone": "+44 20 7946 0958"})
        with freeze_time(fields.Datetime.now() - relativedelta(months=18)):
            old.action_set_lost()
        self.assertFalse(lost.active)
        self.assertFalse(old.active)
        results = self._submit(
            {"name": "Open", "email": "open@lead.example"},
            {"name": "Lost", "email": "lost@lead.example"},
            {"name": "Old", "phone": "020 7946 0958"},
        )
        self.assertEqual(
            [r["rejection_reason"] for r in results],
            ["already_referred", "already_referred", False],
        )

    def test_referred_again_after_a_year(self):
        with freeze_time(fields.Date.today() - relativedelta(months=14)):
            [first] = self._submit({"name": "Nina", "email": "nina@n.example"})
            self._referral(first).lead_id.action_set_lost()
        [again] = self._submit({"name": "Nina", "email": "nina@n.example"})
        self.assertEqual(again["state"], "lead")

    def test_blacklisted_email_without_phone(self):
        self.env["mail.blacklist"].create({"email": "optout@o.example"})
        [result] = self._submit({"name": "Opted Out", "email": "optout@o.example"})
        self.assertEqual(result["rejection_reason"], "invalid_contact")


@tagged("post_install", "-at_install")
class TestReferralRewards(ReferralCase):
    def _cards(self, program):
        return (
            self.env["loyalty.card"]
            .with_context(active_test=False)
            .search(
                [("program_id", "=", program.id), ("partner_id", "=", self.referrer.id)]
            )
        )

    def _qualify(self, results):
        self.Referral.browse([r["id"] for r in results]).with_user(
            self.salesman
        ).action_qualify()

    def test_names_reward_per_three_valid_names(self):
        results = self._submit(
            {"name": "One", "email": "one@r.example"},
            {"name": "Two", "email": "two@r.example"},
            {"name": "Me", "email": "anna@happy.example"},  # rejected: not counted
        )
        self._qualify(results[:2])
        self.assertFalse(self._cards(self.names_program))
        results += self._submit({"name": "Three", "email": "three@r.example"})
        self.assertFalse(self._cards(self.names_program), "Three is not qualified")
        self._qualify(results[3:])
        card = self._cards(self.names_program)
        self.assertEqual(len(card), 1)
        self.assertEqual(card.points, 1)
        earned = self.Referral.browse([r["id"] for r in results]).filtered(
            "names_card_id"
        )
        self.assertEqual(earned.mapped("name"), ["One", "Two", "Three"])
        self.assertEqual(earned.reward_card_ids, card)
        # the program's own mail announces the coupon to the referrer
        self.assertTrue(
            self.env["mail.mail"].search(
                [("model", "=", "loyalty.card"), ("res_id", "=", card.id)]
            )
        )
        self._qualify(
            self._submit(
                {"name": "Four", "email": "four@r.example"},
                {"name": "Five", "email": "five@r.example"},
            )
        )
        self.assertEqual(len(self._cards(self.names_program)), 1)
        self._qualify(self._submit({"name": "Six", "email": "six@r.example"}))
        self.assertEqual(len(self._cards(self.names_program)), 2)

    def test_figures_count_each_coupon_once(self):
        results = self._submit(
            {"name": "One", "email": "one@c.example"},
            {"name": "Two", "email": "two@c.example"},
            {"name": "Three", "email": "three@c.example"},
        )
        self._qualify(results)
        referrals = self.Referral.browse([r["id"] for r in results])
        self.assertEqual(sum(referrals.mapped("reward_count")), 1)
        self.assertEqual(sum(referrals.mapped("reward_used_count")), 0)
        card = referrals.names_card_id
        self.env["loyalty.history"].create(
            {"card_id": card.id, "description": "Used on an order", "used": 1}
        )
        self.assertEqual(sum(referrals.mapped("reward_used_count")), 1)

    def test_names_reward_counts_the_period_only(self):
        with freeze_time(fields.Date.today() - relativedelta(days=120)):
            self._qualify(
                self._submit(
                    {"name": "Old One", "email": "o1@r.example"},
                    {"name": "Old Two", "email": "o2@r.example"},
                )
            )
        self._qualify(self._submit({"name": "New One", "email": "n1@r.example"}))
        self.assertFalse(self._cards(self.names_program))

    def _win(self, referral, confirm=True):
        lead = referral.lead_id
        partner = self.env["res.partner"].create(
            {"name": referral.name, "email": referral.email}
        )
        lead.partner_id = partner
        order = self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "opportunity_id": lead.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.env["product.product"]
                            .create({"name": "Suite", "list_price": 900.0})
                            .id,
                        }
                    )
                ],
            }
        )
        lead.with_user(self.salesman).action_set_won()
        if confirm:
            order.action_confirm()
        return order

    def test_won_reward_on_first_order_once(self):
        [result] = self._submit({"name": "Buyer To Be", "email": "btb@r.example"})
        referral = self._referral(result)
        order = self._win(referral, confirm=False)
        self.assertEqual(referral.state, "won")
        self.assertFalse(referral.won_card_id, "won but nothing bought yet")
        order.action_confirm()
        card = referral.won_card_id
        self.assertEqual(card.program_id, self.won_program)
        self.assertEqual(card.partner_id, self.referrer)
        self.assertEqual(referral.revenue, 900.0)
        # a second order earns nothing more
        second = order.copy()
        second.action_confirm()
        self.assertEqual(self._cards(self.won_program), card)

    def test_cancelled_sale_withdraws_an_unused_reward(self):
        [result] = self._submit({"name": "Cancels", "email": "cancel@r.example"})
        referral = self._referral(result)
        order = self._win(referral)
        card = referral.won_card_id
        self.assertTrue(card.active)
        order._action_cancel()
        self.assertFalse(card.active, "an unearned reward does not stay usable")
        self.assertEqual(referral.reward_count, 0)
        # confirmed again: the same coupon comes back, no second one
        order.action_draft()
        order.action_confirm()
        self.assertTrue(card.active)
        self.assertEqual(self._cards(self.won_program), card)

    def test_won_reward_on_paid_invoice(self):
        self.env.company.referral_won_on = "invoice"
        [result] = self._submit({"name": "Payer", "email": "payer@r.example"})
        referral = self._referral(result)
        order = self._win(referral)
        self.assertFalse(referral.won_card_id, "waits for the payment")
        invoice = order._create_invoices()
        invoice.action_post()
        self.assertFalse(referral.won_card_id)
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({})._create_payments()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertTrue(referral.won_card_id)

    def test_lost_lead_no_reward(self):
        [result] = self._submit({"name": "Declines", "email": "no@r.example"})
        referral = self._referral(result)
        referral.lead_id.with_user(self.salesman).action_set_lost()
        self.assertEqual(referral.state, "lost")
        self.assertFalse(referral.won_card_id)


@tagged("post_install", "-at_install")
class TestReferralMails(ReferralCase):
    def _mails(self, referrals):
        return self.env["mail.message"].search(
            [
                ("model", "=", "customer.referral"),
                ("res_id", "in", referrals.ids),
                ("message_type", "!=", "notification"),
            ]
        )

    def test_thanks_once_per_submission_listing_the_names(self):
        results = self._submit(
            {"name": "Maria Silva", "email": "maria@silva.example"},
            {"name": "Peter Novak", "phone": "+30 210 777 8899"},
            {"name": "Anna Self", "email": "anna@happy.example"},
        )
        referrals = self.Referral.browse([r["id"] for r in results])
        message = self._mails(referrals)
        self.assertEqual(len(message), 1)
        self.assertEqual(message.partner_ids, self.contact)
        self.assertIn("Thank you for your recommendations", message.subject)
        for name in ("Maria Silva", "Peter Novak", "Anna Self"):
            self.assertIn(name, message.body)
        # a refused name looks like any other: no reason told
        self.assertNotIn("Self-referral", message.body)
        self.assertNotIn("not contact", message.body)

    def test_outcome_without_the_deal(self):
        [won, lost] = self._submit(
            {"name": "Wins", "email": "wins@r.example"},
            {"name": "Loses", "email": "loses@r.example"},
        )
        won, lost = self._referral(won), self._referral(lost)
        won.lead_id.expected_revenue = 123456
        before = self._mails(won | lost)
        won.lead_id.with_user(self.salesman).action_set_won()
        lost.lead_id.with_user(self.salesman).action_set_lost()
        outcome = self._mails(won | lost) - before
        self.assertEqual(len(outcome), 2)
        by_record = {message.res_id: message for message in outcome}
        self.assertIn("has become our customer", by_record[won.id].body)
        self.assertIn("not to go ahead", by_record[lost.id].body)
        self.assertNotIn("123", by_record[won.id].body)
        # a write that changes nothing of the outcome sends nothing
        won.lead_id.with_user(self.salesman).write({"probability": 100})
        self.assertEqual(self._mails(won | lost) - before, outcome)

    def test_in_the_referrers_language(self):
        self.env["res.lang"]._activate_lang("pt_BR")
        self.env["ir.module.module"]._load_module_terms(["customer_value"], ["pt_BR"])
        self.contact.lang = "pt_BR"
        [result] = self._submit({"name": "Maria Silva", "email": "maria@silva.example"})
        [message] = self._mails(self._referral(result))
        self.assertIn("Obrigado", message.subject)
        self.assertIn("Maria Silva", message.body)


@tagged("post_install", "-at_install")
class TestReferralRights(ReferralCase):
    def test_salesperson_sees_own_referrals(self):
        [result] = self._submit({"name": "Mine", "email": "mine@r.example"})
        referral = self._referral(result)
        self.assertTrue(referral.with_user(self.salesman).has_access("read"))
        self.assertFalse(referral.with_user(self.colleague).has_access("read"))
        self.assertTrue(referral.with_user(self.manager).has_access("read"))
        with self.assertRaises(AccessError):
            referral.with_user(self.salesman).unlink()
        referral.with_user(self.manager).lead_id  # noqa: B018

    def test_portal_reads_own_company_referrals_only(self):
        portal = new_test_user(
            self.env, login="referral_portal", groups="base.group_portal"
        )
        portal.partner_id.parent_id = self.referrer
        [result] = self._submit({"name": "Seen", "email": "seen@r.example"})
        referral = self._referral(result).with_user(portal)
        self.assertEqual(
            referral.read(["name", "portal_status"])[0]["portal_status"], "received"
        )
        stranger = self.env["res.partner"].create(
            {"name": "Stranger Co", "is_company": True, "email": "s@stranger.example"}
        )
        [other] = self._submit(
            {"name": "Hidden", "email": "hidden@r.example"}, contact=stranger
        )
        self.assertFalse(self._referral(other).with_user(portal).has_access("read"))
        with self.assertRaises(AccessError):
            self.Referral.with_user(portal).submit(
                portal.partner_id.id, [{"name": "X", "email": "x@x.example"}]
            )
        with self.assertRaises(AccessError):
            self.Referral.with_user(portal).create(
                {"name": "X", "email": "x@x.example", "referrer_id": self.referrer.id}
            )

    def test_other_company_does_not_see_them(self):
        company2 = self.env["res.company"].create({"name": "Referral Second"})
        outsider = new_test_user(
            self.env,
            login="referral_outsider",
            groups="sales_team.group_sale_salesman_all_leads",
            company_id=company2.id,
            company_ids=[Command.set(company2.ids)],
        )
        [result] = self._submit({"name": "Local", "email": "local@r.example"})
        self.assertFalse(self._referral(result).with_user(outsider).has_access("read"))


@tagged("post_install", "-at_install")
class TestReferralIntakeWizard(ReferralCase):
    def test_wizard_from_the_customer_form(self):
        action = self.contact.with_user(self.salesman).action_open_referral_intake()
        wizard = Form(
            self.env[action["res_model"]]
            .with_user(self.salesman)
            .with_context(**action["context"])
        )
        self.assertEqual(wizard.referrer_contact_id, self.contact)
        self.assertEqual(wizard.referrer_id, self.referrer)
        for name, email in (("Lia", "lia@w.example"), ("Max", "max@w.example")):
            with wizard.line_ids.new() as line:
                line.name = name
                line.email = email
                line.consent = True
        result = wizard.save().action_submit()
        referrals = self.Referral.search(result["domain"])
        self.assertEqual(sorted(referrals.mapped("name")), ["Lia", "Max"])
        self.assertTrue(all(referrals.mapped("consent")))
        self.assertEqual(set(referrals.mapped("source")), {"staff"})
        self.assertEqual(self.referrer.with_user(self.salesman).referral_count, 2)

    def test_wizard_refuses_all_until_every_line_is_right(self):
        wizard = Form(
            self.env["customer.referral.intake"]
            .with_user(self.salesman)
            .with_context(default_referrer_contact_id=self.contact.id)
        )
        with wizard.line_ids.new() as line:
            line.name = "Good"
            line.email = "good@w.example"
        with wizard.line_ids.new() as line:
            line.name = "Bad"
            line.email = "bad@"
        record = wizard.save()
        with self.assertRaisesRegex(UserError, "Bad: bad@ is not a valid e-mail"):
            record.action_submit()
        self.assertFalse(self.Referral.search([("name", "=", "Good")]))

    def test_partner_figures_and_smart_button(self):
        self._submit(
            {"name": "A", "email": "a@f.example"},
            {"name": "B", "email": "b@f.example"},
        )
        partner = self.referrer.with_user(self.salesman)
        self.assertEqual(partner.referral_count, 2)
        self.assertEqual(partner.referral_won_count, 0)
        action = partner.action_view_referrals()
        self.assertEqual(
            self.Referral.with_user(self.salesman).search_count(action["domain"]), 2
        )

    def test_figures_per_referrer(self):
        self._submit(
            {"name": "A", "email": "a@g.example"},
            {"name": "Self", "email": "anna@happy.example"},
        )
        [(referrer, count, valid, conversion)] = self.Referral._read_group(
            [("referrer_id", "=", self.referrer.id)],
            ["referrer_id"],
            ["__count", "valid_count:sum", "conversion:avg"],
        )
        self.assertEqual(
            (referrer, count, valid, conversion), (self.referrer, 2, 1, 0.0)
        )


@tagged("post_install", "-at_install")
class TestReferralGoal(ReferralCase):
    def test_referral_conversion_goal(self):
        with freeze_time("2016-03-10"):
            results = self._submit(
                {"name": "G1", "email": "g1@goal.example"},
                {"name": "G2", "email": "g2@goal.example"},
                {"name": "G3", "email": "g3@goal.example"},
                {"name": "G4", "email": "g4@goal.example"},
                {"name": "Self", "email": "anna@happy.example"},
            )
            self._referral(results[0]).lead_id.action_set_won()
        goal = self.env["customer.value.goal"].create(
            {
                "name": "Half the names bought",
                "metric": "referral_conversion",
                "date_start": "2016-03-01",
                "date_end": "2016-03-31",
                "target_value": 50,
            }
        )
        self.assertFalse(goal.has_baseline)
        self.assertTrue(goal.has_current)
        self.assertEqual(goal.current_value, 25.0)
        self.assertEqual(goal.unit, "percent")


@tagged("post_install", "-at_install")
class TestReferralAnalysis(ReferralCase):
    def test_names_given_and_revenue_by_currency(self):
        """The analysis counts the names given by default and shows the
        revenue per currency (amounts of two currencies are never added)."""
        arch = self.Referral.get_views([(False, "pivot")])["views"]["pivot"]["arch"]
        self.assertIn('name="currency_id" type="col"', arch)
        self.assertIn('name="given_count" type="measure"', arch)
        action = self.env.ref("customer_value.customer_referral_action_top")
        self.assertIn("given_count", action.context)
        results = self._submit(
            {"name": "Counted", "email": "counted@a.example"},
            {"name": "Anna Again", "email": "anna@happy.example"},
        )
        referrals = self.Referral.browse([r["id"] for r in results])
        self.assertEqual(referrals.mapped("given_count"), [1, 1])
        groups = self.Referral._read_group(
            [("id", "in", referrals.ids)],
            ["currency_id"],
            ["given_count:sum", "valid_count:sum", "revenue:sum"],
        )
        self.assertEqual(groups, [(self.env.company.currency_id, 2, 1, 0.0)])


@tagged("post_install", "-at_install")
class TestReferralDemo(TransactionCase):
    def test_demo(self):
        ref = self.env.ref
        wood_corner = ref("base.res_partner_1")
        given = self.env["customer.referral"].search(
            [("referrer_id", "=", wood_corner.id)]
        )
        self.assertGreaterEqual(len(given.filtered("lead_id")), 3)
        sofia = ref("customer_value.customer_referral_sofia_demo")
        self.assertEqual(sofia.state, "won")
        self.assertTrue(sofia.won_card_id.active)
        self.assertTrue(sofia.names_card_id)
        self.assertGreater(sofia.revenue, 0)
        self.assertEqual(
            ref("customer_value.customer_referral_self_demo").rejection_reason,
            "self_referral",
        )
        self.assertEqual(
            ref("customer_value.customer_referral_known_demo").rejection_reason,
            "existing_customer",
        )
        self.assertEqual(
            ref(
                "customer_value.customer_referral_lucas_demo"
            ).lead_id.referrer_partner_id,
            ref("base.partner_demo_portal"),
        )


@tagged("post_install", "-at_install")
class TestReferralIndexes(TransactionCase):
    def test_partners_and_leads_are_found_by_index(self):
        from ..models.customer_referral import REFERRAL_INDEXES

        self.env.cr.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN %s",
            [tuple(name for name, _table, _expression in REFERRAL_INDEXES)],
        )
        found = dict(self.env.cr.fetchall())
        self.assertEqual(len(found), 6)
        self.assertIn(
            "lower((name)::text)", found["res_partner_lower_name_referral_index"]
        )
        phone = found["res_partner_phone_referral_key_index"]
        self.assertIn("regexp_replace((phone)::text", phone)
        self.assertIn(", 9)", phone)

    def test_indexes_come_with_the_tables_they_index(self):
        """The partners' and leads' own set-up makes their indexes (as the
        upgrade of a database that lost them does), not the referrals'."""
        from ..models.customer_referral import REFERRAL_INDEXES

        names = tuple(name for name, _table, _expression in REFERRAL_INDEXES)
        for name in names:
            self.env.cr.execute(f'DROP INDEX "{name}"')
        self.env["customer.referral"].init()
        self.env.cr.execute("SELECT 1 FROM pg_indexes WHERE indexname IN %s", [names])
        self.assertFalse(self.env.cr.fetchall())
        self.env["res.partner"].init()
        self.env["crm.lead"].init()
        self.env.cr.execute(
            "SELECT tablename, count(*) FROM pg_indexes WHERE indexname IN %s "
            "GROUP BY tablename",
            [names],
        )
        self.assertEqual(
            dict(self.env.cr.fetchall()), {"res_partner": 4, "crm_lead": 2}
        )


# The fields the referrer never reads: the deal, why a name was refused, the
# rewards and the figures.
INTERNAL_FIELDS = tuple(
    sorted(FIELD_GROUPS["customer.referral"]["sales_team.group_sale_salesman"])
)


@tagged("post_install", "-at_install")
class TestReferralPrivacy(ReferralCase):
    """What the referrer's portal user may know: their names and a neutral
    status, never the deal nor why a name is not pursued."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal = new_test_user(
            cls.env, login="referral_privacy_portal", groups="base.group_portal"
        )
        cls.portal.partner_id.parent_id = cls.referrer

    def test_portal_cannot_read_internal_fields(self):
        self.env["res.partner"].create(
            {"name": "Buyer", "email": "buyer@p.example", "customer_rank": 1}
        )
        results = self._submit(
            {"name": "Pursued", "email": "pursued@p.example"},
            {"name": "Known", "email": "buyer@p.example"},
        )
        self.assertEqual(results[1]["rejection_reason"], "existing_customer")
        pursued, known = (self._referral(r).with_user(self.portal) for r in results)
        for name in INTERNAL_FIELDS:
            with self.assertRaises(AccessError, msg=name):
                known.read([name])
        self.assertFalse(set(INTERNAL_FIELDS) & set(known.fields_get()))
        # a refused name looks like a name received and not (yet) pursued
        self.assertEqual(
            (pursued | known).read(["name", "portal_status"]),
            [
                {"id": pursued.id, "name": "Pursued", "portal_status": "received"},
                {"id": known.id, "name": "Known", "portal_status": "received"},
            ],
        )
        # the salesperson sees it all
        self.assertEqual(
            known.with_user(self.salesman).rejection_reason, "existing_customer"
        )

    def test_portal_submission_tells_no_reason(self):
        results = self.Referral.sudo()._submit_portal(
            self.portal.partner_id,
            [
                {"name": "New", "email": "new@p.example", "consent": True},
                {"name": "Me", "email": "anna@happy.example", "consent": True},
            ],
        )
        self.assertEqual(
            [sorted(result) for result in results], [["id", "name"], ["id", "name"]]
        )
        self.assertEqual(self._referral(results[1]).rejection_reason, "self_referral")


@tagged("post_install", "-at_install")
class TestReferralQualification(ReferralCase):
    """The names reward counts qualified names only: a name whose lead became
    an opportunity, moved past the first stage or was won, or that a
    salesperson qualified."""

    def _cards(self):
        return self.env["loyalty.card"].search(
            [
                ("program_id", "=", self.names_program.id),
                ("partner_id", "=", self.referrer.id),
            ]
        )

    def test_invented_names_earn_nothing(self):
        results = self._submit(
            *(
                {"name": f"Invented {n}", "email": f"inv{n}@nowhere.example"}
                for n in range(6)
            )
        )
        referrals = self.Referral.browse([r["id"] for r in results])
        self.assertFalse(self._cards())
        self.assertFalse(any(referrals.mapped("qualified_date")))

    def test_the_lead_qualifies_the_name(self):
        group_user = self.env.ref("base.group_user")
        group_user.implied_ids |= self.env.ref("crm.group_use_lead")
        [converted] = self._submit({"name": "Converted", "email": "conv@q.example"})
        converted = self._referral(converted)
        self.assertEqual(converted.lead_id.type, "lead")
        # a lead converted into an opportunity
        converted.lead_id.with_user(self.salesman).convert_opportunity(
            self.env["res.partner"]
        )
        self.assertEqual(converted.lead_id.type, "opportunity")
        self.assertEqual(converted.qualified_date, fields.Date.today())
        # without leads: an opportunity moved past the first stage (not before)
        group_user.implied_ids -= self.env.ref("crm.group_use_lead")
        advanced, won = (
            self._referral(result)
            for result in self._submit(
                {"name": "Advanced", "email": "adv@q.example"},
                {"name": "Won", "email": "won@q.example"},
            )
        )
        lead = advanced.lead_id.with_user(self.salesman)
        self.assertEqual(lead.type, "opportunity")
        lead.write({"stage_id": lead._stage_find().id, "probability": 20})
        self.assertFalse(advanced.qualified_date, "still in the first stage")
        stages = self.env["crm.stage"].search(
            [("team_id", "in", [lead.team_id.id, False]), ("is_won", "=", False)],
            order="sequence, id",
        )
        lead.stage_id = stages[1]
        self.assertTrue(advanced.qualified_date)
        self.assertFalse(self._cards(), "two qualified names")
        won.lead_id.with_user(self.salesman).action_set_won()
        self.assertTrue(won.qualified_date)
        card = self._cards()
        self.assertEqual(len(card), 1)
        self.assertEqual((converted | advanced | won).names_card_id, card)

    def test_a_salesperson_qualifies_a_name(self):
        results = self._submit(
            {"name": "Real", "email": "real@q.example"},
            {"name": "Me", "email": "anna@happy.example"},
        )
        real, rejected = (self._referral(result) for result in results)
        # not the portal, not a colleague who does not see it
        portal = new_test_user(
            self.env, login="referral_qualify_portal", groups="base.group_portal"
        )
        portal.partner_id.parent_id = self.referrer
        for user in (portal, self.colleague):
            with self.assertRaises(AccessError):
                real.with_user(user).action_qualify()
        self.assertFalse(real.qualified_date)
        with self.assertRaisesRegex(UserError, "A rejected name cannot be qualified"):
            rejected.with_user(self.salesman).action_qualify()
        real.with_user(self.salesman).action_qualify()
        self.assertEqual(real.qualified_date, fields.Date.today())


@tagged("post_install", "-at_install")
class TestReferralNotes(ReferralCase):
    def test_a_note_stays_text_in_the_lead_and_its_activity(self):
        note = (
            'Call her <a href="https://evil.example/win">here</a>'
            '<img src="https://evil.example/pixel.png">'
        )
        [result] = self.Referral.sudo()._submit_portal(
            self.contact,
            [
                {
                    "name": "Noted",
                    "email": "noted@n.example",
                    "note": note,
                    "consent": True,
                }
            ],
        )
        referral = self._referral(result)
        self.assertEqual(referral.note, note)
        lead = referral.lead_id
        for html in (lead.description, lead.activity_ids.note):
            self.assertNotIn("<img", html)
            self.assertNotIn(">here</a>", html)
            self.assertIn("&lt;img", html)
            self.assertIn("Call her &lt;a", html)


@tagged("post_install", "-at_install")
class TestReferralContactRhythm(ReferralCase):
    def test_referral_mails_are_not_a_personal_contact(self):
        long_ago = fields.Date.to_date("2020-01-15")
        self.referrer.last_contact_date = long_ago
        [won] = self._submit({"name": "Rhythm", "email": "rhythm@c.example"})
        won = self._referral(won)
        won.lead_id.with_user(self.salesman).action_set_won()
        messages = self.env["mail.message"].search(
            [
                ("model", "=", "customer.referral"),
                ("res_id", "=", won.id),
                ("subtype_id", "=", self.env.ref("mail.mt_comment").id),
            ]
        )
        self.assertEqual(len(messages), 2, "the thank-you and the outcome")
        self.assertEqual(set(messages.mapped("message_type")), {"auto_comment"})
        # the mails still go out to the referrer
        self.assertEqual(
            messages.notification_ids.mapped("notification_type"), ["email"] * 2
        )
        self.assertEqual(messages.notification_ids.res_partner_id, self.contact)
        self.env["res.partner"]._cron_contact_catch_up()
        self.referrer.invalidate_recordset()
        self.assertEqual(self.referrer.last_contact_date, long_ago)


@tagged("post_install", "-at_install")
class TestReferralLifecycle(ReferralCase):
    """Deleting a referred lead or a referrer, erasing a referred person."""

    def _messages(self, referrals):
        return self.env["mail.message"].search(
            [("model", "=", "customer.referral"), ("res_id", "in", referrals.ids)]
        )

    def test_deleting_a_referred_lead(self):
        results = self._submit(
            {"name": "Gone", "email": "gone@l.example"},
            {"name": "Bought", "email": "bought@l.example"},
        )
        gone, bought = (self._referral(result) for result in results)
        bought.lead_id.with_user(self.salesman).action_set_won()
        before = self._messages(gone | bought)
        (gone.lead_id | bought.lead_id).with_user(self.manager).unlink()
        self.assertFalse(gone.lead_id)
        self.assertEqual(gone.state, "lost", "nobody pursues it any more")
        self.assertEqual(bought.state, "won", "what it had become stays")
        new = self._messages(gone | bought) - before
        self.assertEqual(len(new), 2)
        self.assertFalse(
            new.filtered(lambda m: m.message_type != "notification"),
            "a note, no mail to the referrer",
        )

    def test_deleting_the_referrer(self):
        [result] = self._submit({"name": "Orphan", "email": "orphan@l.example"})
        referral = self._referral(result)
        lead = referral.lead_id
        self.contact.unlink()
        self.assertFalse(referral.referrer_contact_id)
        self.assertEqual(referral._mail_recipient(), self.referrer)
        messages = self._messages(referral)
        self.assertTrue(messages)
        self.referrer.unlink()
        self.assertFalse(referral.exists(), "the names it gave go with it")
        self.assertFalse(messages.exists(), "and their messages")
        self.assertTrue(lead.exists(), "the lead stays")
        self.assertFalse(lead.referrer_partner_id)
        self.assertFalse(lead.referral_id)
        self.assertFalse(lead.referred, "nor the referrer's name")

    def test_erase_a_referred_person(self):
        # the thank-you queued, not sent at once (Odoo's own runner sends a
        # mail of few recipients at once and deletes it): its text is checked
        results = (
            self.Referral.with_context(mail_notify_force_send=False)
            .with_user(self.salesman)
            .submit(
                self.contact.id,
                [
                    {
                        "name": "Eraseme Person",
                        "company_name": "Eraseme Ltd",
                        "email": "eraseme@l.example",
                        "phone": "+30 210 444 5566",
                        "note": "Wants a demo",
                    },
                    {"name": "Stays Person", "email": "stays@l.example"},
                ],
                source="staff",
            )
        )
        erased, stays = (self._referral(result) for result in results)
        erased.with_context(mail_notrack=False).with_user(self.salesman).note = "New"
        with self.assertRaises(AccessError):
            erased.with_user(self.salesman).action_erase_personal_data()
        erased.with_user(self.manager).action_erase_personal_data()
        self.assertTrue(erased.personal_data_erased)
        self.assertEqual(erased.name, "(erased)")
        for key in ("company_name", "email", "phone", "note", "email_normalized"):
            self.assertFalse(erased[key], key)
        self.assertEqual(erased.state, "lead", "the referral and its figures stay")
        self.assertEqual(stays.name, "Stays Person")
        # nor in the thank-you that listed the names, nor in tracked changes
        messages = self._messages(erased | stays)
        mails = self.env["mail.mail"].search([("mail_message_id", "in", messages.ids)])
        self.assertTrue(mails, "the thank-you is still to be sent")
        for text in ("Eraseme", "eraseme@l.example", "444 5566", "Wants a demo"):
            self.assertFalse(
                messages.filtered(lambda m, text=text: text in str(m.body)), text
            )
            self.assertFalse(
                mails.filtered(lambda m, text=text: text in str(m.body_html)), text
            )
        self.assertIn("Stays Person", "".join(messages.mapped(lambda m: str(m.body))))
        tracked = messages.tracking_value_ids.filtered(
            lambda t: t.mail_message_id.res_id == erased.id
        )
        self.assertFalse(
            set(tracked.field_id.mapped("name"))
            & {"name", "company_name", "email", "phone", "note"}
        )
        # the lead is the CRM's: deleting it is possible afterwards
        erased.lead_id.with_user(self.manager).unlink()
        self.assertEqual(erased.state, "lost")


@tagged("post_install", "-at_install")
class TestReferralUninstall(TransactionCase):
    def test_uninstall_keeps_the_referral_source(self):
        from .. import pre_init_hook, uninstall_hook

        source = self.env.ref("customer_value.utm_source_referral")
        lead = self.env["crm.lead"].create({"name": "Referred", "source_id": source.id})
        uninstall_hook(self.env)
        self.assertFalse(self.env.ref("customer_value.utm_source_referral", False))
        # what uninstalling then deletes: the records of the addon's xml ids
        self.assertFalse(
            self.env["ir.model.data"].search(
                [
                    ("module", "=", "customer_value"),
                    ("model", "=", "utm.source"),
                    ("res_id", "=", source.id),
                ]
            )
        )
        self.assertTrue(source.exists())
        self.assertEqual(lead.source_id, source)
        # installed again: the same source, not "Referral [2]"
        pre_init_hook(self.env)
        self.assertEqual(self.env.ref("customer_value.utm_source_referral"), source)


@tagged("post_install", "-at_install")
class TestReferralMigration(TransactionCase):
    def test_thanks_template_of_18_0_1_4_0_tells_no_reason(self):
        import importlib.util
        from pathlib import Path

        root = Path(__file__).resolve().parents[1]
        script = root / "migrations" / "18.0.1.5.0" / "post-referral.py"
        spec = importlib.util.spec_from_file_location("post_referral", script)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        # the body as 18.0.1.4.0 installed it
        template = self.env.ref("customer_value.mail_template_referral_thanks")
        old_body = (
            '<div><ul><li t-foreach="object.batch_referral_ids" t-as="referral">'
            "<t t-out=\"referral.name or ''\">Maria</t>"
            '<t t-if="referral.state == \'rejected\'">: <t t-out="dict(referral.'
            "_fields['rejection_reason']._description_selection(referral.env))"
            ".get(referral.rejection_reason) or ''\">Already a customer</t>, so we "
            "will not contact them.</t> </li></ul><p>Edited by the user</p></div>"
        )
        template.body_html = old_body
        self.env.flush_all()
        module.migrate(self.env.cr, "18.0.1.4.0")
        template.invalidate_recordset()
        body = str(template.body_html)
        self.assertNotIn("rejection_reason", body)
        self.assertNotIn("will not contact", body)
        self.assertIn("referral.name", body)
        self.assertIn("Edited by the user", body)


@tagged("post_install", "-at_install")
class TestReferralPortalCapConcurrency(TransactionCase):
    def test_two_submissions_at_once_do_not_count_together(self):
        """Two portal submissions of one referrer at the same time (two
        requests, two transactions): the second cannot count the names given
        today before the first ends, so both cannot pass the daily cap."""
        contact_id = self.env.ref("base.partner_demo_portal").id
        cr_a, cr_b = self.registry.cursor(), self.registry.cursor()
        try:
            env_a = api.Environment(cr_a, SUPERUSER_ID, {})
            env_b = api.Environment(cr_b, SUPERUSER_ID, {})
            # the second request started (its snapshot taken) meanwhile
            count = env_b["customer.referral"].search_count([])
            env_a["customer.referral"]._submit_portal(
                env_a["res.partner"].browse(contact_id),
                [{"name": "First", "email": "first@race.example", "consent": True}],
            )
            cr_b.execute("SET LOCAL lock_timeout = '200ms'")
            with self.assertRaises(psycopg2.errors.LockNotAvailable):
                env_b["customer.referral"]._submit_portal(
                    env_b["res.partner"].browse(contact_id),
                    [
                        {
                            "name": "Second",
                            "email": "second@race.example",
                            "consent": True,
                        }
                    ],
                )
            cr_b.rollback()
            self.assertEqual(env_b["customer.referral"].search_count([]), count)
        finally:
            cr_a.rollback()
            cr_b.rollback()
            cr_a.close()
            cr_b.close()
