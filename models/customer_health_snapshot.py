# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models

HEALTH_STATES = [
    ("healthy", "Healthy"),
    ("at_risk", "At risk"),
    ("critical", "Critical"),
]


class CustomerHealthSnapshot(models.Model):
    """A customer's health in a month (the last computation of the month),
    for the trend."""

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
    company_id = fields.Many2one(related="partner_id.company_id", store=True)
    user_id = fields.Many2one(
        "res.users", string="Salesperson", readonly=True, index=True
    )
    month = fields.Date(required=True, index=True, help="First day of the month.")
    state = fields.Selection(HEALTH_STATES, string="Health", required=True)
    score = fields.Integer(aggregator="avg")

    _sql_constraints = [
        (
            "partner_month_uniq",
            "unique(partner_id, month)",
            "One health snapshot per customer and month.",
        ),
    ]
