# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Closing the loop: an unhappy answer opens a follow-up for the account
owner, resolved with an outcome."""

from datetime import timedelta

from odoo import fields, models
from odoo.exceptions import UserError, ValidationError

from .assignee import first_given_work
from .formatting import format_date


class CustomerFeedback(models.Model):
    _inherit = "customer.feedback"

    def _followup_owner(self):
        """Who follows up an unhappy answer: the customer's salesperson, else
        the touchpoint's responsible, else the company's (for feedback, then
        for the customers without a salesperson), else the manager
        who made the touchpoint; never the public user who answered from the
        e-mail, nor the superuser. As a last resort a sales manager of the
        company (the administrator in most databases; a deleted administrator
        does not stop the answer)."""
        self.ensure_one()
        candidates = (
            self.user_id,
            self.touchpoint_id.followup_user_id,
            self.company_id.feedback_followup_user_id,
            self.company_id.customer_responsible_id,
            self.touchpoint_id.create_uid,
            self.env.user,
        )
        managers = (
            self.env.ref("sales_team.group_sale_manager").sudo().users.sorted("id")
        )
        return (
            first_given_work(candidates)
            or first_given_work(managers, self.company_id)
            or self.env.ref("base.user_admin")
        )

    def _open_followup(self):
        self.ensure_one()
        self._log_earlier_followup()
        user = self._followup_owner()
        # the follow-up opens with the unhappy answer (a request answered
        # earlier, e.g. imported or in the demo, keeps its dates in order)
        opened = min(self.date_answered or fields.Datetime.now(), fields.Datetime.now())
        deadline = opened + timedelta(hours=self.touchpoint_id.followup_hours)
        self.sudo().write(
            {
                "followup_state": "open",
                "followup_user_id": user.id,
                "followup_date_open": opened,
                "followup_deadline": deadline,
                "followup_outcome": False,
                "followup_date_done": False,
            }
        )
        self._cv_as_staff(self.sudo()).activity_schedule(
            "customer_value.mail_activity_feedback_followup",
            date_deadline=fields.Date.to_date(deadline),
            summary=self.env._(
                "%(category)s: %(partner)s scored %(score)s",
                category=self._selection_label("category") or self.env._("Feedback"),
                partner=self.partner_id.display_name,
                score=self.score,
            ),
            user_id=user.id,
        )

    def _log_earlier_followup(self):
        """A changed answer opens a new follow-up: what the earlier one found
        stays in the chatter (an internal note)."""
        earlier = self.sudo()
        if earlier.followup_state != "resolved":
            return
        outcome = earlier._selection_label("followup_outcome")
        self.sudo()._message_log(
            body=self.env._(
                "Earlier follow-up by %(user)s, resolved on %(date)s: %(outcome)s. "
                "%(note)s",
                user=earlier.followup_user_id.name or "",
                date=format_date(self.env, earlier.followup_date_done),
                outcome=outcome,
                note=earlier.followup_note or "",
            ),
        )

    def action_resolve_followup(self, outcome, note=None):
        """Close the follow-up of an unhappy answer: what was done is required."""
        self.check_access("write")
        outcomes = dict(
            self._fields["followup_outcome"]._description_selection(self.env)
        )
        if not isinstance(outcome, str) or outcome not in outcomes:
            raise ValidationError(
                self.env._(
                    "Say what the follow-up achieved: one of %(outcomes)s.",
                    outcomes=", ".join(outcomes),
                )
            )
        if note is not None and not isinstance(note, str):
            raise ValidationError(self.env._("The follow-up note must be text."))
        for feedback in self.sudo():
            if feedback.followup_state != "open":
                raise UserError(
                    self.env._(
                        "%(feedback)s has no open follow-up.",
                        feedback=feedback.display_name,
                    )
                )
        self.sudo().write(
            {
                "followup_state": "resolved",
                "followup_outcome": outcome,
                "followup_note": note or False,
                "followup_date_done": fields.Datetime.now(),
            }
        )
        self.activity_feedback(
            ["customer_value.mail_activity_feedback_followup"],
            feedback=self.env._("Resolved: %(outcome)s", outcome=outcomes[outcome]),
        )
        # a resolved follow-up no longer weighs on the customer's health
        for company, requests in self.grouped("company_id").items():
            requests.partner_id.with_company(company)._refresh_health()
        return True
