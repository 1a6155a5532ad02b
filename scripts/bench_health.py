# Run by scripts/bench inside `odoo shell`: generates 50,000 company customers
# with SQL, each with one or two vouchers (so all are customers; 30% with
# vouchers unused, some expiring within 30 days), two NPS answers for 30% of
# them (detractors, falling scores, follow-ups overdue) and a last contact from
# never to 200 days ago, then times the daily health cron recomputing every
# customer by batches of 1,000 until none is left. Prints the total, the time
# per 1,000 customers (median and max of the batches), the SQL queries per
# batch, the statuses and reasons found, and the time of each signal for one
# batch, against the 60 s target. Everything is rolled back.
import statistics
import time

from odoo import fields
from odoo.tools import SQL

CUSTOMERS = 50_000
BATCH = 1000
TARGET_S = 60

env = env(context=dict(env.context, tracking_disable=True))  # noqa: F821
cr = env.cr
company = env.company
today = fields.Date.context_today(env.user)
now = fields.Datetime.now()
COUNTED = (
    "res_partner",
    "customer_voucher",
    "customer_feedback",
    "customer_health_reason",
    "customer_health_snapshot",
    "mail_activity",
    "mail_message",
)


def table_counts():
    return {
        table: env.execute_query(SQL("SELECT count(*) FROM %s", SQL.identifier(table)))[
            0
        ][0]
        for table in COUNTED
    }


before = table_counts()
voucher_type = env["customer.voucher.type"].create(
    {"name": "Bench health", "value": 500.0, "validity_days": 365}
)
touchpoint = env["customer.feedback.touchpoint"].create(
    {"name": "Bench health NPS", "metric": "nps"}
)
env.flush_all()
# Company partners, their own commercial partner, half of them in the company;
# the last contact is never for one in seven, else 0 to 200 days ago.
cr.execute(
    """
    INSERT INTO res_partner
           (name, complete_name, commercial_company_name, ref, is_company,
            active, type, email, email_normalized, lang, company_id,
            contact_cadence_days, last_contact_date, next_contact_date,
            autopost_bills, customer_rank, supplier_rank, partner_share, employee,
            create_uid, write_uid, create_date, write_date)
    SELECT 'Bench health ' || n, 'Bench health ' || n, 'Bench health ' || n,
           'BENCH-HEALTH-' || n, true, true, 'contact',
           'bench' || n || '@health.example', 'bench' || n || '@health.example',
           'en_US', CASE WHEN n %% 2 = 0 THEN %(company)s END, 30,
           c.day, c.day + 30, 'ask', 0, 0, true, false,
           %(uid)s, %(uid)s, %(now)s, %(now)s
      FROM generate_series(1, %(count)s) n
      JOIN LATERAL (
          SELECT CASE WHEN n %% 7 <> 0 THEN %(today)s::date - n * 13 %% 201 END AS day
      ) c ON true
     ORDER BY n
    RETURNING id
    """,
    {
        "company": company.id,
        "uid": env.uid,
        "now": now,
        "today": today,
        "count": CUSTOMERS,
    },
)
partner_ids = sorted(row[0] for row in cr.fetchall())
cr.execute(
    "UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)",
    [partner_ids],
)
# One voucher each, a second one (unused, expiring in 20 days) for a quarter:
# 30% of the first ones unused (a third of those expiring in 10 days), the
# others redeemed.
cr.execute(
    """
    INSERT INTO customer_voucher
           (code, type_id, company_id, partner_id, beneficiary_id, user_id,
            issue_date, expiry_date, value, state, reminder_count, reminded,
            redeemed_rate, value_redeemed, value_expired, value_available,
            redeem_date, origin, create_uid, write_uid, create_date, write_date)
    SELECT 'BENCH-HEALTH-' || n || '-' || i, %(type)s, %(company)s, p, p, %(uid)s,
           v.expiry - 365, v.expiry, 500, v.state, 0, false,
           CASE WHEN v.state = 'redeemed' THEN 100 ELSE 0 END,
           CASE WHEN v.state = 'redeemed' THEN 500 ELSE 0 END, 0,
           CASE WHEN v.state = 'redeemed' THEN 0 ELSE 500 END,
           CASE WHEN v.state = 'redeemed' THEN %(today)s::date - n %% 90 END,
           'manual', %(uid)s, %(uid)s, %(now)s, %(now)s
      FROM generate_series(1, %(count)s) n
      JOIN LATERAL (SELECT (%(partners)s)[n] AS p) x ON true
      JOIN LATERAL generate_series(1, CASE WHEN n %% 4 = 0 THEN 2 ELSE 1 END) i
        ON true
      JOIN LATERAL (
          SELECT CASE WHEN i = 2 OR n %% 10 < 3 THEN 'available'
                      ELSE 'redeemed' END AS state,
                 %(today)s::date + CASE WHEN i = 2 THEN 20
                                        WHEN n %% 10 = 0 THEN 10
                                        ELSE 30 + n %% 300 END AS expiry
      ) v ON true
    """,
    {
        "type": voucher_type.id,
        "company": company.id,
        "uid": env.uid,
        "now": now,
        "today": today,
        "partners": partner_ids,
        "count": CUSTOMERS,
    },
)
# Two NPS answers (about 90 and 20 days ago) for 30% of the customers; by
# sixths: promoter; 10 then 9; 10 then 7 (falling); 9 then 3 (falling
# detractor, follow-up overdue); 6 (resolved follow-up) then 8; 8 then 2
# (falling detractor, follow-up open, not due yet).
cr.execute(
    """
    INSERT INTO customer_feedback
           (partner_id, commercial_partner_id, touchpoint_id, metric, company_id,
            access_token, state, date_scheduled, date_requested, date_answered,
            date_expiry, score, category, source, followup_state,
            followup_date_open, followup_deadline, followup_date_done,
            followup_outcome, create_uid, write_uid, create_date, write_date)
    SELECT p, p, %(touchpoint)s, 'nps', %(company)s,
           md5(random()::text || n || '-' || a), 'answered', d.asked, d.asked,
           d.asked + interval '5 hours', d.asked::date + 30, s.score,
           CASE WHEN s.score >= 9 THEN 'promoter' WHEN s.score >= 7 THEN 'passive'
                ELSE 'detractor' END,
           'email', f.state,
           CASE WHEN f.state IS NOT NULL THEN f.opened END,
           CASE WHEN f.state IS NOT NULL THEN f.deadline END,
           CASE WHEN f.state = 'resolved' THEN f.opened + interval '1 day' END,
           CASE WHEN f.state = 'resolved' THEN 'solved' END,
           %(uid)s, %(uid)s, d.asked, d.asked
      FROM generate_series(1, %(count)s) n
      JOIN LATERAL (SELECT (%(partners)s)[n] AS p) x ON true
      CROSS JOIN generate_series(1, 2) a
      JOIN LATERAL (
          SELECT %(now)s::timestamp - (CASE WHEN a = 1 THEN 90 ELSE 20 END
                                       + n %% 7) * interval '1 day' AS asked,
                 (n / 10) %% 6 AS kind
      ) d ON true
      JOIN LATERAL (
          SELECT (ARRAY[9, 10, 10, 9, 6, 8])[1 + d.kind] AS before,
                 (ARRAY[10, 9, 7, 3, 8, 2])[1 + d.kind] AS after
      ) k ON true
      JOIN LATERAL (
          SELECT CASE WHEN a = 1 THEN k.before ELSE k.after END AS score
      ) s ON true
      JOIN LATERAL (
          SELECT CASE WHEN s.score > 6 THEN NULL
                      WHEN a = 1 THEN 'resolved' ELSE 'open' END AS state,
                 d.asked + interval '5 hours' AS opened,
                 CASE WHEN d.kind = 5 THEN %(now)s::timestamp + interval '1 day'
                      ELSE d.asked + interval '53 hours' END AS deadline
      ) f ON true
     WHERE n %% 10 IN (2, 3, 4)
    """,
    {
        "touchpoint": touchpoint.id,
        "company": company.id,
        "uid": env.uid,
        "now": now,
        "partners": partner_ids,
        "count": CUSTOMERS,
    },
)
# Every customer of the database is computed again (not only the bench's): the
# job computes the customers without a snapshot computed today.
cr.execute("UPDATE customer_health_snapshot SET date = NULL WHERE date IS NOT NULL")
for table in ("res_partner", "customer_voucher", "customer_feedback"):
    cr.execute(f"ANALYZE {table}")
env.invalidate_all()
[(customers,)] = env.execute_query(
    SQL(
        "SELECT count(*) FROM res_partner p WHERE p.id IN (%s) AND p.active",
        env["res.partner"]._customers_query(),
    )
)
print(
    f"{CUSTOMERS} bench customers ({customers} customers in the database), "
    f"batches of {BATCH}:"
)

Partner = env["res.partner"]


def partner_rows_written():
    """Rows of res_partner updated by this transaction so far."""
    env.flush_all()
    return env.execute_query(
        SQL(
            "SELECT n_tup_upd FROM pg_stat_xact_user_tables "
            "WHERE relname = 'res_partner'"
        )
    )[0][0]


def run_cron():
    """The cron's calls until it returns no customer: the batches
    (customers, seconds, SQL queries, critical customers), the seconds of the
    calls and the res_partner rows they wrote."""
    batches = []
    total = 0.0
    written_before = partner_rows_written()
    while True:
        batch_start = time.perf_counter()
        count_before = cr.sql_log_count
        batch = Partner._cron_compute_health(batch_size=BATCH)
        env.flush_all()
        elapsed = time.perf_counter() - batch_start
        count = cr.sql_log_count - count_before
        total += elapsed
        if not batch:
            break
        critical = sum(state == "critical" for state in batch.mapped("health_state"))
        batches.append((len(batch), elapsed, count, critical))
    return batches, total, partner_rows_written() - written_before


batches, total, written = run_cron()

states = dict(
    env.execute_query(
        SQL(
            "SELECT health_state ->> %(key)s, count(*) FROM res_partner "
            "WHERE health_state ? %(key)s GROUP BY 1",
            key=str(company.id),
        )
    )
)
reasons = env.execute_query(
    SQL(
        """
        SELECT r.code, count(*) FROM customer_health_reason h
          JOIN customer_health_rule r ON r.id = h.rule_id
      GROUP BY r.code, r.sequence, r.id ORDER BY r.sequence, r.id
        """
    )
)
after = table_counts()
full = [b for b in batches if b[0] == BATCH]
per_1000 = [seconds for _size, seconds, _count, _critical in full]
print(
    f"  processed: {sum(b[0] for b in batches)} customers in {len(batches)} "
    f"batches ({len(full)} full)"
)
verdict = "ok" if total < TARGET_S else "over"
print(f"  total: {total:.1f} s ({verdict}, target < {TARGET_S} s)")
print(
    f"  per 1,000 customers (full batches): median "
    f"{statistics.median(per_1000):.2f} s, max {max(per_1000):.2f} s"
)
print(
    f"  SQL queries per full batch: min {min(b[2] for b in full)}, "
    f"max {max(b[2] for b in full)}; critical customers per batch: "
    f"min {min(b[3] for b in full)}, max {max(b[3] for b in full)}"
)
for size, seconds, count, critical in batches:
    if size != BATCH or not critical:
        print(
            f"  a batch of {size} customers, {critical} critical: "
            f"{count} SQL queries, {seconds:.2f} s"
        )
        break
print(
    "  statuses: "
    + ", ".join(f"{states.get(s, 0)} {s}" for s in ("healthy", "at_risk", "critical"))
)
print(
    f"  reasons: {sum(count for _code, count in reasons)} ("
    + ", ".join(f"{count} {code}" for code, count in reasons)
    + ")"
)
added = {table: after[table] - before[table] for table in COUNTED}
print(
    f"  activities created: {added['mail_activity']}, "
    f"snapshots: {added['customer_health_snapshot']}, "
    f"messages: {added['mail_message']}"
)
print(
    f"  res_partner rows written: {written} "
    f"(of {sum(b[0] for b in batches)} customers computed)"
)
# The next night, nothing changed: the same customers are computed again and
# none of their rows is written (the snapshots of the day are).
cr.execute(
    "UPDATE customer_health_snapshot SET date = %s - 1 WHERE date = %s",
    [today, today],
)
env.invalidate_all()
again, again_total, again_written = run_cron()
print(
    f"Second run, nothing changed: {sum(b[0] for b in again)} customers in "
    f"{again_total:.1f} s, res_partner rows written: {again_written}"
)

# Each signal on one batch of 1,000 bench customers (median of 3).
print(f"Signals on {BATCH} customers (median of 3 rounds):")
ids = partner_ids[:BATCH]
for rule in env["customer.health.rule"].search([]):
    rounds = []
    for _round in range(3):
        env.invalidate_all()
        rule_start = time.perf_counter()
        rule._signal(ids, today)
        rounds.append(time.perf_counter() - rule_start)
    print(f"  {rule.code}: {statistics.median(rounds) * 1000:.1f} ms")

cr.rollback()
env.invalidate_all()
left = {
    table: count for table, count in table_counts().items() if count != before[table]
}
assert not left, left
print("Rolled back: nothing left.")
