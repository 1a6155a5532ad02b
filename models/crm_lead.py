# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import logging

from dateutil.relativedelta import relativedelta
from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import format_date

from .assignee import first_given_work
from .auto_init import create_empty_columns
from .optional_float import OptionalFloat

_logger = logging.getLogger(__name__)


class CrmLead(models.Model):
    _inherit = "crm.lead"

    reoffer_date = fields.Date(
        string="Re-offer On",
        compute="_compute_reoffer_date",
        store=True,
        index="btree_not_null",
        copy=False,
        help="When this lost lead comes back as a new opportunity (from its lost "
        "reason). Restoring the lead cancels it.",
    )
    reoffer_of_id = fields.Many2one(
        "crm.lead",
        string="Re-offer Of",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        help="The lost lead this opportunity offers again.",
    )
    reoffer_ids = fields.One2many(
        "crm.lead",
        "reoffer_of_id",
        string="Re-offers",
        context={"active_test": False},
    )
    reoffer_win_rate = OptionalFloat(
        string="Re-offer Win Rate (%)",
        compute="_compute_reoffer_win_rate",
        store=True,
        aggregator="avg",
        help="100 for a re-offer won, 0 for another re-offer (empty otherwise): "
        "its average is the share of re-offers won.",
    )

    referrer_partner_id = fields.Many2one(
        "res.partner",
        string="Referrer",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        help="The customer who referred this person.",
    )
    referral_id = fields.Many2one(
        "customer.referral",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
    )

    def write(self, vals):
        # a referred lead won or lost: the referrer is told, and rewarded; a
        # referred lead qualified (an opportunity, past the first stage): the
        # name counts for the names reward
        referrals = (
            self.referral_id.sudo()
            if {"active", "stage_id", "probability", "type"} & set(vals)
            else self.env["customer.referral"]
        )
        before = {referral: referral.state for referral in referrals}
        converted = (
            self.filtered(lambda lead: lead.type == "lead")
            if vals.get("type") == "opportunity"
            else self.browse()
        )
        res = super().write(vals)
        if referrals:
            referrals._on_lead_change(before, converted=converted)
        return res

    def unlink(self):
        # the referrals of a deleted lead keep what it had become (won, else
        # lost: nobody pursues it any more), without a mail to the referrer
        referrals = (
            self.env["customer.referral"].sudo().search([("lead_id", "in", self.ids)])
        )
        for referral in referrals:
            referral.deleted_lead_state = "won" if referral.state == "won" else "lost"
            referral._message_log(
                body=self.env._("Its lead was deleted by %s.", self.env.user.name)
            )
        return super().unlink()

    def _merge_dependences(self, opportunities):
        # the referrals of the merged leads follow them into the one kept,
        # which stays referred (sudo: whoever merges)
        res = super()._merge_dependences(opportunities)
        referrals = opportunities.sudo().referral_id
        if referrals:
            self.env["customer.referral"].sudo().search(
                [("lead_id", "in", opportunities.ids)]
            ).lead_id = self
            if not self.referral_id:
                self.sudo().write(referrals[0]._lead_link_values())
        return res

    def _auto_init(self):
        """Create the stored computed columns empty: at install no lost
        reason has a re-offer delay and no lead is a re-offer yet, so Odoo
        need not compute them lead by lead on a large CRM."""
        create_empty_columns(self, ["reoffer_date", "reoffer_win_rate"])
        return super()._auto_init()

    @api.depends(
        "active", "lost_reason_id", "lost_reason_id.reoffer_after_months", "date_closed"
    )
    def _compute_reoffer_date(self):
        # a lead offered again keeps the date it was offered on: a reason's
        # new delay moves (or cancels, at 0) the pending re-offers only
        for lead in self:
            if lead.reoffer_ids:
                continue
            months = lead.lost_reason_id.reoffer_after_months
            if lead.active or not months or not lead.date_closed:
                lead.reoffer_date = False
            else:
                lead.reoffer_date = lead.date_closed.date() + relativedelta(
                    months=months
                )

    @api.depends("reoffer_of_id", "active", "stage_id.is_won")
    def _compute_reoffer_win_rate(self):
        for lead in self:
            if not lead.reoffer_of_id:
                lead.reoffer_win_rate = False
            else:
                won = lead.active and lead.stage_id.is_won
                lead.reoffer_win_rate = 100.0 if won else 0.0

    @api.model
    def _reoffer_due_domain(self, day):
        return [
            ("active", "=", False),
            ("reoffer_date", "<=", day),
            ("reoffer_ids", "=", False),
        ]

    @api.model
    def _cron_reoffer(self, batch_size=100):
        """Offer again, by batches, the leads lost with a reason that asks for
        it once their time has come: one new opportunity per lost lead, never
        a second (the new one links back to it), so a run that is interrupted
        or runs twice does not offer anything twice.

        A lead that cannot be offered again (its salesperson, team or
        customer no longer fits its company...) does not stop the others: the
        error is said on it and its re-offer date cleared, so it is not tried
        again at each run."""
        Lead = self.with_context(active_test=False)
        today = fields.Date.context_today(self)
        domain = self._reoffer_due_domain(today)
        lost = Lead.search(domain, limit=batch_size, order="reoffer_date, id")
        lost._reoffer(safe=True)
        remaining = Lead.search_count(domain) if len(lost) == batch_size else 0
        self.env["ir.cron"]._notify_progress(done=len(lost), remaining=remaining)
        return lost

    def _reoffer_user(self):
        """Who offers again: the lost lead's salesperson if still active and
        in its company, else the team leader; never the superuser."""
        self.ensure_one()
        return (
            first_given_work((self.user_id, self.team_id.user_id), self.company_id)
            or self.env["res.users"]
        )

    def _reoffer_activity_user(self, user):
        """Whom the "Re-offer" activity goes to: the new lead's salesperson
        (else the team leader, see ``_reoffer_user``), else the company's
        customer-value responsible, else whoever made the lost lead, if an
        active internal user of the company; never the superuser running the
        job. Nobody else."""
        self.ensure_one()
        company = self.company_id or self.env.company
        return (
            first_given_work(
                (user, company.feedback_followup_user_id, self.create_uid), company
            )
            or self.env["res.users"]
        )

    def _reoffer(self, safe=False):
        """Create the new opportunity of each lost lead ``self``, with a
        "Re-offer" activity due today for its salesperson, in the
        salesperson's language (else the company's). With ``safe``, each
        lead in its own savepoint: one that fails is said on it, its re-offer
        date cleared, and the others go on."""
        # the date offered on stays once the lead is offered again
        self.flush_recordset(["reoffer_date"])
        new_leads = self.env["crm.lead"]
        for lost in self:
            if not safe:
                new_leads |= lost._reoffer_one()
                continue
            try:
                with self.env.cr.savepoint():
                    new_leads |= lost._reoffer_one()
            except (AccessError, UserError, ValidationError) as error:
                _logger.warning("crm.lead %s not offered again: %s", lost.id, error)
                # sudo: the job clears the date of the lead it cannot offer
                lost.sudo().reoffer_date = False
                lost._message_log(
                    body=self.env._(
                        "Not offered again: %(error)s",
                        error=error.args[0] if error.args else repr(error),
                    )
                )
        return new_leads.with_env(self.env)

    def _reoffer_one(self):
        self.ensure_one()
        lost = self
        today = fields.Date.context_today(self)
        user = lost._reoffer_user()
        company = lost.company_id or self.env.company
        lead = lost.with_context(
            lang=user.lang or company.partner_id.lang or self.env.lang
        )
        new = (
            self.env["crm.lead"]
            .with_company(company)
            .with_context(lang=lead.env.lang)
            .create(
                {
                    "name": lead.env._("Re-offer: %(name)s", name=lead.name),
                    "type": "opportunity",
                    "partner_id": lead.partner_id.id,
                    "contact_name": lead.contact_name,
                    "partner_name": lead.partner_name,
                    "email_from": lead.email_from,
                    "phone": lead.phone,
                    "user_id": user.id,
                    "team_id": lead.team_id.id,
                    "company_id": lead.company_id.id,
                    "expected_revenue": lead.expected_revenue,
                    "tag_ids": [fields.Command.set(lead.tag_ids.ids)],
                    "source_id": lead.source_id.id,
                    "medium_id": lead.medium_id.id,
                    "campaign_id": lead.campaign_id.id,
                    "description": lead._reoffer_description(),
                    "reoffer_of_id": lead.id,
                }
            )
        )
        activity_user = lost._reoffer_activity_user(user)
        if not activity_user:
            new._message_log(
                body=lead.env._(
                    "No active salesperson to offer this again: give it to one."
                )
            )
            return new
        activity_type = lead.env.ref("customer_value.mail_activity_reoffer")
        # the salespeople find them in their activities: no e-mail each
        new.with_context(mail_activity_quick_update=True).activity_schedule(
            act_type_xmlid="customer_value.mail_activity_reoffer",
            date_deadline=today,
            summary=activity_type.summary or activity_type.name,
            user_id=activity_user.id,
        )
        return new

    def _reoffer_description(self):
        """The lost lead's reason, date, products quoted and notes."""
        self.ensure_one()
        parts = [
            Markup("<p>%s</p>")
            % self.env._(
                "Lost on %(date)s: %(reason)s.",
                date=format_date(self.env, self.date_closed)
                if self.date_closed
                else "",
                reason=self.lost_reason_id.name,
            )
        ]
        products = self.order_ids.order_line.product_id
        if products:
            parts.append(
                Markup("<p>%s</p>")
                % self.env._(
                    "Quoted then: %(products)s.",
                    products=", ".join(products.mapped("display_name")),
                )
            )
        if self.description:
            parts.append(Markup(self.description))
        return Markup("").join(escape(part) for part in parts)
