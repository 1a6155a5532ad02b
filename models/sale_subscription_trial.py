# Copyright 2026 customer_value contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Free trials: a subscription is free until its trial end; a daily job then
converts it to paid or closes it, as its template says."""

import logging

from odoo import api, fields, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)


class SaleSubscription(models.Model):
    _inherit = "sale.subscription"

    trial_end_date = fields.Date(
        string="Trial End",
        tracking=True,
        help="The subscription is a free trial until this date. A daily job then "
        "converts it to paid or closes it, as its template says.",
    )
    trial_state = fields.Selection(
        [("trial", "In trial"), ("converted", "Converted"), ("lapsed", "Lapsed")],
        compute="_compute_trial_state",
        store=True,
        readonly=False,
        tracking=True,
        index=True,
    )
    trial_conversion = fields.Float(
        string="Trial Conversion (%)",
        compute="_compute_trial_conversion",
        store=True,
        aggregator="avg",
        help="100 for a converted trial, 0 otherwise: its average is the conversion "
        "rate of ended trials.",
    )

    @api.depends("trial_end_date")
    def _compute_trial_state(self):
        for sub in self:
            if not sub.trial_end_date:
                sub.trial_state = False
            elif sub.trial_state not in ("converted", "lapsed"):
                sub.trial_state = "trial"

    @api.depends("trial_state")
    def _compute_trial_conversion(self):
        for sub in self:
            sub.trial_conversion = 100.0 if sub.trial_state == "converted" else 0.0

    def action_convert_trial(self):
        """End the trial now and start billing (a ``new`` movement or the
        customer-level equivalent)."""
        self.check_access("write")
        not_trial = self.filtered(lambda s: s.trial_state != "trial")
        if not_trial:
            raise UserError(
                self.env._(
                    "%(names)s: not in trial.",
                    names=", ".join(not_trial.mapped("name")),
                )
            )
        today = fields.Date.context_today(self)
        for sub in self:
            sub.write(
                {
                    "trial_state": "converted",
                    "trial_end_date": min(sub.trial_end_date, today),
                    "recurring_next_date": min(sub.trial_end_date, today),
                }
            )
        return True

    def _cv_end_trial(self):
        """What the trial job does with a trial that ended: convert it, or
        close it as lapsed. A trial someone closed already only lapses: its
        close reason stays."""
        self.ensure_one()
        if self.stage_id.type == "post":
            self.trial_state = "lapsed"
        elif (
            self.stage_id.type == "in_progress"
            and self.template_id.trial_end_action != "close"
        ):
            self.with_context(subscription_change_date=self.trial_end_date).write(
                {"trial_state": "converted", "recurring_next_date": self.trial_end_date}
            )
        else:
            self._cv_lapse_trial()

    def _cv_lapse_trial(self):
        reason = self.env.ref(
            "customer_value.close_reason_trial_lapsed", raise_if_not_found=False
        )
        for sub in self:
            # Closed first: a lapsed trial never counted in MRR.
            sub.close_subscription(reason.id if reason else False)
            sub.trial_state = "lapsed"

    @api.model
    def _cron_process_trials(self, batch_size=200):
        """Convert or close the trials that ended, by batches. Each trial in
        its own savepoint: one that cannot be processed is noted on its
        chatter and tried again the next day, the others go on."""
        today = fields.Date.context_today(self)
        domain = [
            ("trial_state", "=", "trial"),
            ("trial_end_date", "<=", today),
            "|",
            ("job_error_date", "=", False),
            ("job_error_date", "<", today),
        ]
        subs = self.search(domain, limit=batch_size, order="trial_end_date, id")
        for sub in subs:
            sub = sub.with_company(sub.company_id)
            try:
                with self.env.cr.savepoint():
                    sub._cv_end_trial()
            # One subscription that cannot be processed (Odoo's UserError
            # family: a product archived, a template that does not render, a
            # rule...) must not stop the job for the others: noted on it and
            # tried again tomorrow. Other errors (database, code) stop the
            # batch, which rolls back and runs again.
            except UserError as error:
                _logger.warning(
                    "Trial job failed on subscription %s: %s", sub.id, error
                )
                sub._cv_log_job_error(self.env._("The trial job"), error)
        remaining = self.search_count(domain) if len(subs) == batch_size else 0
        self.env["ir.cron"]._notify_progress(done=len(subs), remaining=remaining)
        return subs

    # ------------------------------------------------------------------
    # subscription_oca hooks
    # ------------------------------------------------------------------
    def calculate_recurring_next_date(self, start_date):
        if self.trial_state == "trial" and self.trial_end_date:
            self.recurring_next_date = self.trial_end_date
            return
        return super().calculate_recurring_next_date(start_date)

    def generate_invoice(self):
        # Free until the trial ends: the trial job converts or closes it first.
        if self.trial_state == "trial":
            return
        return super().generate_invoice()
