# Run by scripts/bench inside `odoo shell`: generates 100,000 vouchers with
# SQL, 10,000 of which have a reminder due today, then, in the same run, times
# (a) the reminder cron sending them by batches of 500 and (b) queuing the same
# 10,000 mails with mail.template.send_mail_batch, Odoo's fastest path. Prints
# the time per mail and the ratio. Everything is rolled back.
import time
from datetime import timedelta

from odoo import fields

VOUCHERS = 100_000
DUE = 10_000
BATCH = 500

env = env(context=dict(env.context, tracking_disable=True))  # noqa: F821
cr = env.cr
today = fields.Date.context_today(env.user)
customers = env["res.partner"].create(
    [
        {"name": f"Bench voucher customer {i}", "email": f"bench{i}@vouchers.example"}
        for i in range(1000)
    ]
)
voucher_type = env["customer.voucher.type"].create(
    {
        "name": "Bench training",
        "value": 500.0,
        "validity_days": 365,
        "reminder_step_ids": [
            (0, 0, {"anchor": "issue", "days": 30}),
            (0, 0, {"anchor": "expiry", "days": 60}),
            (0, 0, {"anchor": "expiry", "days": 30}),
            (0, 0, {"anchor": "expiry", "days": 7}),
        ],
    }
)
env.flush_all()
# Issued every day of the past 365 days; the DUE vouchers issued exactly 30 days
# ago are due their "30 days after issue" step; the others are not due today
# (already reminded for their latest step, or none due).
cr.execute(
    """
    INSERT INTO customer_voucher
           (code, type_id, company_id, partner_id, beneficiary_id, user_id,
            issue_date, expiry_date, value, state, reminder_count, reminded,
            redeemed_rate, value_redeemed, value_expired, value_available,
            origin, create_uid, write_uid, create_date, write_date)
    SELECT 'BENCH-' || n, %(type)s, %(company)s, p.id, p.id, %(uid)s,
           d.issue, d.issue + 365, 500, 'available', 0, false,
           0, 0, 0, 500, 'manual', %(uid)s, %(uid)s, now(), now()
      FROM generate_series(1, %(count)s) n
      JOIN LATERAL (SELECT (%(partners)s)[1 + n %% cardinality(%(partners)s)] AS pid) x
        ON true
      JOIN res_partner p ON p.id = x.pid
      JOIN LATERAL (
          SELECT CASE WHEN n <= %(due)s THEN %(today)s::date - 30
                      ELSE %(today)s::date - 31 - (n %% 300) END AS issue
      ) d ON true
    """,
    {
        "type": voucher_type.id,
        "company": env.company.id,
        "uid": env.uid,
        "partners": customers.ids,
        "count": VOUCHERS,
        "due": DUE,
        "today": today,
    },
)
# The not-due vouchers were reminded of their latest due step already.
cr.execute(
    """
    INSERT INTO customer_voucher_reminder
           (voucher_id, step_id, partner_id, status, date,
            create_uid, write_uid, create_date, write_date)
    SELECT v.id, due.step_id, v.beneficiary_id, 'sent', now(),
           %(uid)s, %(uid)s, now(), now()
      FROM customer_voucher v
      JOIN LATERAL (
            SELECT s.id AS step_id
              FROM customer_voucher_reminder_step s,
                   LATERAL (SELECT CASE s.anchor WHEN 'issue' THEN v.issue_date + s.days
                                   ELSE v.expiry_date - s.days END AS day) d
             WHERE s.type_id = v.type_id AND d.day <= %(today)s
               AND d.day BETWEEN v.issue_date AND v.expiry_date
          ORDER BY d.day DESC, s.id DESC LIMIT 1) due ON true
     WHERE v.type_id = %(type)s AND v.code NOT IN (
           SELECT 'BENCH-' || n FROM generate_series(1, %(due)s) n)
    """,
    {"uid": env.uid, "today": today, "type": voucher_type.id, "due": DUE},
)
cr.execute("ANALYZE customer_voucher")
cr.execute("ANALYZE customer_voucher_reminder")
Voucher = env["customer.voucher"]
due_ids = Voucher.search(
    [
        ("code", "=like", "BENCH-%"),
        ("issue_date", "=", today - timedelta(days=30)),
    ]
).ids
assert len(due_ids) == DUE, len(due_ids)
template = env.ref("customer_value.mail_template_voucher_reminder")

cr.execute("SAVEPOINT bench")
env.invalidate_all()
start = time.perf_counter()
sent = 0
while True:
    batch = Voucher._cron_send_reminders(batch_size=BATCH)
    env.flush_all()
    if not batch:
        break
    sent += len(batch)
cron_time = time.perf_counter() - start
assert sent == DUE, sent
cr.execute("ROLLBACK TO SAVEPOINT bench")
env.invalidate_all()

start = time.perf_counter()
for index in range(0, DUE, BATCH):
    template.send_mail_batch(due_ids[index : index + BATCH])
    env.flush_all()
batch_time = time.perf_counter() - start

cron_ms = cron_time / DUE * 1000
batch_ms = batch_time / DUE * 1000
print(f"{VOUCHERS} vouchers, {DUE} reminders due, batches of {BATCH}:")
print(f"  reminder cron:          {cron_time:.1f} s, {cron_ms:.2f} ms a reminder")
print(f"  send_mail_batch (Odoo): {batch_time:.1f} s, {batch_ms:.2f} ms a mail")
print(f"  ratio: {cron_time / batch_time:.2f} (target <= 1.3)")
cr.rollback()
