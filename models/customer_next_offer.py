# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The next best offer for each customer: what customers who bought what they
bought also bought, that they do not have yet.

The nightly job counts, per company, which products go together among the
customers (item-to-item co-occurrence over the confirmed sales of the period
and the running subscriptions), once, into ``customer_next_offer_pair``; then
scores the customers by batches against those pairs, from their own current
products, leaving out what they have, what they dismissed, what they were
offered and what they lost as an opportunity in the last months. Everything
is SQL: a few statements per batch, none per customer."""

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .assignee import first_given_work


class CustomerNextOffer(models.Model):
    _name = "customer.next.offer"
    _description = "Next Best Offer"
    _inherit = ["customer.value.input.mixin"]
    _order = "partner_id, company_id, rank, id"
    _rec_name = "product_tmpl_id"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True, ondelete="cascade"
    )
    product_tmpl_id = fields.Many2one(
        "product.template",
        string="Product",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    product_categ_id = fields.Many2one(
        related="product_tmpl_id.categ_id",
        string="Product Category",
        store=True,
        index=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        related="partner_id.user_id",
        store=True,
        index=True,
        help="The customer's salesperson.",
    )
    antecedent_tmpl_id = fields.Many2one(
        "product.template",
        string="Because Of",
        readonly=True,
        ondelete="set null",
        help="The product of the customer that this offer goes with most often.",
    )
    score = fields.Float(
        readonly=True,
        digits=(16, 4),
        aggregator="avg",
        help="The sum, over the customer's products, of how much more often "
        "customers who have them have this one (lift x confidence).",
    )
    support = fields.Float(
        string="Customers Like Them",
        readonly=True,
        digits=(16, 4),
        aggregator="avg",
        help="The share of the customers who have the product it goes with "
        "that also have this one.",
    )
    lift = fields.Float(
        readonly=True,
        digits=(16, 2),
        aggregator="avg",
        help="How many times more often customers who have the product it goes "
        "with have this one than customers in general.",
    )
    reason = fields.Char(compute="_compute_reason")
    rank = fields.Integer(readonly=True, aggregator=False)
    state = fields.Selection(
        [("new", "New"), ("offered", "Offered"), ("dismissed", "Dismissed")],
        default="new",
        required=True,
        readonly=True,
        index=True,
    )
    dismiss_reason = fields.Text(help="Why this product is not for this customer.")
    lead_id = fields.Many2one(
        "crm.lead",
        string="Opportunity",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
    )
    computed_date = fields.Date(string="Computed On", readonly=True)

    _sql_constraints = [
        (
            "partner_company_product_uniq",
            "unique(partner_id, company_id, product_tmpl_id)",
            "A customer has one offer of a product per company.",
        ),
    ]

    def init(self):
        # the pairs counted by the nightly run, and the customers it has yet
        # to score: work tables of the job (unlogged: rebuilt after a crash)
        self.env.cr.execute(
            """
            CREATE UNLOGGED TABLE IF NOT EXISTS customer_next_offer_pair (
                company_id integer NOT NULL,
                antecedent_id integer NOT NULL,
                product_tmpl_id integer NOT NULL,
                pair_count integer NOT NULL,
                lift double precision NOT NULL,
                confidence double precision NOT NULL,
                PRIMARY KEY (company_id, antecedent_id, product_tmpl_id)
            );
            CREATE UNLOGGED TABLE IF NOT EXISTS customer_next_offer_todo (
                company_id integer NOT NULL,
                partner_id integer NOT NULL,
                PRIMARY KEY (company_id, partner_id)
            )
            """
        )

    @api.depends("support", "antecedent_tmpl_id", "product_tmpl_id")
    @api.depends_context("lang")
    def _compute_reason(self):
        for offer in self:
            offer.reason = offer._reason_text()

    def _reason_text(self):
        """ "62 % of customers who use A also use B", in the context's
        language."""
        self.ensure_one()
        if not self.antecedent_tmpl_id:
            return False
        return self.env._(
            "%(share)s %% of customers who use %(antecedent)s also use %(product)s",
            share=round(self.support * 100),
            antecedent=self.antecedent_tmpl_id.display_name,
            product=self.product_tmpl_id.display_name,
        )

    def write(self, vals):
        """Offers are written by the nightly job and changed by their actions
        (Create Opportunity, Dismiss); users type only the reason of a
        dismissal, before dismissing."""
        if not self.env.su and isinstance(vals, dict):
            if set(vals) - {"dismiss_reason"}:
                raise UserError(
                    self.env._(
                        "Next offers change by their buttons only (Create "
                        "Opportunity, Dismiss) and the nightly job: %(fields)s "
                        "cannot be written.",
                        fields=", ".join(sorted(set(vals) - {"dismiss_reason"})),
                    )
                )
            if any(offer.state == "dismissed" for offer in self):
                raise UserError(
                    self.env._("The reason of a dismissed offer stays as given.")
                )
        return super().write(vals)

    # ------------------------------------------------------------------
    # Public actions
    # ------------------------------------------------------------------
    def action_create_opportunity(self):
        """A CRM opportunity for the customer with this product (source
        "Cross-sell"), for the customer's salesperson (else the user); the
        offer is marked offered and linked to it. Returns the opportunity's
        form."""
        self._cv_check_one(self)
        self.check_access("write")
        if self.state == "dismissed":
            raise UserError(
                self.env._(
                    "%(product)s was dismissed for %(customer)s: it is not offered.",
                    product=self.product_tmpl_id.display_name,
                    customer=self.partner_id.display_name,
                )
            )
        if self.state == "offered":
            raise UserError(
                self.env._(
                    "%(product)s is already offered to %(customer)s (%(lead)s).",
                    product=self.product_tmpl_id.display_name,
                    customer=self.partner_id.display_name,
                    lead=self.lead_id.display_name or "-",
                )
            )
        self.env["crm.lead"].check_access("create")
        owner = first_given_work(self.user_id.sudo(), self.company_id) or self.env.user
        reason = self.reason or ""
        lead = (
            self.env["crm.lead"]
            .with_company(self.company_id)
            .create(
                {
                    "name": self.env._(
                        "Cross-sell: %(product)s",
                        product=self.product_tmpl_id.display_name,
                    ),
                    "type": "opportunity",
                    "partner_id": self.partner_id.id,
                    "user_id": owner.id,
                    "company_id": self.company_id.id,
                    "source_id": self.env.ref(
                        "customer_value.utm_source_cross_sell"
                    ).id,
                    "description": Markup("<p>%s</p>") % escape(reason)
                    if reason
                    else False,
                    "next_offer_product_tmpl_id": self.product_tmpl_id.id,
                }
            )
        )
        # sudo: the state and the opportunity change by this action only
        self.sudo().write({"state": "offered", "lead_id": lead.id})
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.lead",
            "res_id": lead.id,
            "views": [(False, "form")],
            "target": "current",
        }

    def action_dismiss(self, reason=None):
        """The customer does not want this product, for ``reason`` (required;
        from the dismiss dialog: the reason typed in it). It is not offered
        again."""
        self._cv_check_one(self)
        if reason is None:
            reason = self.dismiss_reason
        if not isinstance(reason, str) or not reason.strip():
            raise ValidationError(
                self.env._("Say why this offer is dismissed: the reason is required.")
            )
        self.check_access("write")
        if self.state == "dismissed":
            raise UserError(
                self.env._(
                    "%(product)s is already dismissed for %(customer)s.",
                    product=self.product_tmpl_id.display_name,
                    customer=self.partner_id.display_name,
                )
            )
        # sudo: the state changes by this action only
        self.sudo().write({"state": "dismissed", "dismiss_reason": reason.strip()})
        return True

    def action_open_dismiss(self):
        """The dialog that asks why the offer is dismissed."""
        self._cv_check_one(self)
        self.check_access("write")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Dismiss Offer"),
            "res_model": self._name,
            "res_id": self.id,
            "views": [
                (
                    self.env.ref(
                        "customer_value.customer_next_offer_view_form_dismiss"
                    ).id,
                    "form",
                )
            ],
            "target": "new",
        }
