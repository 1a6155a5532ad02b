# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestVoucherPortal(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.voucher_type = cls.env["customer.voucher.type"].create(
            {"name": "Portal Training", "value": 300.0}
        )
        Partner = cls.env["res.partner"]
        cls.users = {}
        cls.vouchers = {}
        for name in ("alpha", "beta"):
            company = Partner.create({"name": f"{name} Co", "is_company": True})
            person = Partner.create(
                {
                    "name": f"{name} person",
                    "parent_id": company.id,
                    "email": f"{name}@x.example",
                }
            )
            cls.users[name] = cls.env["res.users"].create(
                {
                    "name": f"{name} person",
                    "login": f"portal_{name}",
                    "password": f"portal_{name}",
                    "partner_id": person.id,
                    "groups_id": [Command.set([cls.env.ref("base.group_portal").id])],
                }
            )
            cls.vouchers[name] = cls.env["customer.voucher"].create(
                {"type_id": cls.voucher_type.id, "partner_id": company.id}
            )

    def test_my_vouchers_shows_only_mine(self):
        self.authenticate("portal_alpha", "portal_alpha")
        response = self.url_open("/my/vouchers")
        self.assertEqual(response.status_code, 200)
        page = response.text
        self.assertIn(self.vouchers["alpha"].code, page)
        self.assertIn("Portal Training", page)
        self.assertIn("300.00", page)
        self.assertNotIn(self.vouchers["beta"].code, page)
        home = self.url_open("/my/home")
        self.assertIn("/my/vouchers", home.text)
        self.assertIn(
            'class="fw-bold" data-placeholder_count="voucher_count"', home.text
        )

    def test_record_rules(self):
        Voucher = self.env["customer.voucher"].with_user(self.users["alpha"])
        self.assertEqual(Voucher.search([]), self.vouchers["alpha"])
        with self.assertRaises(AccessError):
            self.vouchers["beta"].with_user(self.users["alpha"]).read(["code"])
        with self.assertRaises(AccessError):
            self.vouchers["alpha"].with_user(self.users["alpha"]).action_redeem()

    def test_anonymous_is_sent_to_login(self):
        response = self.url_open("/my/vouchers", allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))
        self.assertIn("/web/login", response.headers["Location"])

    def test_detail_page(self):
        voucher = self.vouchers["alpha"]
        voucher.type_id.description = "<p>Book a seat at training@x.example.</p>"
        self.authenticate("portal_alpha", "portal_alpha")
        listing = self.url_open("/my/vouchers").text
        self.assertIn(f'href="/my/vouchers/{voucher.id}', listing)
        page = self.url_open(f"/my/vouchers/{voucher.id}").text
        self.assertIn(voucher.code, page)
        self.assertIn("Book a seat at training@x.example.", page)
        # the value with its currency
        self.assertRegex(page, r'\$\xa0<span class="oe_currency_value">300.00</span>')
        self.assertIn("Issued on", page)
        voucher.sudo().action_redeem(note="March session")
        page = self.url_open(f"/my/vouchers/{voucher.id}").text
        self.assertIn("Redeemed on", page)
        self.assertIn("March session", page)
        # another customer's voucher: back to the portal home, nothing shown
        other = self.vouchers["beta"]
        response = self.url_open(f"/my/vouchers/{other.id}")
        self.assertNotIn(other.code, response.text)
        self.assertTrue(response.url.endswith("/my"), response.url)

    def test_detail_page_by_mail_link_in_the_customer_language(self):
        self.env["res.lang"]._activate_lang("pt_BR")
        voucher = self.vouchers["beta"]
        voucher.partner_id.lang = "pt_BR"
        url = voucher.get_portal_url()
        self.assertIn("access_token=", url)
        page = self.url_open(url).text
        self.assertIn(voucher.code, page)
        # in Portuguese: its dates and amounts
        self.assertIn('<span class="oe_currency_value">300,00</span>', page)
        self.assertIn(voucher.expiry_date.strftime("%d/%m/%Y"), page)
        # without the token, nothing
        response = self.url_open(f"/my/vouchers/{voucher.id}")
        self.assertNotIn(voucher.code, response.text)
