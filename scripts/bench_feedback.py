# Run by scripts/bench inside `odoo shell`: generates 200,000 requests for
# feedback with SQL (24 months, 5 touchpoints, 2,000 customers and their 10,000
# contacts, mostly answered), then times what the feedback analysis asks: NPS by
# month (read_group as the web client's graph, and _read_group) and the NPS
# pivot by touchpoint and month, as the superuser and as a sales manager and a
# salesperson (whose record rules apply). Prints the median of 5 rounds per
# query against the 500 ms target. Then times the sending job on 10,000 due
# requests by batches of 500 against queuing the same 10,000 mails with
# mail.template.send_mail_batch, Odoo's fastest path, and prints the time per
# mail and the ratio. Everything is rolled back.
import statistics
import time

from odoo import Command, fields

FEEDBACK = 200_000
CUSTOMERS = 2_000
CONTACTS = 10_000
DUE = 10_000
BATCH = 500
ROUNDS = 5
TARGET_MS = 500

env = env(context=dict(env.context, tracking_disable=True))  # noqa: F821
cr = env.cr
company = env.company
now = fields.Datetime.now()
manager, salesman = env["res.users"].create(
    [
        {
            "name": f"Bench feedback {role}",
            "login": f"bench.feedback.{role}@example.com",
            "email": f"bench.feedback.{role}@example.com",
            "company_id": company.id,
            "company_ids": [Command.set(company.ids)],
            "groups_id": [Command.set(env.ref(group).ids)],
        }
        for role, group in (
            ("manager", "sales_team.group_sale_manager"),
            ("salesman", "sales_team.group_sale_salesman"),
        )
    ]
)
# A quarter of the customers are the salesperson's, a quarter the manager's,
# the others have no salesperson (the salesperson's record rule lets them see
# their own customers' and the unassigned ones' feedback).
customers = env["res.partner"].create(
    [
        {
            "name": f"Bench feedback customer {i}",
            "is_company": True,
            "email": f"customer{i}@feedback.example",
            "user_id": (salesman.id, manager.id, False, False)[i % 4],
        }
        for i in range(CUSTOMERS)
    ]
)
contacts = env["res.partner"].create(
    [
        {
            "name": f"Bench feedback contact {i}",
            "parent_id": customers[i % CUSTOMERS].id,
            "email": f"contact{i}@feedback.example",
        }
        for i in range(CONTACTS)
    ]
)
touchpoints = env["customer.feedback.touchpoint"].create(
    [
        {"name": "Bench quarterly NPS", "metric": "nps"},
        {"name": "Bench on cancellation", "metric": "nps"},
        {"name": "Bench after onboarding", "metric": "csat"},
        {"name": "Bench after training", "metric": "csat"},
        {"name": "Bench after support", "metric": "ces"},
    ]
)
env.flush_all()
# Requests scheduled every day of the past 24 months (up to 3 days ago, so that
# the answers are in the past) to the 10,000 contacts, a tenth for each state
# other than answered (70%): sent, expired (2 tenths), throttled (2 tenths) and
# opted out. The scores lean to the high end of each
# scale, the category follows the score as score_category() computes it, and
# unhappy answers have a follow-up, resolved (in time or late) except one in
# ten, still open.
cr.execute(
    """
    INSERT INTO customer_feedback
           (partner_id, commercial_partner_id, touchpoint_id, metric, company_id,
            user_id, access_token, state, date_scheduled, date_requested,
            date_answered, date_expiry, score, category, source,
            followup_state, followup_user_id, followup_date_open,
            followup_deadline, followup_date_done, followup_outcome,
            create_uid, write_uid, create_date, write_date)
    SELECT c.id, c.commercial_partner_id, t.id, t.metric, %(company)s,
           customer.user_id, md5(random()::text || n), s.state, s.scheduled,
           CASE WHEN s.asked THEN s.scheduled END,
           CASE WHEN s.state = 'answered'
                THEN s.scheduled + (n %% 72) * interval '1 hour' END,
           CASE WHEN s.asked THEN s.scheduled::date + 30 END,
           sc.score, cat.category,
           CASE WHEN s.state = 'answered' THEN (ARRAY['email', 'email', 'email',
                'portal', 'survey', 'staff', 'api'])[1 + n %% 7] END,
           f.state, CASE WHEN f.state IS NOT NULL
                         THEN COALESCE(customer.user_id, %(manager)s) END,
           f.opened, f.opened + interval '48 hours',
           CASE WHEN f.state = 'resolved'
                THEN f.opened + (n %% 96) * interval '1 hour' END,
           CASE WHEN f.state = 'resolved' THEN 'solved' END,
           %(uid)s, %(uid)s, s.scheduled, s.scheduled
      FROM generate_series(1, %(count)s) n
      JOIN res_partner c
        ON c.id = (%(contacts)s)[1 + (n / 7) %% cardinality(%(contacts)s)]
      JOIN res_partner customer ON customer.id = c.commercial_partner_id
      JOIN customer_feedback_touchpoint t
        ON t.id = (%(touchpoints)s)[1 + (n / 10) %% cardinality(%(touchpoints)s)]
      JOIN LATERAL (
          SELECT (ARRAY['answered', 'answered', 'answered', 'answered', 'answered',
                        'answered', 'answered', 'sent', 'expired', 'throttled',
                        'answered', 'answered', 'answered', 'answered', 'answered',
                        'answered', 'answered', 'opted_out', 'expired', 'throttled'
                  ])[1 + n %% 20] AS state,
                 %(now)s::timestamp - (3 + n * 37 %% 727) * interval '1 day'
                     - (n %% 24) * interval '1 hour' AS scheduled,
                 n * 7919 %% 16 AS draw
      ) s0 ON true
      JOIN LATERAL (
          SELECT s0.*, s0.state IN ('sent', 'answered', 'expired') AS asked
      ) s ON true
      JOIN LATERAL (
          SELECT CASE WHEN s.state = 'answered' THEN
                      CASE t.metric
                      WHEN 'nps' THEN (ARRAY[10, 10, 10, 9, 9, 9, 8, 8, 7, 7, 6, 5,
                                             3, 10, 9, 0])[1 + s.draw]
                      WHEN 'csat' THEN (ARRAY[5, 5, 5, 4, 4, 4, 4, 3, 3, 2, 1, 5,
                                              4, 5, 4, 3])[1 + s.draw]
                      ELSE (ARRAY[7, 7, 6, 6, 6, 5, 5, 5, 4, 4, 3, 2, 1, 6, 5,
                                  7])[1 + s.draw]
                      END
                 END AS score
      ) sc ON true
      JOIN LATERAL (
          SELECT CASE WHEN sc.score IS NULL THEN NULL
                      WHEN t.metric = 'nps' THEN
                           CASE WHEN sc.score >= 9 THEN 'promoter'
                                WHEN sc.score >= 7 THEN 'passive'
                                ELSE 'detractor' END
                      WHEN t.metric = 'csat' THEN
                           CASE WHEN sc.score >= 4 THEN 'satisfied'
                                WHEN sc.score = 3 THEN 'neutral'
                                ELSE 'unsatisfied' END
                      ELSE CASE WHEN sc.score >= 5 THEN 'easy'
                                WHEN sc.score = 4 THEN 'neutral'
                                ELSE 'hard' END
                 END AS category
      ) cat ON true
      JOIN LATERAL (
          SELECT CASE WHEN cat.category IN ('detractor', 'unsatisfied', 'hard')
                      THEN CASE WHEN n %% 10 = 0 THEN 'open' ELSE 'resolved' END
                 END AS state,
                 s.scheduled + (n %% 72) * interval '1 hour' AS opened
      ) f0 ON true
      JOIN LATERAL (
          SELECT f0.state, CASE WHEN f0.state IS NOT NULL THEN f0.opened END AS opened
      ) f ON true
    """,
    {
        "company": company.id,
        "manager": manager.id,
        "uid": env.uid,
        "contacts": contacts.ids,
        "touchpoints": touchpoints.ids,
        "count": FEEDBACK,
        "now": now,
    },
)
# Then one request due now (scheduled in the last hours) to each of the 10,000
# contacts, whose touchpoints have neither survey nor template of their own:
# all go with the default request e-mail.
cr.execute(
    """
    INSERT INTO customer_feedback
           (partner_id, commercial_partner_id, touchpoint_id, metric, company_id,
            user_id, access_token, state, date_scheduled,
            create_uid, write_uid, create_date, write_date)
    SELECT c.id, c.commercial_partner_id, t.id, t.metric, %(company)s,
           customer.user_id, md5(random()::text || 'due' || n), 'scheduled',
           %(now)s::timestamp - (n %% 600) * interval '1 minute',
           %(uid)s, %(uid)s, %(now)s, %(now)s
      FROM generate_series(1, %(count)s) n
      JOIN res_partner c ON c.id = (%(contacts)s)[n]
      JOIN res_partner customer ON customer.id = c.commercial_partner_id
      JOIN customer_feedback_touchpoint t
        ON t.id = (%(touchpoints)s)[1 + n %% cardinality(%(touchpoints)s)]
    RETURNING id
    """,
    {
        "company": company.id,
        "uid": env.uid,
        "contacts": contacts.ids,
        "touchpoints": touchpoints.ids,
        "count": DUE,
        "now": now,
    },
)
due_ids = sorted(row[0] for row in cr.fetchall())
# Requests due in the database before the bench are put off (rolled back), so
# that the job sends exactly the 10,000 of the bench.
cr.execute(
    """
    UPDATE customer_feedback SET date_scheduled = %(later)s
     WHERE state = 'scheduled' AND date_scheduled <= %(now)s AND id NOT IN %(due)s
    """,
    {"later": "2999-01-01", "now": now, "due": tuple(due_ids)},
)
cr.execute("ANALYZE customer_feedback")
cr.execute("ANALYZE res_partner")
cr.execute(
    "SELECT state, count(*) FROM customer_feedback GROUP BY state ORDER BY 2 DESC"
)
states = ", ".join(f"{count} {state}" for state, count in cr.fetchall())
print(f"{FEEDBACK + DUE} requests for feedback ({states}):")

# What the Feedback Analysis screens ask, with the user's time zone as the web
# client sends it: the NPS graph by month (read_group, as the graph view does,
# and _read_group, as server code does) and the pivot of NPS, answers and
# response rate by touchpoint and month.
nps = [("metric", "=", "nps")]
queries = {
    "NPS by month, read_group": lambda Report: Report.read_group(
        nps, ["nps:avg"], ["date:month"], lazy=False
    ),
    "NPS by month, _read_group": lambda Report: Report._read_group(
        nps, ["date:month"], ["nps:avg", "__count"]
    ),
    "NPS pivot, touchpoint x month": lambda Report: Report.read_group(
        nps,
        ["nps:avg", "answer_count:sum", "response_rate:avg"],
        ["touchpoint_id", "date:month"],
        lazy=False,
    ),
}
# The superuser skips the record rules; the sales manager has the
# multi-company rule and "all customers", the salesperson the multi-company
# rule and "own customers".
users = {
    "superuser": env,
    "sales manager": env(user=manager),
    "salesperson": env(user=salesman),
}
print(f"Feedback analysis, median of {ROUNDS} rounds (target < {TARGET_MS} ms):")
for label, query in queries.items():
    for user_label, user_env in users.items():
        Report = user_env(context=dict(user_env.context, tz="Europe/Brussels"))[
            "customer.feedback.report"
        ]
        timings = []
        for _round in range(ROUNDS + 1):
            env.invalidate_all()
            start = time.perf_counter()
            rows = query(Report)
            elapsed = time.perf_counter() - start
            if _round:  # the first round warms the caches
                timings.append(elapsed)
        ms = statistics.median(timings) * 1000
        verdict = "ok" if ms < TARGET_MS else "OVER TARGET"
        print(f"  {label}, {user_label}: {ms:.0f} ms ({len(rows)} rows) {verdict}")

# The sending job, called again while it sends a full batch, as the cron does
# (ir.cron._notify_progress does nothing outside a cron), against
# send_mail_batch of the same template on the same requests by the same
# batches, from the same state (rolled back to the savepoint).
Feedback = env["customer.feedback"]
template = env.ref("customer_value.mail_template_feedback_request")
cr.execute("SAVEPOINT bench")
env.invalidate_all()
start = time.perf_counter()
sent = 0
while True:
    batch = Feedback._cron_send_requests(batch_size=BATCH)
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
print(f"{DUE} requests due, batches of {BATCH}:")
print(f"  sending job:            {cron_time:.1f} s, {cron_ms:.2f} ms a request")
print(f"  send_mail_batch (Odoo): {batch_time:.1f} s, {batch_ms:.2f} ms a mail")
print(f"  ratio: {cron_time / batch_time:.2f} (target <= 1.3)")
cr.rollback()
