# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The daily jobs that close records by batches (expired vouchers, expired
feedback requests)."""


def write_by_batches(model, domain, values, batch_size, order=None):
    """Write ``values`` on at most ``batch_size`` records of ``model`` matching
    ``domain`` and report the progress to the running cron (Odoo commits and
    calls again while some remain). Returns the records written."""
    records = model.search(domain, limit=batch_size, order=order)
    records.write(values)
    remaining = model.search_count(domain) if len(records) == batch_size else 0
    model.env["ir.cron"]._notify_progress(done=len(records), remaining=remaining)
    return records
