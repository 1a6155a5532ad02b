from . import controllers, models, report, wizards
from .models.customer_referral import REFERRAL_INDEXES


def post_init_hook(env):
    """Last contact dates and last newsletters opened from the history of
    the database the addon is installed into (one query each); the job reads
    on from the last message."""
    env["res.partner"]._backfill_last_contact()
    env["res.partner"]._backfill_newsletter_opens()
    env["res.partner"]._init_contact_watermark()


# Records of the addon that other data point to: uninstalling keeps them (the
# referred leads keep their source), installing again adopts them.
SHARED_RECORDS = [("utm_source_referral", "utm.source", "Referral")]


def pre_init_hook(env):
    """Adopt the shared records kept by an earlier uninstall (or made by
    hand with the same name, unique), rather than create "Referral [2]"."""
    for xmlid, model, name in SHARED_RECORDS:
        record = env[model].search([("name", "=", name)], limit=1)
        if record and not env.ref(f"customer_value.{xmlid}", False):
            env["ir.model.data"].create(
                {
                    "module": "customer_value",
                    "name": xmlid,
                    "model": model,
                    "res_id": record.id,
                    "noupdate": True,
                }
            )


def uninstall_hook(env):
    """The indexes the referrals added to partners and leads go with them, and
    the next offers' work tables; the shared records stay, without their link
    to the addon."""
    for name, _table, _expression in REFERRAL_INDEXES:
        env.cr.execute(f'DROP INDEX IF EXISTS "{name}"')
    # the work tables of the next offers' job
    env.cr.execute(
        "DROP TABLE IF EXISTS customer_next_offer_pair, customer_next_offer_todo"
    )
    env["ir.model.data"].search(
        [
            ("module", "=", "customer_value"),
            ("name", "in", [xmlid for xmlid, _model, _name in SHARED_RECORDS]),
        ]
    ).unlink()
