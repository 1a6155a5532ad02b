# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Referrals: the anti-abuse rules (self-referral, known customer, already
referred or in the pipeline, cannot be contacted), by e-mail and phone."""

from datetime import timedelta

from odoo import fields, models

from .customer_referral import ALREADY_REFERRED_DAYS, PHONE_KEY_SQL


class CustomerReferral(models.Model):
    _inherit = "customer.referral"

    def _rejection_reason(self):
        self.ensure_one()
        referrer = self.referrer_id
        email, key = self.email_normalized, self.phone_key
        if not email and not key:
            return "invalid_contact"
        partners = self._matching_partners()
        if partners.filtered(lambda p: p.commercial_partner_id == referrer):
            return "self_referral"
        if self._is_known_customer(partners):
            return "existing_customer"
        if (
            email
            and not key
            and self.env["mail.blacklist"]
            .sudo()
            .search_count([("email", "=", email)], limit=1)
        ):
            return "invalid_contact"
        since = fields.Date.context_today(self) - timedelta(days=ALREADY_REFERRED_DAYS)
        if self.search_count(
            [
                # the earlier ones: a name given twice in one call counts once
                ("id", "<", self.id),
                ("rejection_reason", "=", False),
                ("date", ">=", since),
                ("company_id", "=", self.company_id.id),
                *self._key_domain(),
            ],
            limit=1,
        ):
            return "already_referred"
        if self._matching_leads(since):
            return "already_referred"
        return False

    def _contact_sql(self):
        """SQL conditions (and their parameters) matching the referral's
        e-mail or phone in a table with email_normalized, phone, mobile."""
        self.ensure_one()
        conditions, params = [], []
        if self.email_normalized:
            conditions.append("email_normalized = %s")
            params.append(self.email_normalized)
        if self.phone_key:
            for column in ("phone", "mobile"):
                conditions.append(f"{PHONE_KEY_SQL.format(column=column)} = %s")
                params.append(self.phone_key)
        return conditions, params

    def _matching_partners(self):
        """Partners (archived too) with the referral's e-mail or phone."""
        self.ensure_one()
        conditions, params = self._contact_sql()
        self.env["res.partner"].flush_model(["email_normalized", "phone", "mobile"])
        self.env.cr.execute(
            f"SELECT id FROM res_partner WHERE {' OR '.join(conditions)}",  # noqa: S608
            params,
        )
        return self.env["res.partner"].browse(row[0] for row in self.env.cr.fetchall())

    def _is_known_customer(self, partners):
        """Whether the referred person is already a customer: a commercial
        partner of ``partners`` (the contacts with the referral's e-mail or
        phone) or a company named as the referral's company is a customer
        (customer rank), or one of its contacts has a running subscription,
        a confirmed sale order or a posted customer invoice, whatever its
        customer rank says."""
        self.ensure_one()
        company_name = (self.company_name or "").strip()
        if not partners and not company_name:
            return False
        for model in ("res.partner", "sale.order", "account.move", "sale.subscription"):
            self.env[model].flush_model()
        self.env.cr.execute(
            """WITH customer AS (
                    SELECT commercial_partner_id AS id FROM res_partner
                     WHERE id = ANY(%(partners)s)
                     UNION
                    SELECT commercial_partner_id FROM res_partner
                     WHERE %(name)s != '' AND lower(name) = lower(%(name)s)
                       AND is_company
               ), contact AS (
                    SELECT c.id FROM res_partner c
                      JOIN customer ON c.commercial_partner_id = customer.id
               )
               SELECT 1 FROM customer JOIN res_partner p ON p.id = customer.id
                WHERE p.customer_rank > 0
                   OR EXISTS (SELECT 1 FROM sale_subscription s
                               WHERE s.partner_id IN (SELECT id FROM contact)
                                 AND s.in_progress)
                   OR EXISTS (SELECT 1 FROM sale_order o
                               WHERE o.partner_id IN (SELECT id FROM contact)
                                 AND o.state = 'sale')
                   OR EXISTS (SELECT 1 FROM account_move m
                               WHERE m.partner_id IN (SELECT id FROM contact)
                                 AND m.state = 'posted'
                                 AND m.move_type IN ('out_invoice', 'out_refund'))
                LIMIT 1""",
            {"partners": partners.ids, "name": company_name},
        )
        return bool(self.env.cr.fetchone())

    def _matching_leads(self, since):
        """Leads of the company with the referral's e-mail or phone: open
        ones, and lost (archived) ones closed since ``since``."""
        self.ensure_one()
        conditions, params = self._contact_sql()
        self.env["crm.lead"].flush_model(
            ["email_normalized", "phone", "mobile", "active", "date_closed"]
        )
        self.env.cr.execute(
            f"""SELECT id FROM crm_lead
                 WHERE ({" OR ".join(conditions)})
                   AND (company_id = %s OR company_id IS NULL)
                   AND (active OR date_closed >= %s OR date_closed IS NULL)
                   AND id != ALL(%s)""",  # noqa: S608
            [*params, self.company_id.id, since, self.lead_id.ids or [0]],
        )
        return self.env["crm.lead"].browse(row[0] for row in self.env.cr.fetchall())

    def _key_domain(self):
        """Records of the same person: same normalised e-mail or phone."""
        self.ensure_one()
        keys = [
            (field, "=", self[field])
            for field in ("email_normalized", "phone_key")
            if self[field]
        ]
        return ["|", *keys] if len(keys) == 2 else keys
