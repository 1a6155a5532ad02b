# Copyright 2026 customer_value contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Customers: how much of what they pay us is recurring, and who bought
without any recurring element."""

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

RECURRING_WINDOW_MONTHS = 12


class ResPartner(models.Model):
    _inherit = "res.partner"

    recurring_revenue_share = fields.Float(
        compute="_compute_recurring_revenue_share",
        digits=(16, 4),
        groups="sales_team.group_sale_salesman",
        help="Share of the customer's revenue of the last 12 months that is "
        "recurring: the current MRR times 12 against the one-off revenue invoiced "
        "in the last 12 months (posted invoices minus credit notes, without "
        "subscription products and subscription invoices), in the company "
        "currency.",
    )
    recurring_element_missing = fields.Boolean(
        compute="_compute_recurring_element_missing",
        search="_search_recurring_element_missing",
        string="Without a Recurring Element",
        groups="sales_team.group_sale_salesman",
        help="The customer bought from us in the last 12 months (a confirmed "
        "order) and has no subscription in progress.",
    )

    def _recurring_window_start(self):
        return fields.Date.subtract(
            fields.Date.context_today(self), months=RECURRING_WINDOW_MONTHS
        )

    def _one_off_revenue(self, commercial_ids, company):
        """{commercial partner: one-off revenue invoiced in the last 12 months,
        company currency}: the product lines of posted invoices minus credit
        notes, without subscription products nor subscription invoices; one
        aggregate query, within the invoices the user may read."""
        if not commercial_ids:
            return {}
        groups = self.env["account.move.line"]._read_group(
            [
                ("partner_id", "in", commercial_ids),
                ("company_id", "=", company.id),
                ("parent_state", "=", "posted"),
                ("move_id.move_type", "in", ("out_invoice", "out_refund")),
                ("move_id.invoice_date", ">=", self._recurring_window_start()),
                ("move_id.subscription_id", "=", False),
                ("display_type", "=", "product"),
                "|",
                ("product_id", "=", False),
                ("product_id.subscribable", "=", False),
            ],
            ["partner_id"],
            ["balance:sum"],
        )
        return {partner.id: -balance for partner, balance in groups}

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_recurring_revenue_share(self):
        commercial = self.commercial_partner_id
        company = self.env.company
        # as the MRR of the customer: within the documents the user may read
        mrr = self._current_mrr(company)
        one_off = self._one_off_revenue(commercial.ids, company)
        for partner in self:
            entity = partner.commercial_partner_id
            recurring = max(mrr.get(entity, 0.0), 0.0) * 12.0
            total = recurring + max(one_off.get(entity.id, 0.0), 0.0)
            partner.recurring_revenue_share = recurring / total if total else 0.0

    def _recurring_missing_ids(self):
        """Commercial partners with a confirmed order of the last 12 months
        (among the orders the user may read) in the user's companies and no
        subscription in progress there (whoever sold it)."""
        companies = self.env.companies.ids
        orders = self.env["sale.order"]._search(
            [
                ("state", "=", "sale"),
                ("company_id", "in", companies),
                ("date_order", ">=", self._recurring_window_start()),
            ]
        )
        # sudo: a colleague's subscription is a recurring element too
        running = (
            self.env["sale.subscription"]
            .sudo()
            ._search([("revenue_active", "=", True), ("company_id", "in", companies)])
        )
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        self.env["sale.subscription"].flush_model(["commercial_partner_id"])
        # execute_query flushes what the order and subscription queries read
        rows = self.env.execute_query(
            SQL(
                """
                SELECT p.commercial_partner_id
                  FROM res_partner p
                 WHERE p.id IN %(buyers)s
                EXCEPT
                SELECT s.commercial_partner_id
                  FROM sale_subscription s
                 WHERE s.id IN %(running)s
                """,
                buyers=orders.subselect("partner_id"),
                running=running.subselect(),
            )
        )
        return [row[0] for row in rows]

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_recurring_element_missing(self):
        missing = set(self._recurring_missing_ids()) if self else set()
        for partner in self:
            partner.recurring_element_missing = (
                partner.commercial_partner_id.id in missing
            )

    def _search_recurring_element_missing(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(
                self.env._(
                    "Search customers without a recurring element with = True/False."
                )
            )
        ids = self._recurring_missing_ids()
        wanted = bool(value) == (operator == "=")
        return [("id", "in" if wanted else "not in", ids)]
