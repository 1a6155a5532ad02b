# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Referrals: the loyalty coupons, for N qualified names and when a name
buys, and the qualification of names."""

import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from .customer_referral import ALREADY_REFERRED_DAYS, SALESMAN

_logger = logging.getLogger(__name__)


class CustomerReferral(models.Model):
    _inherit = "customer.referral"

    # Rewards

    def _issue_names_rewards(self):
        """A names coupon per N qualified referrals of a referrer given
        within the period, each referral counted once."""
        for company in self.company_id:
            program = company.referral_names_program_id
            count = company.referral_names_count
            if not program or count <= 0:
                continue
            since = fields.Date.context_today(self) - timedelta(
                days=company.referral_names_period_days or ALREADY_REFERRED_DAYS
            )
            for referrer in self.filtered(
                lambda r, company=company: r.company_id == company
            ).referrer_id:
                pending = self.search(
                    [
                        ("referrer_id", "=", referrer.id),
                        ("company_id", "=", company.id),
                        ("rejection_reason", "=", False),
                        ("qualified_date", "!=", False),
                        ("names_card_id", "=", False),
                        ("date", ">=", since),
                    ],
                    order="date, id",
                )
                if len(pending) < count:
                    continue
                pending = pending._lock_unrewarded()
                while len(pending) >= count:
                    earned, pending = pending[:count], pending[count:]
                    card = self._create_card(program, referrer)
                    earned.names_card_id = card
                    earned[-1].names_reward_issued = True
                    earned._message_log_batch(
                        {
                            referral.id: self.env._(
                                "Names reward %s issued to the referrer.", card.code
                            )
                            for referral in earned
                        }
                    )

    def _lock_unrewarded(self):
        """These referrals still without a names reward, locked for this
        transaction, in the order they were given. Those a concurrent
        transaction is rewarding (e.g. names submitted at the same time by
        the same customer) are skipped, not waited for: they are that
        transaction's to reward, and writing them here too would fail with a
        serialization error (or reward the same names twice)."""
        if not self:
            return self
        self.flush_recordset(["names_card_id"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT id FROM customer_referral
                 WHERE id IN %s AND names_card_id IS NULL
              ORDER BY date, id
                   FOR NO KEY UPDATE SKIP LOCKED
                """,
                tuple(self.ids),
            )
        )
        return self.browse([row[0] for row in rows])

    @api.model
    def _create_card(self, program, referrer):
        """A coupon of ``program`` for ``referrer``, announced by the
        program's own "at creation" mail. A mail that cannot be made (no PDF
        engine for the coupon report...) does not cancel the reward: the
        reason is logged on the coupon, which can be sent again from it."""
        points = max(program.reward_ids.mapped("required_points") or [1])
        card = (
            self.env["loyalty.card"]
            .with_context(loyalty_no_mail=True)
            .create(
                {
                    "program_id": program.id,
                    "partner_id": referrer.id,
                    "points": points,
                }
            )
            .with_context(loyalty_no_mail=False)
        )
        try:
            with self.env.cr.savepoint():
                card._send_creation_communication()
        except UserError as error:
            _logger.warning("Referral reward %s: mail not sent: %s", card.code, error)
            card._message_log(
                body=self.env._("The reward mail could not be sent: %s", error)
            )
        return card

    def _check_won_reward(self, paid=False):
        """Issue (or give back) the won reward of these referrals: their lead
        is won and its first sale order confirmed (or its first invoice
        paid, if the company says so); once per referred person."""
        for referral in self.filtered(lambda r: r.lead_id and not r.rejection_reason):
            company = referral.company_id
            program = company.referral_won_program_id
            if not program:
                continue
            orders = referral.lead_id.order_ids.filtered(lambda o: o.state == "sale")
            earned = referral.state == "won" and orders
            if earned and company.referral_won_on == "invoice":
                earned = paid or any(
                    move.payment_state in ("paid", "in_payment")
                    for move in orders.invoice_ids
                    if move.move_type == "out_invoice" and move.state == "posted"
                )
            card = referral.won_card_id
            if earned and not card:
                if referral._person_won_rewarded():
                    continue
                referral.won_card_id = referral._create_card(
                    program, referral.referrer_id
                )
                referral.message_post(
                    body=self.env._(
                        "Won reward %s issued to the referrer.",
                        referral.won_card_id.code,
                    ),
                )
            elif earned and not card.active:
                card.active = True
                referral._message_log(
                    body=self.env._("Won reward %s given back.", card.code)
                )
            elif not orders and card.active and not card.use_count:
                card.active = False
                referral._message_log(
                    body=self.env._(
                        "Won reward %s withdrawn: the sale was cancelled before "
                        "the reward was used.",
                        card.code,
                    )
                )

    def _person_won_rewarded(self):
        self.ensure_one()
        return bool(
            self.search_count(
                [
                    ("id", "!=", self.id),
                    ("won_card_id", "!=", False),
                    *self._key_domain(),
                ],
                limit=1,
            )
        )

    def _on_lead_change(self, before, converted=None):
        """After a write on their leads: tell the referrers of the referrals
        newly won or lost, reward the won ones, and qualify the names whose
        lead proved them real (``converted``: the leads just turned into
        opportunities)."""
        changed = self.filtered(lambda r: r.state != before.get(r))
        changed.filtered(lambda r: r.state in ("won", "lost"))._send_outcome()
        changed._check_won_reward()
        self.filtered(
            lambda r: not r.qualified_date
            and not r.rejection_reason
            and r.lead_id
            and (
                r.state == "won" or r.lead_id in (converted or ()) or r._lead_advanced()
            )
        )._qualify()

    def _lead_advanced(self):
        """Whether the referral's opportunity moved past the first stage of
        its sales team's pipeline."""
        self.ensure_one()
        lead = self.lead_id
        if lead.type != "opportunity" or not lead.stage_id:
            return False
        first = lead._stage_find(team_id=lead.team_id.id)
        stage = lead.stage_id
        return bool(first) and (stage.sequence, stage.id) > (first.sequence, first.id)

    def _qualify(self):
        """The names proved real: they count for the names reward."""
        if not self:
            return
        self.qualified_date = fields.Date.context_today(self)
        self._issue_names_rewards()

    def action_qualify(self):
        """A salesperson vouches for these names (they talked to the person,
        the need is real): they count for the names reward."""
        if not self.env.user.has_group(SALESMAN):
            raise AccessError(
                self.env._("Only salespeople can qualify referred names.")
            )
        if not self:
            raise UserError(self.env._("Select the referrals to qualify."))
        self._cv_existing_ids(self._name, list(self._ids), self.env._("Referrals"))
        self.check_access("write")
        rejected = self.filtered("rejection_reason")
        if rejected:
            raise UserError(
                self.env._(
                    "A rejected name cannot be qualified: %s.",
                    ", ".join(rejected.mapped("name")),
                )
            )
        erased = self.filtered("personal_data_erased")
        if erased:
            raise UserError(self.env._("The personal data of these names were erased."))
        self.filtered(lambda r: not r.qualified_date).sudo()._qualify()
        return True
