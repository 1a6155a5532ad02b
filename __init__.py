from . import controllers, models, report, wizards
from .models.customer_referral import REFERRAL_INDEXES


def post_init_hook(env):
    """Last contact dates from the history of the database the addon is
    installed into (one query)."""
    env["res.partner"]._backfill_last_contact()


def uninstall_hook(env):
    """The indexes the referrals added to partners and leads go with them."""
    for name, _table, _expression in REFERRAL_INDEXES:
        env.cr.execute(f'DROP INDEX IF EXISTS "{name}"')
