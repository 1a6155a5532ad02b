# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Whom the addon gives work (a lead, an activity, a follow-up)."""


def can_be_given_work(user, company=None):
    """``user`` is an active internal user (of ``company``, when given), not
    the superuser: never the public user who answered a page, a portal
    customer, an archived employee or OdooBot."""
    return bool(
        user
        and user.active
        and user._is_internal()
        and not user._is_superuser()
        and (not company or company in user.company_ids)
    )


def first_given_work(users, company=None):
    """The first of ``users`` (records, in order of preference) that
    ``can_be_given_work``, else None."""
    return next((user for user in users if can_be_given_work(user, company)), None)
