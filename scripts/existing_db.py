# Copyright 2026 customer_value contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Steps of scripts/check_existing_db, run inside ``odoo-bin shell`` (which
provides ``env``); the step is the CV_STEP environment variable.

before       a database with sale_management and subscription_oca only: sell
             subscriptions and invoice them, as users did for years
installed    customer_value was installed: the MRR report equals what the
             running subscriptions pay; churning an old one books its MRR
uninstalled  customer_value was uninstalled: sales and subscriptions still
             open, confirm and invoice
"""

# ruff: noqa: F821 - ``env`` comes from odoo-bin shell
import os
import sys

from dateutil.relativedelta import relativedelta

from odoo import Command, fields

STEP = os.environ["CV_STEP"]
PREFIX = "CV check"


def check(condition, message):
    if not condition:
        print(f"CHECK FAILED ({STEP}): {message}")
        sys.exit(1)


def template(name, rule):
    Template = env["sale.subscription.template"]
    return Template.search([("name", "=", name)]) or Template.create(
        {"name": name, "recurring_rule_type": rule, "invoicing_mode": "draft"}
    )


def product(name, price, tmpl):
    Product = env["product.product"]
    return Product.search([("name", "=", name)]) or Product.create(
        {
            "name": name,
            "type": "service",
            "list_price": price,
            "subscribable": True,
            "subscription_template_id": tmpl.id,
            "taxes_id": [Command.clear()],
        }
    )


def partner(number):
    Partner = env["res.partner"]
    name = f"{PREFIX} customer {number}"
    return Partner.search([("name", "=", name)]) or Partner.create(
        {"name": name, "is_company": True, "email": f"c{number}@example.com"}
    )


monthly = template(f"{PREFIX} monthly", "months")
yearly = template(f"{PREFIX} yearly", "years")
suite = product(f"{PREFIX} Suite", 100.0, monthly)
archive = product(f"{PREFIX} Archive", 1200.0, yearly)
pricelist = env["product.pricelist"].search([], limit=1) or env[
    "product.pricelist"
].create({"name": "Public"})
today = fields.Date.context_today(env["res.partner"])


def subscription(customer, prod, qty, months_ago):
    sub = env["sale.subscription"].create(
        {
            "partner_id": customer.id,
            "template_id": prod.subscription_template_id.id,
            "pricelist_id": pricelist.id,
            "date_start": today - relativedelta(months=months_ago),
            "sale_subscription_line_ids": [
                Command.create({"product_id": prod.id, "product_uom_qty": qty})
            ],
        }
    )
    sub.action_start_subscription()
    sub.generate_invoice()
    return sub


def subs_of(number):
    return env["sale.subscription"].search([("partner_id", "=", partner(number).id)])


def closing_mrr():
    env.flush_all()
    env.cr.execute(
        """SELECT company_id, closing_mrr FROM sale_subscription_mrr_report
            WHERE date = date_trunc('month', now())::date"""
    )
    return dict(env.cr.fetchall())


def running_mrr():
    return {
        company.id: mrr
        for company, mrr in env["sale.subscription"]._read_group(
            [("revenue_active", "=", True)], ["company_id"], ["mrr:sum"]
        )
    }


if STEP == "before":
    subscription(partner(1), suite, 2, 10)  # 200 a month
    subscription(partner(1), archive, 1, 5)  # 1200 a year: 100 a month
    subscription(partner(2), suite, 1, 3)  # 100
    subscription(partner(3), suite, 1, 7).close_subscription()
    check(
        len(env["account.move"].search([("subscription_id", "!=", False)])) == 4,
        "the subscriptions were invoiced",
    )

elif STEP == "installed":
    running = running_mrr()
    check(running == {env.company.id: 400.0}, f"running MRR {running} != 400")
    closing = closing_mrr()
    check(closing == running, f"report closing MRR {closing} != running {running}")
    opening = env["sale.subscription.change"].search([("opening", "=", True)])
    check(len(opening) == 3, f"3 opening movements, not {len(opening)}")
    check(
        sorted(opening.mapped("change_type")) == ["cross_sell", "new", "new"],
        f"opening types {opening.mapped('change_type')}",
    )
    # Churn of an old subscription books exactly its MRR.
    old = subs_of(1).filtered(lambda s: s.template_id == monthly)
    reason = env.ref("subscription_oca.close_reason_expensive")
    old.close_subscription(reason.id)
    churn = old.change_ids.filtered(lambda c: not c.opening)
    check(
        (churn.change_type, churn.mrr_before, churn.mrr_after)
        == ("contraction", 200.0, 0.0),
        f"closing an old subscription: {churn.read(['change_type', 'mrr_delta'])}",
    )
    check(closing_mrr() == {env.company.id: 200.0}, f"after churn {closing_mrr()}")
    check(running_mrr() == {env.company.id: 200.0}, "running after churn")
    # Feedback: a periodic touchpoint asks the customers with a running
    # subscription, the job sends the requests, the analysis counts them.
    touchpoint = env["customer.feedback.touchpoint"].create(
        {"name": "Relationship NPS", "metric": "nps", "trigger": "periodic"}
    )
    asked = env["customer.feedback.touchpoint"]._cron_periodic_requests()
    customers = subs_of(1).filtered("revenue_active").commercial_partner_id
    customers |= subs_of(2).commercial_partner_id
    check(
        asked.commercial_partner_id == customers,
        f"periodic requests for {asked.commercial_partner_id.mapped('name')}",
    )
    sent = env["customer.feedback"]._cron_send_requests()
    check(sent == asked, f"{len(sent)} of {len(asked)} requests sent")
    sent[0].record_answer(9, source="staff")
    [(requests, answers)] = env["customer.feedback.report"]._read_group(
        [("touchpoint_id", "=", touchpoint.id)],
        [],
        ["request_count:sum", "answer_count:sum"],
    )
    check((requests, answers) == (2, 1), f"analysis: {requests} sent, {answers}")

elif STEP == "uninstall":
    module = env["ir.module.module"].search([("name", "=", "customer_value")])
    module.button_immediate_uninstall()

elif STEP == "uninstalled":
    module = env["ir.module.module"].search([("name", "=", "customer_value")])
    check(module.state == "uninstalled", f"module state {module.state}")
    for table in (
        "sale_subscription_change",
        "customer_feedback",
        "customer_feedback_report",
    ):
        env.cr.execute("SELECT to_regclass(%s)", [table])
        check(env.cr.fetchone()[0] is None, f"{table} is gone")
    for model in ("sale.order", "sale.subscription", "res.partner", "product.template"):
        for view_type in ("form", "list", "search"):
            env[model].get_views([(False, view_type)])
    order = env["sale.order"].create(
        {
            "partner_id": partner(4).id,
            "order_line": [Command.create({"product_id": suite.id})],
        }
    )
    order.action_confirm()
    check(order.state == "sale", "the order confirms")
    sub = order.subscription_ids
    check(len(sub) == 1 and sub.in_progress, "the order started its subscription")
    sub.recurring_next_date = today
    sub.generate_invoice()
    check(sub.invoice_ids, "the subscription invoices")
    old = subs_of(2)
    count = len(old.invoice_ids)
    old.recurring_next_date = today
    env["sale.subscription"].cron_subscription_management()
    check(len(old.invoice_ids) == count + 1, "the subscription cron invoices")
    old.close_subscription()
    check(old.stage_id.type == "post", "subscriptions close")

env.cr.commit()
print(f"CHECK OK ({STEP})")
