# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models

HEALTH_STATES = [
    ("healthy", "Healthy"),
    ("at_risk", "At risk"),
    ("critical", "Critical"),
]


class CustomerHealthSnapshot(models.Model):
    """A customer's health in a company and a month (the last computation
    of the month, on ``date``), for the trend; the current month's is the
    customer's current health, computed each night."""

    _name = "customer.health.snapshot"
    _description = "Customer Health Snapshot"
    _order = "month desc, partner_id"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        "res.company",
        compute="_compute_company_id",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        help="The company whose documents the health was computed from.",
    )
    user_id = fields.Many2one(
        "res.users", string="Salesperson", readonly=True, index=True
    )
    plan_family_id = fields.Many2one(
        "subscription.plan.family", string="Plan", readonly=True, index=True
    )
    month = fields.Date(required=True, index=True, help="First day of the month.")
    date = fields.Date(
        string="Computed On",
        readonly=True,
        help="The last computation of the month: the nightly job computes the "
        "customers without a snapshot computed today.",
    )
    state = fields.Selection(HEALTH_STATES, string="Health", required=True)
    score = fields.Integer(aggregator="avg")
    contact_state = fields.Selection(
        [("in_rhythm", "Within rhythm"), ("due", "Past rhythm")],
        string="Contact",
        readonly=True,
        help="Whether the customer was within their contact rhythm (next contact "
        "date still ahead) when health was last computed that month.",
    )

    _sql_constraints = [
        (
            "partner_month_uniq",
            "unique(partner_id, company_id, month)",
            "One health snapshot per customer, company and month.",
        ),
    ]

    @api.depends("partner_id")
    def _compute_company_id(self):
        for snapshot in self:
            snapshot.company_id = snapshot.partner_id.company_id or self.env.company
