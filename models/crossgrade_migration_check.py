# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models

from .crossgrade_check_template import CHECK_CATEGORIES

OPEN_CHECK_STATES = ("todo", "issue")


class CrossgradeMigrationCheck(models.Model):
    _name = "crossgrade.migration.check"
    _inherit = ["customer.value.input.mixin"]
    _description = "Migration Check"
    _order = "migration_id, sequence, id"
    _check_company_auto = True

    migration_id = fields.Many2one(
        "crossgrade.migration", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="migration_id.company_id", store=True)
    template_id = fields.Many2one("crossgrade.check.template", ondelete="set null")
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True)
    description = fields.Text()
    category = fields.Selection(CHECK_CATEGORIES, required=True, default="other")
    blocking = fields.Boolean()
    state = fields.Selection(
        [
            ("todo", "To Do"),
            ("ok", "OK"),
            ("issue", "Issue"),
            ("na", "Not Applicable"),
        ],
        default="todo",
        required=True,
    )
    note = fields.Text()
