# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""18.0.1.7.0: the addon depends on Email Marketing (installed with the
upgrade). The customers' last newsletter opened is filled from the mailings
opened or clicked before the upgrade, in one query, as an install does (the
post-init hook runs at install only)."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["res.partner"]._backfill_newsletter_opens()
