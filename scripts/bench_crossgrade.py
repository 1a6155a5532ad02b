# Run by scripts/bench inside `odoo shell`: times the pricing of a 50-line
# quotation with and without crossgrade conditions, in one run, and prints
# the ratio. Everything is rolled back.
import statistics
import time

from odoo import Command

ROUNDS = 50
LINES = 50

env = env(context=dict(env.context, tracking_disable=True))  # noqa: F821
competitor = env["crossgrade.competitor"].create({"name": "Bench Rival"})
rival = env["crossgrade.competitor.product"].create(
    {"name": "Bench Suite", "competitor_id": competitor.id}
)
customer = env["res.partner"].create({"name": "Bench Customer", "is_company": True})
env["crossgrade.origin"].create(
    {"partner_id": customer.id, "competitor_product_id": rival.id, "seats": 10**6}
).action_verify()
products = env["product.product"].create(
    [
        {"name": f"Bench product {i}", "list_price": 10.0 + i, "taxes_id": False}
        for i in range(LINES)
    ]
)
# Same prices either way: the newest global rule (25%) wins.
rules = [
    {"applied_on": "3_global", "compute_price": "percentage", "percent_price": 5.0},
    {"applied_on": "3_global", "compute_price": "percentage", "percent_price": 25.0},
]
plain = env["product.pricelist"].create(
    {"name": "Bench plain", "item_ids": [Command.create(r) for r in rules]}
)
rules[1]["crossgrade_competitor_ids"] = [Command.link(competitor.id)]
crossgrade = env["product.pricelist"].create(
    {"name": "Bench crossgrade", "item_ids": [Command.create(r) for r in rules]}
)


def price_quotation(pricelist):
    env.flush_all()
    env.invalidate_all()
    start = time.perf_counter()
    order = env["sale.order"].create(
        {
            "partner_id": customer.id,
            "pricelist_id": pricelist.id,
            "order_line": [
                Command.create({"product_id": p.id, "product_uom_qty": 3})
                for p in products
            ],
        }
    )
    env.flush_all()
    elapsed = time.perf_counter() - start
    return elapsed, order


timings = {plain: [], crossgrade: []}
for _round in range(ROUNDS + 3):
    for pricelist in (plain, crossgrade):
        elapsed, order = price_quotation(pricelist)
        if _round >= 3:  # warm-up rounds are not counted
            timings[pricelist].append(elapsed)
assert order.crossgrade_origin_id, "the crossgrade rule did not apply"
plain_ms = statistics.median(timings[plain]) * 1000
crossgrade_ms = statistics.median(timings[crossgrade]) * 1000
print(f"pricing a {LINES}-line quotation, median of {ROUNDS} rounds:")
print(f"  without crossgrade conditions: {plain_ms:.1f} ms")
print(f"  with crossgrade conditions:    {crossgrade_ms:.1f} ms")
print(f"  ratio: {crossgrade_ms / plain_ms:.3f} (target <= 1.05)")
env.cr.rollback()
