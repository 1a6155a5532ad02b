# Copyright 2026 customer_value contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""sale.subscription: the fields shared by every concern, and the hooks into
subscription_oca. The concerns live in their own files, each an extension of
sale.subscription:

- ``sale_subscription_mrr.py``: recurring revenue per month (MRR);
- ``sale_subscription_movement.py``: the MRR history (classify and record);
- ``sale_subscription_opening.py``: opening balances of an existing database;
- ``sale_subscription_invoicing.py``: prorated amounts on invoices and orders;
- ``sale_subscription_plan_change.py``: plans, plan changes, retention offers;
- ``sale_subscription_trial.py``: free trials.
"""

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .auto_init import create_empty_columns
from .sale_subscription_mrr import MONTHS_PER_UNIT


class SaleSubscription(models.Model):
    _inherit = "sale.subscription"

    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id",
        store=True,
        index=True,
        string="Customer",
    )
    company_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company Currency"
    )
    job_error_date = fields.Date(
        string="Last Job Error",
        readonly=True,
        copy=False,
        help="Day a scheduled job last failed on this subscription (see the chatter "
        "for the error). The job tries again the next day.",
    )

    def _auto_init(self):
        """The stored computed fields the addon adds to subscriptions (here
        and in the other sale_subscription_*.py files) are created empty and
        filled in one statement, not subscription by subscription: at install
        no subscription is in trial, has MRR movements or a plan of a plan
        family, and its monthly price follows from its total and template."""
        created = create_empty_columns(
            self,
            [
                "commercial_partner_id",
                "plan_product_id",
                "plan_family_id",
                "plan_tier",
                "trial_state",
                "trial_conversion",
                "revenue_active",
                "recurring_mrr",
                "mrr",
            ],
        )
        if created:
            self._cv_fill_new_columns(created)
        return super()._auto_init()

    def _cv_fill_new_columns(self, names):
        """Fill the columns ``names`` just created with the values Odoo would
        compute for the subscriptions of a database the addon is installed
        into (see the fields' compute methods), in one statement."""
        months = SQL(
            "CASE t.recurring_rule_type %s ELSE 1 END",
            SQL(" ").join(
                SQL("WHEN %s THEN %s", unit, value)
                for unit, value in MONTHS_PER_UNIT.items()
            ),
        )
        values = {
            "commercial_partner_id": SQL("p.commercial_partner_id"),
            # the first line (no product has a plan family yet)
            "plan_product_id": SQL("first_line.product_id"),
            "plan_tier": SQL("0"),
            "trial_conversion": SQL("0"),
            "mrr": SQL("0"),
            "revenue_active": SQL("COALESCE(st.type = 'in_progress', false)"),
            "recurring_mrr": SQL(
                """CASE WHEN st.type = 'in_progress' THEN round((
                       COALESCE(s.recurring_total, 0)
                       / (%s * COALESCE(NULLIF(t.recurring_interval, 0), 1))
                   )::numeric, cur.decimal_places) ELSE 0 END""",
                months,
            ),
        }
        assignments = [
            SQL("%s = %s", SQL.identifier(name), values[name])
            for name in names
            if name in values
        ]
        if not assignments:
            return
        self.env.cr.execute(
            SQL(
                """
                UPDATE sale_subscription s
                   SET %(assignments)s
                  FROM sale_subscription s2
                  JOIN res_partner p ON p.id = s2.partner_id
                  JOIN sale_subscription_template t ON t.id = s2.template_id
                  JOIN res_company c ON c.id = s2.company_id
                  JOIN res_currency cur
                    ON cur.id = COALESCE(s2.currency_id, c.currency_id)
             LEFT JOIN sale_subscription_stage st ON st.id = s2.stage_id
             LEFT JOIN (SELECT DISTINCT ON (sale_subscription_id)
                               sale_subscription_id, product_id
                          FROM sale_subscription_line
                         WHERE product_id IS NOT NULL
                      ORDER BY sale_subscription_id, id) first_line
                    ON first_line.sale_subscription_id = s2.id
                 WHERE s2.id = s.id
                """,
                assignments=SQL(", ").join(assignments),
            )
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_mrr_history(self):
        with_history = self.filtered("change_ids")
        if with_history:
            raise UserError(
                self.env._(
                    "%(names)s: a subscription with MRR movements is history and "
                    "cannot be deleted. Close or archive it instead.",
                    names=", ".join(with_history.mapped("display_name")),
                )
            )

    # ------------------------------------------------------------------
    # subscription_oca hooks
    # ------------------------------------------------------------------
    def action_start_subscription(self):
        super().action_start_subscription()
        return True  # callable over XML-RPC (None cannot be marshalled)

    def action_close_subscription(self):
        # subscription_oca's action carries a 'view_type' key that Odoo 18 logs
        # as a warning; same wizard, with its subscription in the context.
        self.ensure_one()
        self.check_access("write")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Close Subscription"),
            "res_model": "close.reason.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {
                "active_id": self.id,
                "active_model": self._name,
                "default_subscription_id": self.id,
            },
        }

    def close_subscription(self, close_reason_id=False):
        if not close_reason_id and self.env.context.get("subscription_close_ended"):
            ended = self.env.ref(
                "subscription_oca.close_reason_ended", raise_if_not_found=False
            )
            close_reason_id = ended.id if ended else False
        super().close_subscription(close_reason_id)
        self._cap_vouchers()
        return True

    def _cap_vouchers(self):
        """The unused vouchers that came with a closed subscription expire with
        it (when their type says so)."""
        today = fields.Date.context_today(self)
        vouchers = (
            self.env["customer.voucher"]
            .sudo()
            .search(
                [
                    ("subscription_id", "in", self.ids),
                    ("state", "=", "available"),
                    ("expiry_date", ">", today),
                    ("issue_date", "<=", today),
                    ("type_id.subscription_cap", "=", True),
                ]
            )
        )
        if vouchers:
            vouchers.write({"expiry_date": today})
            vouchers._message_log_batch(
                {
                    voucher.id: self.env._(
                        "Expires today: its subscription %(subscription)s was closed.",
                        subscription=voucher.subscription_id.display_name,
                    )
                    for voucher in vouchers
                }
            )

    @api.model
    def cron_subscription_management(self):
        # subscription_oca closes fixed-term subscriptions at their end date
        # without a reason; the churn movement records "The subscription ended".
        return super(
            SaleSubscription, self.with_context(subscription_close_ended=True)
        ).cron_subscription_management()

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _cv_browse(self, model, record_id, label):
        return self.env["customer.value.input.mixin"]._cv_browse(
            model, record_id, label
        )

    def _cv_log_job_error(self, job, error):
        """Note on the chatter that ``job`` failed on this subscription; the
        job leaves it alone until tomorrow."""
        self.ensure_one()
        self.sudo().job_error_date = fields.Date.context_today(self)
        self.message_post(
            body=self.env._(
                "%(job)s failed on this subscription: %(error)s",
                job=job,
                error=error.args[0] if error.args else repr(error),
            )
        )
