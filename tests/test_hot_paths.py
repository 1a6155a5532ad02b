# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The query counts of what every user does, as a salesperson (the mail
gateway for incoming e-mails): posting a message, receiving an e-mail,
planning meetings, creating and editing partners and leads, confirming a
quotation. scripts/bench_hot_paths compares the same actions with a database
without the addon: messages, e-mails and meetings cost no query more (the last
contact dates are moved by a job, not while posting). A change that adds a
query here fails: move the work to a job."""

from datetime import timedelta

from odoo import Command, fields
from odoo.tests import TransactionCase, new_test_user, tagged, users, warmup

SALESMAN = "cv_hot_salesman"

REPLY = """From: Hot Contact <hot.contact@hot.example>
To: sales@company.example
Subject: Re: your quotation
Message-Id: <hot-reply-{n}@hot.example>
In-Reply-To: {parent}
References: {parent}
Content-Type: text/plain; charset=utf-8

Thanks, we agree with the quotation.
"""

NEW = """From: Hot Contact <hot.contact@hot.example>
To: sales@company.example
Subject: A question {n}
Message-Id: <hot-new-{n}@hot.example>
Content-Type: text/plain; charset=utf-8

Could you send us an offer for 20 more seats?
"""


@tagged("post_install", "-at_install")
class TestHotPaths(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, mail_notify_force_send=False))
        cls.salesman = new_test_user(
            cls.env,
            login=SALESMAN,
            groups="sales_team.group_sale_salesman",
            email="hot.sales@company.example",
        )
        Partner = cls.env["res.partner"]
        cls.customer = Partner.create(
            {
                "name": "Hot Co",
                "is_company": True,
                "email": "it@hot.example",
                "user_id": cls.salesman.id,
            }
        )
        cls.contact = Partner.create(
            {
                "name": "Hot Contact",
                "parent_id": cls.customer.id,
                "email": "hot.contact@hot.example",
            }
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Hot Service", "list_price": 100.0, "type": "service"}
        )
        template = cls.env["sale.subscription.template"].create(
            {"name": "Hot Monthly", "recurring_rule_type": "months"}
        )
        cls.plan = cls.env["product.product"].create(
            {
                "name": "Hot Plan",
                "list_price": 30.0,
                "type": "service",
                "subscribable": True,
                "subscription_template_id": template.id,
            }
        )
        cls.order = cls._quotation(cls.product)
        cls.order.message_subscribe(partner_ids=cls.contact.ids)
        cls.thread_message = cls.order.message_post(
            body="Your quotation",
            partner_ids=cls.contact.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        cls.leads = cls.env["crm.lead"].create(
            [
                {
                    "name": f"Hot Lead {n}",
                    "partner_id": cls.customer.id,
                    "user_id": cls.salesman.id,
                }
                for n in range(10)
            ]
        )
        cls.contacts = Partner.create(
            [
                {"name": f"Hot Contact {n}", "parent_id": cls.customer.id}
                for n in range(10)
            ]
        )

    @classmethod
    def _quotation(cls, product):
        return cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "user_id": cls.salesman.id,
                "order_line": [Command.create({"product_id": product.id})],
            }
        )

    def _post(self, record):
        record.with_user(self.env.user).message_post(
            body="Here is the updated offer",
            partner_ids=self.contact.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )

    @users(SALESMAN)
    @warmup
    def test_message_post_on_an_order(self):
        self._post(self.order)  # the first message of a thread does more
        with self.assertQueryCount(**{SALESMAN: 20}):
            self._post(self.order)

    @users(SALESMAN)
    @warmup
    def test_message_post_on_a_partner(self):
        self._post(self.customer)
        with self.assertQueryCount(**{SALESMAN: 16}):
            self._post(self.customer)

    @warmup
    def test_incoming_reply(self):
        Thread = self.env["mail.thread"]
        Thread.message_process(
            False, REPLY.format(n=0, parent=self.thread_message.message_id)
        )
        # 33 + 3 of Email Marketing (mass_mailing marks the replied traces
        # on every routed e-mail), the same with or without this addon
        with self.assertQueryCount(36):
            Thread.message_process(
                False, REPLY.format(n=1, parent=self.thread_message.message_id)
            )

    @warmup
    def test_incoming_new_email(self):
        Thread = self.env["mail.thread"]
        Thread.message_process("crm.lead", NEW.format(n=0))
        # 39 + 1 of Email Marketing (its message_new override)
        with self.assertQueryCount(40):
            Thread.message_process("crm.lead", NEW.format(n=1))

    @users(SALESMAN)
    @warmup
    def test_ten_meetings(self):
        now = fields.Datetime.now()
        Event = self.env["calendar.event"]

        def meetings(name):
            return [
                {
                    "name": f"{name} {n}",
                    "start": now + timedelta(days=n - 5),
                    "stop": now + timedelta(days=n - 5, hours=1),
                    "partner_ids": [
                        Command.set([self.contacts[n].id, self.env.user.partner_id.id])
                    ],
                }
                for n in range(10)
            ]

        Event.create(meetings("Warm"))
        with self.assertQueryCount(**{SALESMAN: 63}):
            Event.create(meetings("Review"))

    @users(SALESMAN)
    @warmup
    def test_partners_create_and_write(self):
        Partner = self.env["res.partner"]
        Partner.create([{"name": "Warm", "parent_id": self.customer.id}])
        with self.assertQueryCount(**{SALESMAN: 37}):
            Partner.create(
                [{"name": f"New {n}", "parent_id": self.customer.id} for n in range(10)]
            )
        contacts = self.contacts.with_env(self.env)
        with self.assertQueryCount(**{SALESMAN: 30}):
            contacts.write({"city": "Brussels", "phone": "+32 2 555 00 00"})
        # a new salesperson: the owner of the customer's feedback, referrals
        # and next offers follows (stored, for their record rules: the next
        # offers' lookup by customer, before and after the write, is +2)
        customer = self.customer.with_env(self.env)
        with self.assertQueryCount(**{SALESMAN: 11}):
            customer.write({"user_id": self.env.user.id})

    @users(SALESMAN)
    @warmup
    def test_leads_create_and_write(self):
        Lead = self.env["crm.lead"]
        Lead.create([{"name": "Warm", "partner_id": self.customer.id}])
        with self.assertQueryCount(**{SALESMAN: 102}):
            Lead.create(
                [
                    {"name": f"New {n}", "partner_id": self.customer.id}
                    for n in range(10)
                ]
            )
        leads = self.leads.with_env(self.env)
        with self.assertQueryCount(**{SALESMAN: 24}):
            leads.write({"probability": 40, "expected_revenue": 1000})

    @users(SALESMAN)
    @warmup
    def test_confirm_a_quotation(self):
        self._quotation(self.product).with_env(self.env).action_confirm()
        order = self._quotation(self.product).with_env(self.env)
        with self.assertQueryCount(**{SALESMAN: 34}):
            order.action_confirm()

    @users(SALESMAN)
    @warmup
    def test_confirm_a_subscription_quotation(self):
        self._quotation(self.plan).with_env(self.env).action_confirm()
        order = self._quotation(self.plan).with_env(self.env)
        with self.assertQueryCount(**{SALESMAN: 56}):
            order.action_confirm()

    def _referral_invitation(self):
        program = (
            self.env["loyalty.program"]
            .sudo()
            .create(
                {
                    "name": "Hot Names Reward",
                    "program_type": "coupons",
                    "reward_ids": [Command.create({"discount": 10})],
                }
            )
        )
        self.env.company.sudo().write(
            {
                "referral_names_program_id": program.id,
                "referral_invitation_text": "<p>Know someone? Tell us.</p>",
            }
        )

    @users(SALESMAN)
    @warmup
    def test_confirm_and_send_the_confirmation(self):
        """The confirmation e-mail carries the referral invitation (rendered
        for the customer's copy, when the mail is made): 3 queries per
        e-mail (the company's programs and their rewards), none when no mail
        is sent (test_confirm_a_quotation)."""
        self._referral_invitation()
        self._quotation(self.product).with_env(self.env).with_context(
            send_email=True
        ).action_confirm()
        order = self._quotation(self.product).with_env(self.env)
        with self.assertQueryCount(**{SALESMAN: 53}):  # 50 without a program
            order.with_context(send_email=True).action_confirm()
        mails = (
            self.env["mail.mail"]
            .sudo()
            .search([("model", "=", "sale.order"), ("res_id", "=", order.id)])
        )
        self.assertIn("Know someone?", "".join(mails.mapped("body_html")))
