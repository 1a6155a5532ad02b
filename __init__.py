from . import controllers, models, report, wizards


def post_init_hook(env):
    """Last contact dates from the history of the database the addon is
    installed into (one query)."""
    env["res.partner"]._backfill_last_contact()
