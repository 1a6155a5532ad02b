# Run by scripts/bench inside `odoo shell`: generates 100,000 partners and
# 100,000 leads (a third of them lost, archived) with e-mails and phones in
# various formats, then times customer.referral.submit() for 11 names (the
# anti-abuse checks against partners (by e-mail, phone and company name),
# their orders, invoices and subscriptions, leads and referrals, the leads,
# the activities, the thank-you mail), against the 2 s target. Rolled back.
import time

from odoo import fields

PARTNERS = LEADS = 100_000
TARGET_S = 2.0

env = env(context=dict(env.context, tracking_disable=True))  # noqa: F821
cr = env.cr
company = env.company
now = fields.Datetime.now()

cr.execute(
    """
    INSERT INTO res_partner (name, complete_name, email, email_normalized, phone,
                             active, type, is_company, customer_rank,
                             supplier_rank, autopost_bills, partner_share,
                             employee, create_date, write_date)
    SELECT 'Bench P' || n, 'Bench P' || n, 'p' || n || '@bench.example',
           'p' || n || '@bench.example', '+1 (555) ' || lpad(n::text, 7, '0'),
           true, 'contact', true, n %% 2, 0, 'ask', true, false, %s, %s
      FROM generate_series(1, %s) n
    """,
    [now, now, PARTNERS],
)
cr.execute(
    """
    INSERT INTO crm_lead (name, email_from, email_normalized, phone, type, active,
                          probability, date_closed, company_id, create_date,
                          write_date)
    SELECT 'Bench L' || n, 'l' || n || '@bench.example', 'l' || n || '@bench.example',
           '0030 210 ' || lpad(n::text, 7, '0'), 'opportunity', n %% 3 != 0,
           CASE WHEN n %% 3 = 0 THEN 0 ELSE 10 END,
           CASE WHEN n %% 3 = 0 THEN %s END, %s, %s, %s
      FROM generate_series(1, %s) n
    """,
    [now, company.id, now, now, LEADS],
)
cr.execute(
    "UPDATE res_partner SET commercial_partner_id = id"
    " WHERE commercial_partner_id IS NULL"
)
cr.execute("ANALYZE res_partner")
cr.execute("ANALYZE crm_lead")
referrer = env["res.partner"].create(
    {"name": "Bench Referrer", "is_company": True, "email": "ref@bench.example"}
)
names = [
    {"name": f"New {n}", "email": f"new{n}@bench.example", "consent": True}
    for n in range(7)
] + [
    {"name": "Known partner", "email": "p43@bench.example"},
    {"name": "Known company", "company_name": "bench p45", "email": "x@bench.example"},
    {"name": "Known lead", "phone": "210 0000042"},
    {"name": "Self", "email": "ref@bench.example"},
]
env.flush_all()
queries = cr.sql_log_count
start = time.perf_counter()
results = env["customer.referral"].submit(referrer.id, names)
env.flush_all()
elapsed = time.perf_counter() - start
print(
    f"submit of {len(names)} names against {PARTNERS:,} partners and {LEADS:,} "
    f"leads: {elapsed:.2f} s ({elapsed / len(names) * 1000:.0f} ms per name, "
    f"{cr.sql_log_count - queries} queries); target {TARGET_S} s"
)
print(
    "results:",
    [r.get("rejection_reason") or r.get("state") or r.get("error") for r in results],
)
cr.rollback()
