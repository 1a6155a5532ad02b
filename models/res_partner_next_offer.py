# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Customers: their next best offers."""

from markupsafe import Markup, escape

from odoo import fields, models

SALESMAN = "sales_team.group_sale_salesman"
# the offers written into the monthly check-in note
CHECK_IN_OFFERS = 3


class ResPartner(models.Model):
    _inherit = "res.partner"

    next_offer_ids = fields.One2many(
        "customer.next.offer",
        "partner_id",
        string="Next Offers",
        domain=[("state", "=", "new")],
        groups=SALESMAN,
    )

    def action_compute_next_offers(self):
        """Compute now the next offers of these customers (their commercial
        partners) in their company, or the current one, from the pairs of the
        last nightly run (counted now when there are none yet)."""
        self.check_access("read")
        self.env["customer.next.offer"].check_access("read")
        Offer = self.env["customer.next.offer"].sudo()
        customers = self.commercial_partner_id
        for company in customers.company_id | self.env.company:
            ids = customers.filtered(
                lambda partner, company=company: (
                    (partner.company_id or self.env.company) == company
                )
            ).ids
            if not ids:
                continue
            self.env.cr.execute(
                "SELECT 1 FROM customer_next_offer_pair WHERE company_id = %s LIMIT 1",
                [company.id],
            )
            if not self.env.cr.fetchone():
                Offer._count_pairs(company, todo=False)
            Offer.with_company(company)._score(company, ids)
        return True

    def _next_offers_note(self):
        """{customer id: HTML} the top new offers of these customers, to write
        into their check-in: read at once for all (one query, and one for
        the product names per language)."""
        offers = (
            self.env["customer.next.offer"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", self.ids),
                    ("state", "=", "new"),
                    ("rank", "<=", CHECK_IN_OFFERS),
                ],
                order="partner_id, rank, score desc, id",
            )
        )
        by_partner = {}
        for offer in offers:
            lang = offer.partner_id.user_id.lang or self.env.lang
            lines = by_partner.setdefault(offer.partner_id.id, [lang, {}])[1]
            if (
                offer.antecedent_tmpl_id
                and len(lines) < CHECK_IN_OFFERS
                and offer.product_tmpl_id not in lines
            ):
                lines[offer.product_tmpl_id] = offer
        notes = {}
        for partner_id, (lang, lines) in by_partner.items():
            if not lines:
                continue
            env = self.with_context(lang=lang).env
            items = Markup("").join(
                Markup("<li>%s</li>") % escape(offer.with_env(env)._reason_text())
                for offer in lines.values()
            )
            notes[partner_id] = Markup("<p>%s</p><ul>%s</ul>") % (
                env._("What else they may need:"),
                items,
            )
        return notes
