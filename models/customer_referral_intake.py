# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Referrals: the names a customer gives (salespeople, integrations, the
portal within its daily cap), checked line by line, and the leads they
become."""

import uuid
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import email_normalize, plaintext2html, single_email_re

from .assignee import can_be_given_work
from .customer_referral import PORTAL_SOURCES, PUBLIC_KEYS, phone_key

# The same names given again on the portal within this many seconds (a
# double click, a form sent twice) are not recorded twice.
REPEAT_SUBMISSION_SECONDS = 600


class CustomerReferral(models.Model):
    _inherit = "customer.referral"

    @api.model
    def _line_error(self, line):
        """Why ``line`` (a dict of the public keys) cannot be a referral, or
        False."""
        if not isinstance(line, dict):
            return self.env._("Expected a dictionary of referral values, got %r.", line)
        unknown = set(line) - set(PUBLIC_KEYS)
        if unknown:
            return self.env._(
                "Unknown keys %(keys)s; a referral takes %(allowed)s.",
                keys=", ".join(sorted(map(str, unknown))),
                allowed=", ".join(PUBLIC_KEYS),
            )
        for key in PUBLIC_KEYS:
            value = line.get(key)
            expected = bool if key == "consent" else str
            if value not in (None, False) and not isinstance(value, expected):
                return self.env._(
                    "%(key)s: %(value)r is not valid.", key=key, value=value
                )
        name = (line.get("name") or "").strip()
        email = (line.get("email") or "").strip()
        phone = (line.get("phone") or "").strip()
        if not name:
            return self.env._("The name of the person is missing.")
        if not email and not phone:
            return self.env._("%s: give an e-mail address or a phone number.", name)
        if email and not single_email_re.match(email):
            return self.env._(
                "%(name)s: %(email)s is not a valid e-mail address.",
                name=name,
                email=email,
            )
        return False

    # Intake

    @api.model
    def submit(self, referrer_id, referrals, source="api"):
        """Record the names ``referrals`` (a list of dicts with the keys
        name, company_name, email, phone, note, consent) given by the
        customer ``referrer_id`` (a company or one of its contacts).

        Returns one dict per line, in order: ``{"id", "name", "state",
        "rejection_reason"}`` for a line recorded, ``{"error": message}``
        for a line refused (nothing written for it). The referrer gets one
        thank-you e-mail listing the names received."""
        if not self.env.user.has_group("sales_team.group_sale_salesman"):
            raise AccessError(
                self.env._("Only salespeople can record referrals for a customer.")
            )
        if source not in ("staff", "api"):
            raise ValidationError(
                self.env._("Source must be 'staff' or 'api', not %r.", source)
            )
        contact = self._cv_browse("res.partner", referrer_id, self.env._("Referrer"))
        if not contact:
            raise ValidationError(self.env._("Referrer: a customer is required."))
        contact.check_access("read")
        return self.sudo()._submit(contact, referrals, source)

    @api.model
    def _submit_portal(self, contact, referrals, source="portal"):
        """The names a customer's portal user gives, within the daily cap.
        Each must have agreed to be contacted. ``source``: one of
        ``PORTAL_SOURCES``, the referral invitation's link the customer
        came by, else portal."""
        if source not in PORTAL_SOURCES:
            source = "portal"
        if not referrals:
            raise ValidationError(self.env._("Enter at least one name."))
        company = self.env.company
        referrer = contact.commercial_partner_id
        self._lock_referrer(referrer)
        repeated = self._repeated_portal_submission(referrer, referrals)
        if repeated is not None:
            return repeated
        given_today = self.search_count(
            [
                ("referrer_id", "=", referrer.id),
                ("company_id", "=", company.id),
                ("source", "in", PORTAL_SOURCES),
                ("date", "=", fields.Date.context_today(self)),
            ]
        )
        results = self._submit(
            contact,
            referrals,
            source,
            limit=max(company.referral_portal_daily_cap - given_today, 0),
            require_consent=True,
        )
        # the referrer is not told why a name is not pursued
        return [
            result
            if "error" in result
            else {"id": result["id"], "name": result["name"]}
            for result in results
        ]

    @api.model
    def _repeated_portal_submission(self, referrer, referrals):
        """The results of the referrer's last portal submission when
        ``referrals`` gives the same names again within
        ``REPEAT_SUBMISSION_SECONDS`` (a double click, a form sent twice):
        nothing is recorded twice. None otherwise."""

        def key(name, email, phone):
            return (
                (name or "").strip().casefold(),
                email_normalize(email or "") or "",
                phone_key(phone) or "",
            )

        def line_key(line):
            return key(line["name"], line.get("email"), line.get("phone"))

        lines = [
            line
            for line in referrals
            if not self._line_error(line) and line.get("consent")
        ]
        if not lines:
            return None
        since = fields.Datetime.now() - timedelta(seconds=REPEAT_SUBMISSION_SECONDS)
        last = self.search(
            [
                ("referrer_id", "=", referrer.id),
                ("company_id", "=", self.env.company.id),
                ("source", "in", PORTAL_SOURCES),
                ("create_date", ">=", since),
            ],
            order="id desc",
            limit=1,
        )
        if not last:
            return None
        batch = self.search(
            [
                ("referrer_id", "=", referrer.id),
                ("submission_ref", "=", last.submission_ref),
            ],
            order="id",
        )
        recorded = {
            key(referral.name, referral.email, referral.phone): referral
            for referral in batch
        }
        given = [line_key(line) for line in lines]
        if sorted(given) != sorted(recorded):
            return None
        results = []
        for line in referrals:
            error = self._line_error(line)
            if not error and not line.get("consent"):
                error = self.env._(
                    "%s: please confirm that this person agreed to be contacted.",
                    line["name"],
                )
            if error:
                results.append({"error": error})
            else:
                referral = recorded[line_key(line)]
                results.append({"id": referral.id, "name": referral.name})
        return results

    @api.model
    def _lock_referrer(self, referrer):
        """Serialize the portal submissions of ``referrer`` so that the daily
        cap holds when two arrive together: the second waits for the first
        to end. The row is updated, not only locked: under Odoo's REPEATABLE
        READ isolation the second then fails to serialize and its request is
        retried with a snapshot that counts the first one's names."""
        self.env.cr.execute(
            "UPDATE res_partner SET write_date = write_date WHERE id = %s",
            [referrer.id],
        )

    @api.model
    def _submit(self, contact, referrals, source, limit=None, require_consent=False):
        """Check each line, create the valid ones together (leads, rewards)
        and thank the referrer. ``limit``: how many lines may be recorded
        (the portal's daily cap); ``require_consent``: each line must say
        the person agreed to be contacted (the portal)."""
        if not isinstance(referrals, list | tuple) or not referrals:
            raise ValidationError(
                self.env._("Give a list of referrals (name, e-mail or phone...).")
            )
        referrer = contact.commercial_partner_id
        ref = uuid.uuid4().hex
        results, vals_list = [], []
        for line in referrals:
            error = self._line_error(line)
            if not error and require_consent and not line.get("consent"):
                error = self.env._(
                    "%s: please confirm that this person agreed to be contacted.",
                    line["name"],
                )
            if not error and limit is not None and len(vals_list) >= limit:
                error = self.env._(
                    "%s: the limit of referrals for today is reached; please "
                    "send this name tomorrow.",
                    line["name"],
                )
            if error:
                results.append({"error": error})
                continue
            results.append(None)
            vals_list.append(
                {
                    **{key: line.get(key) for key in PUBLIC_KEYS if line.get(key)},
                    "name": line["name"].strip(),
                    "referrer_id": referrer.id,
                    "referrer_contact_id": contact.id,
                    "source": source,
                    "submission_ref": ref,
                    "company_id": self.env.company.id,
                }
            )
        created = iter(self.create(vals_list))
        for index, result in enumerate(results):
            if result is None:
                referral = next(created)
                results[index] = {
                    "id": referral.id,
                    "name": referral.name,
                    "state": referral.state,
                    "rejection_reason": referral.rejection_reason or False,
                }
        return results

    def _process(self):
        """Reject or turn into leads the new referrals (in order: a name
        given twice in one submission counts once), then reward the names
        and thank the referrers."""
        for referral in self:
            reason = referral._rejection_reason()
            if reason:
                referral.rejection_reason = reason
            else:
                referral._create_lead()
        if not self.env.context.get("referral_no_mail"):
            self._send_thanks()

    def _lead_assignment(self):
        """(salesperson, team) of the referral's lead: the sales teams'
        assignment rules when they run and the company chose them, else the
        referrer's salesperson."""
        referrer = self.referrer_id
        company = self.company_id
        rules = (
            self.env["ir.config_parameter"].sudo().get_param("crm.lead.auto.assignment")
        )
        if company.referral_assignment == "team" and rules:
            return self.env["res.users"], self.env["crm.team"]
        user = referrer.user_id
        if not self._can_take_lead(user):
            # the salesperson recording the names
            recorder = self.env.user
            user = recorder if self._can_take_lead(recorder) else self.env["res.users"]
        team = self.env["crm.team"]._get_default_team_id(
            user_id=user.id, domain=[("company_id", "in", [company.id, False])]
        )
        # a name given on the portal: the team leader, else the company's
        # referral responsible, else a sales manager; never nobody (the
        # first call would not be made) nor the superuser
        for candidate in (team.user_id, company.referral_responsible_id):
            if not user and self._can_take_lead(candidate):
                user = candidate
        if not user:
            managers = self.env.ref("sales_team.group_sale_manager").users
            user = managers.filtered(self._can_take_lead).sorted("id")[:1]
        return user, team

    def _can_take_lead(self, user):
        """Whether ``user`` may be given a lead of the referral's company
        (and its first call): an active employee of it, not the superuser."""
        return can_be_given_work(user, self.company_id)

    def _create_lead(self):
        self.ensure_one()
        user, team = self._lead_assignment()
        use_leads = (
            self.env.ref("crm.group_use_lead")
            in self.env.ref("base.group_user").implied_ids
        )
        referrer = self.referrer_id
        lead = (
            self._cv_as_staff(self.env["crm.lead"])
            .with_company(self.company_id)
            .with_context(mail_create_nosubscribe=True)
            .create(
                {
                    "name": self.env._(
                        "%(name)s, referred by %(referrer)s",
                        name=self.name,
                        referrer=referrer.name,
                    ),
                    "type": "lead" if use_leads else "opportunity",
                    "contact_name": self.name,
                    "partner_name": self.company_name or False,
                    "email_from": self.email or False,
                    "phone": self.phone or False,
                    "description": plaintext2html(self.note) if self.note else False,
                    **self._lead_link_values(),
                    "source_id": self.env.ref("customer_value.utm_source_referral").id,
                    "user_id": user.id,
                    "team_id": team.id,
                    "company_id": self.company_id.id,
                }
            )
        )
        self.lead_id = lead
        if user:
            lead.activity_schedule(
                "mail.mail_activity_data_call",
                user_id=user.id,
                summary=self.env._("First contact: referred by %s", referrer.name),
                note=plaintext2html(self.note) if self.note else False,
            )
        return lead

    def _lead_link_values(self):
        """What links a lead to this referral and its referrer."""
        self.ensure_one()
        return {
            "referral_id": self.id,
            "referrer_partner_id": self.referrer_id.id,
            "referred": self.referrer_id.name,
        }
