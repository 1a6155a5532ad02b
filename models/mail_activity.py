# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import AccessError, RedirectWarning, UserError

from .customer_value_input_mixin import is_record_id

FOLLOWUP_ACTIVITY = "customer_value.mail_activity_feedback_followup"
CHECK_IN_ACTIVITY = "customer_value.mail_activity_check_in"


class MailActivity(models.Model):
    _inherit = "mail.activity"

    ask_for_names = fields.Boolean(
        compute="_compute_ask_for_names",
        help="A check-in with a customer: marking it done offers to enter the "
        "names the customer gives (the web client's Done & Ask for Names).",
    )

    @api.depends("activity_type_id", "res_model")
    @api.depends_context("uid")
    def _compute_ask_for_names(self):
        check_in = self.env.ref(CHECK_IN_ACTIVITY, raise_if_not_found=False)
        salesman = self.env.user.has_group("sales_team.group_sale_salesman")
        for activity in self:
            activity.ask_for_names = bool(
                salesman
                and check_in
                and activity.activity_type_id == check_in
                and activity.res_model == "res.partner"
            )

    def action_done_ask_for_names(self, feedback=False):
        """Mark the check-in with a customer done and open the dialog where
        the salesperson enters the names the customer gives (the referral
        intake), as "Done & Schedule Next" opens the next activity."""
        if not self.env.user.has_group("sales_team.group_sale_salesman"):
            raise AccessError(
                self.env._("Only salespeople record the names a customer gives.")
            )
        if len(self) != 1 or not is_record_id(self.id):
            raise UserError(self.env._("Mark one check-in done at a time."))
        if feedback is not False and not isinstance(feedback, str):
            raise UserError(self.env._("The feedback is a text."))
        if not self.ask_for_names:
            raise UserError(
                self.env._(
                    "Only a check-in with a customer asks for names; mark "
                    "this activity done as usual."
                )
            )
        partner = self.env["res.partner"].browse(self.res_id)
        self.action_feedback(feedback=feedback)
        return partner.action_open_referral_intake()

    def _action_done(self, feedback=False, attachment_ids=None):
        """Marking a *Feedback follow-up* activity done (from the chatter, the
        activity menu or a list) while its follow-up is open asks for the
        outcome: the Resolve dialog opens, with what was typed as its note.
        Resolving closes the activity; nothing is left open unreminded."""
        self._check_feedback_followups_resolved(feedback)
        return super()._action_done(feedback=feedback, attachment_ids=attachment_ids)

    def _check_feedback_followups_resolved(self, feedback):
        activity_type = self.env.ref(FOLLOWUP_ACTIVITY, raise_if_not_found=False)
        followups = self.filtered(
            lambda activity: activity.res_model == "customer.feedback"
            and activity.activity_type_id == activity_type
        )
        if not followups:
            return
        # sudo: the follow-up's state, whoever may mark its activity done
        unresolved = (
            self.env["customer.feedback"]
            .sudo()
            .browse(followups.mapped("res_id"))
            .exists()
            .filtered(lambda request: request.followup_state == "open")
        )
        if unresolved:
            raise RedirectWarning(
                self.env._(
                    "Say what the follow-up of %(feedback)s achieved: resolve it "
                    "with its outcome, and the activity is marked done with it.",
                    feedback=", ".join(unresolved.mapped("display_name")),
                ),
                "customer_value.customer_feedback_resolve_wizard_action",
                self.env._("Resolve Follow-up"),
                {
                    "active_model": "customer.feedback",
                    "active_ids": unresolved.ids,
                    "default_note": feedback or False,
                },
            )
