# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import models
from odoo.exceptions import RedirectWarning

FOLLOWUP_ACTIVITY = "customer_value.mail_activity_feedback_followup"


class MailActivity(models.Model):
    _inherit = "mail.activity"

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
