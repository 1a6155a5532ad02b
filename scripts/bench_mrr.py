# Run by scripts/bench inside `odoo shell`: generates 100,000 done MRR
# movements with SQL, then times what the MRR reporting screens ask: the
# monthly MRR bridge (list and pivot of sale.subscription.mrr.report), the
# movements pivot by month and type, and churn by reason. Prints the median of
# 5 rounds per query. Everything is rolled back.
import statistics
import time

MOVEMENTS = 100_000
ROUNDS = 5

env = env(context=dict(env.context, tracking_disable=True))  # noqa: F821
cr = env.cr
company = env.company
customers = env["res.partner"].create(
    [{"name": f"Bench MRR customer {i}", "is_company": True} for i in range(200)]
)
template = env["sale.subscription.template"].create({"name": "Bench monthly"})
pricelist = env["product.pricelist"].create({"name": "Bench MRR"})
subs = env["sale.subscription"].create(
    [
        {
            "partner_id": partner.id,
            "template_id": template.id,
            "pricelist_id": pricelist.id,
            "company_id": company.id,
        }
        for partner in customers
    ]
)
reasons = env["sale.subscription.change.reason"].search([]).ids
close_reasons = env["sale.subscription.close.reason"].search([]).ids
env.flush_all()
# 100,000 movements over ten years of one company, 200 subscriptions; one in
# four lowers the MRR (with a reason), the others raise it.
cr.execute(
    """
    INSERT INTO sale_subscription_change
           (subscription_id, company_id, partner_id, state, change_type, date,
            mrr_before, mrr_after, mrr_delta, reason_id, close_reason_id,
            user_id, create_uid, write_uid, create_date, write_date)
    SELECT s.id, %(company)s, s.partner_id, 'done', t.kind,
           (date '2017-01-01' + (n %% 3650))::date,
           100, 100 + t.sign * (n %% 50 + 1), t.sign * (n %% 50 + 1),
           CASE WHEN t.sign < 0
                THEN (%(reasons)s)[1 + n %% cardinality(%(reasons)s)] END,
           CASE WHEN t.kind = 'churn'
                THEN (%(close)s)[1 + (n / 12) %% cardinality(%(close)s)] END,
           %(uid)s, %(uid)s, %(uid)s, now(), now()
      FROM generate_series(1, %(count)s) n
      JOIN LATERAL (SELECT (%(subs)s)[1 + n %% cardinality(%(subs)s)] AS sid) p ON true
      JOIN sale_subscription s ON s.id = p.sid
      JOIN LATERAL (
          SELECT (ARRAY['new', 'expansion', 'upgrade', 'cross_sell', 'reactivation',
                        'new', 'contraction', 'downgrade', 'churn',
                        'expansion', 'upgrade', 'new'])[1 + n %% 12] AS kind
      ) k ON true
      JOIN LATERAL (
          SELECT k.kind,
                 CASE WHEN k.kind IN ('contraction', 'downgrade', 'churn')
                      THEN -1 ELSE 1 END AS sign
      ) t ON true
    """,
    {
        "company": company.id,
        "reasons": reasons,
        "close": close_reasons,
        "uid": env.uid,
        "subs": subs.ids,
        "count": MOVEMENTS,
    },
)
cr.execute("ANALYZE sale_subscription_change")
cr.execute("SELECT count(*) FROM sale_subscription_change WHERE state = 'done'")
total = cr.fetchone()[0]

Report = env["sale.subscription.mrr.report"]
Change = env["sale.subscription.change"]
measures = [
    f"{name}:sum"
    for name in (
        "new_mrr",
        "expansion_mrr",
        "upgrade_mrr",
        "cross_sell_mrr",
        "reactivation_mrr",
        "contraction_mrr",
        "downgrade_mrr",
        "churn_mrr",
        "net_mrr",
    )
]
queries = {
    "MRR bridge, list (all months)": lambda: Report.search_read(
        [], list(Report._fields), order="date desc"
    ),
    "MRR bridge, pivot by month": lambda: Report.read_group(
        [], measures, ["date:month"], lazy=False
    ),
    "movements pivot, month x type": lambda: Change._read_group(
        [("state", "=", "done")], ["date:month", "change_type"], ["mrr_delta:sum"]
    ),
    "churn by reason": lambda: Change._read_group(
        [("state", "=", "done"), ("change_type", "=", "churn")],
        ["close_reason_id"],
        ["mrr_delta:sum", "__count"],
    ),
}
print(f"{total} done movements; median of {ROUNDS} rounds:")
for label, query in queries.items():
    timings = []
    for _round in range(ROUNDS + 1):
        env.invalidate_all()
        start = time.perf_counter()
        rows = query()
        elapsed = time.perf_counter() - start
        if _round:  # the first round warms the caches
            timings.append(elapsed)
    print(f"  {label}: {statistics.median(timings) * 1000:.0f} ms ({len(rows)} rows)")
env.cr.rollback()
