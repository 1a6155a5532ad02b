# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Hot paths every user hits, with and without customer_value.

Run by scripts/bench_hot_paths (which creates the two databases): in one
process, a database with only the addon's dependencies (the ``depends`` of
__manifest__.py, "stock") and one with customer_value get the same generated
data (``generate``), then each action below is timed (median of the
repetitions after a warm-up, stock and addon in turn) and its SQL queries
counted (``cr.sql_log_count``). Each repetition runs in a savepoint rolled
back after it, and the whole transaction is rolled back at the end: the
databases stay as they were.

usage: python bench_hot_paths.py -c <odoo.conf> <stock db> <addon db>
"""

import argparse
import functools
import os
import statistics
import sys
import time
from datetime import timedelta

import odoo
from odoo import SUPERUSER_ID, Command, api, fields

# targets of issue 20: plain user actions cost the same; confirming a
# quotation at most 10 % and 5 queries more
TARGETS = {"default": (1.03, 0), "confirm": (1.10, 5)}
REPS = int(os.environ.get("BENCH_REPS", "7"))
BULK_REPS = int(os.environ.get("BENCH_BULK_REPS", "3"))
BULK = int(os.environ.get("BENCH_BULK", "1000"))
# the queries of the first measured repetition of the actions whose label
# holds one of these texts (separated by |) go to
# $TMPDIR/bench_hot_<action number>_{stock,addon}.sql (to compare them)
TRACE = os.environ.get("BENCH_TRACE")
TRACE_DIR = os.environ.get("TMPDIR", "/tmp")  # noqa: S108
# only the actions whose label holds one of these texts (separated by |)
ONLY = os.environ.get("BENCH_ONLY")
PARTNERS = 3000
LEADS = 3000
MESSAGES = 20000


class FakeSMTP:
    def quit(self):
        pass

    def close(self):
        pass


def _no_smtp():
    """No mail leaves the bench: meetings invite their attendees at once."""
    from odoo.addons.base.models.ir_mail_server import IrMailServer

    IrMailServer.connect = lambda self, *args, **kwargs: FakeSMTP()
    IrMailServer.send_email = lambda self, message, *args, **kwargs: message[
        "Message-Id"
    ]


def generate(env):
    """The same data in both databases: a salesperson and an accountant,
    customers with contacts and messages, leads, a subscription product, a
    quotation of each kind, an order thread and a draft invoice."""
    env = env(context=dict(env.context, tracking_disable=True))
    cr = env.cr
    company = env.company
    salesman = env["res.users"].create(
        {
            "name": "Bench Salesperson",
            "login": "bench_hot_salesman",
            "email": "salesman@company.example",
            "groups_id": [Command.set([env.ref("sales_team.group_sale_salesman").id])],
        }
    )
    accountant = env["res.users"].create(
        {
            "name": "Bench Accountant",
            "login": "bench_hot_accountant",
            "email": "accountant@company.example",
            "groups_id": [
                Command.set(
                    [
                        env.ref("account.group_account_invoice").id,
                        env.ref("sales_team.group_sale_salesman").id,
                    ]
                )
            ],
        }
    )
    Partner = env["res.partner"]
    companies = Partner.create(
        [
            {
                "name": f"Bench Customer {n}",
                "is_company": True,
                "email": f"it{n}@customer{n}.example",
                "user_id": salesman.id,
            }
            for n in range(PARTNERS // 3)
        ]
    )
    contacts = Partner.create(
        [
            {
                "name": f"Bench Contact {n}",
                "parent_id": companies[n % len(companies)].id,
                "email": f"contact{n}@customer{n % len(companies)}.example",
            }
            for n in range(PARTNERS - len(companies))
        ]
    )
    now = fields.Datetime.now()
    cr.execute(
        """
        INSERT INTO crm_lead (name, email_from, email_normalized, type, active,
                              probability, company_id, user_id, partner_id,
                              create_date, write_date)
        SELECT 'Bench Lead ' || n, 'lead' || n || '@bench.example',
               'lead' || n || '@bench.example', 'opportunity', true, 10, %s, %s,
               (SELECT id FROM res_partner
                 WHERE name = 'Bench Customer ' || (n %% 500)),
               %s, %s
          FROM generate_series(1, %s) n
        """,
        [company.id, salesman.id, now, now, LEADS],
    )
    # a history of messages (e-mails from and to contacts, notes)
    cr.execute(
        """
        INSERT INTO mail_message (model, res_id, message_type, body, author_id,
                                  subtype_id, date, create_date, write_date,
                                  is_internal, message_id)
        SELECT 'res.partner', c.id,
               CASE WHEN n %% 3 = 0 THEN 'comment' ELSE 'email' END,
               '<p>Bench message ' || n || '</p>', c.id, %s,
               %s - (n %% 400) * interval '1 day', %s, %s, false,
               '<bench-' || n || '@bench.example>'
          FROM generate_series(1, %s) n
          JOIN res_partner c ON c.id = (%s)[1 + n %% %s]
        """,
        [
            env.ref("mail.mt_comment").id,
            now,
            now,
            now,
            MESSAGES,
            contacts.ids,
            len(contacts),
        ],
    )
    cr.execute("ANALYZE res_partner")
    cr.execute("ANALYZE crm_lead")
    cr.execute("ANALYZE mail_message")
    template = env["sale.subscription.template"].create(
        {"name": "Bench Monthly", "recurring_rule_type": "months"}
    )
    Product = env["product.product"]
    plain = Product.create(
        {"name": "Bench Service", "list_price": 100.0, "type": "service"}
    )
    subscribed = Product.create(
        {
            "name": "Bench Plan",
            "list_price": 30.0,
            "type": "service",
            "subscribable": True,
            "subscription_template_id": template.id,
        }
    )
    pricelist = env["product.pricelist"].create(
        {"name": "Bench", "currency_id": company.currency_id.id}
    )
    customer = companies[0]
    contact = contacts.filtered(lambda c: c.parent_id == customer)[:1]
    Order = env["sale.order"]
    quotation = Order.create(
        {
            "partner_id": customer.id,
            "user_id": salesman.id,
            "pricelist_id": pricelist.id,
            "order_line": [Command.create({"product_id": plain.id})],
        }
    )
    subscription_quotation = Order.create(
        {
            "partner_id": customer.id,
            "user_id": salesman.id,
            "pricelist_id": pricelist.id,
            "order_line": [Command.create({"product_id": subscribed.id})],
        }
    )
    thread = Order.create(
        {
            "partner_id": customer.id,
            "user_id": salesman.id,
            "pricelist_id": pricelist.id,
            "order_line": [Command.create({"product_id": plain.id})],
        }
    )
    thread.message_subscribe(partner_ids=contact.ids)
    sent = thread.with_user(salesman).message_post(
        body="Your quotation",
        partner_ids=contact.ids,
        message_type="comment",
        subtype_xmlid="mail.mt_comment",
    )
    invoice = env["account.move"].create(
        {
            "move_type": "out_invoice",
            "partner_id": customer.id,
            "invoice_line_ids": [
                Command.create({"product_id": plain.id, "price_unit": 100.0})
            ],
        }
    )
    env.flush_all()
    return {
        "salesman": salesman.id,
        "accountant": accountant.id,
        "customer": customer.id,
        "contact": contact.id,
        "contact_email": contact.email,
        "companies": companies.ids,
        "contacts": contacts.ids,
        "quotation": quotation.id,
        "subscription_quotation": subscription_quotation.id,
        "thread": thread.id,
        "thread_message_id": sent.message_id,
        "invoice": invoice.id,
        "lead_ids": env["crm.lead"].search([("name", "=like", "Bench Lead %")]).ids,
    }


def email(data, reply):
    if reply:
        return (
            f"From: Contact <{data['contact_email']}>\r\n"
            "To: salesman@company.example\r\n"
            "Subject: Re: your quotation\r\n"
            "Message-Id: <bench-reply@customer.example>\r\n"
            f"In-Reply-To: {data['thread_message_id']}\r\n"
            f"References: {data['thread_message_id']}\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\n"
            "Thanks, we agree with the quotation.\r\n"
        )
    return (
        f"From: Contact <{data['contact_email']}>\r\n"
        "To: sales@company.example\r\n"
        "Subject: A question\r\n"
        "Message-Id: <bench-new@customer.example>\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        "Could you send us an offer for 20 more seats?\r\n"
    )


def actions(env, data):  # noqa: C901 - one small function per action
    """(key, label, callable, repetitions) of each action, for ``env``."""
    salesman = env(user=data["salesman"], context={"mail_notify_force_send": False})
    accountant = env(user=data["accountant"])
    root = env(user=SUPERUSER_ID)
    now = fields.Datetime.now()
    attendees = data["contacts"]

    def post_order():
        salesman["sale.order"].browse(data["thread"]).message_post(
            body="Here is the updated offer",
            partner_ids=[data["contact"]],
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )

    def post_partner():
        salesman["res.partner"].browse(data["customer"]).message_post(
            body="Following up on our call",
            partner_ids=[data["contact"]],
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )

    def note_partner():
        salesman["res.partner"].browse(data["customer"]).message_post(
            body="Internal: call them", subtype_xmlid="mail.mt_note"
        )

    def reply_email():
        root["mail.thread"].message_process(False, email(data, reply=True))

    def new_email():
        root["mail.thread"].message_process("crm.lead", email(data, reply=False))

    def meetings(size):
        salesman["calendar.event"].create(
            [
                {
                    "name": f"Meeting {n}",
                    "start": now + timedelta(days=(n % 20) - 10, hours=n % 8),
                    "stop": now + timedelta(days=(n % 20) - 10, hours=n % 8 + 1),
                    "partner_ids": [
                        Command.set(
                            [attendees[n % len(attendees)], salesman.user.partner_id.id]
                        )
                    ],
                }
                for n in range(size)
            ]
        )

    def create_partners(size):
        salesman["res.partner"].create(
            [
                {
                    "name": f"New Partner {n}",
                    "email": f"new{n}@new.example",
                    "parent_id": data["companies"][n % 50] if n % 2 else False,
                    "is_company": not n % 2,
                }
                for n in range(size)
            ]
        )

    def write_partners(size):
        partners = salesman["res.partner"].browse(data["contacts"][:size])
        partners.write({"city": "Brussels", "phone": "+32 2 555 00 00"})
        salesman["res.partner"].browse(data["companies"][: size // 10]).write(
            {"user_id": data["accountant"]}
        )

    def create_leads(size):
        salesman["crm.lead"].create(
            [
                {
                    "name": f"New Lead {n}",
                    "email_from": f"newlead{n}@new.example",
                    "partner_id": data["companies"][n % 100],
                    "type": "opportunity",
                }
                for n in range(size)
            ]
        )

    def write_leads(size):
        leads = salesman["crm.lead"].browse(data["lead_ids"][:size])
        leads.write({"probability": 40, "expected_revenue": 1000})

    def confirm():
        salesman["sale.order"].browse(data["quotation"]).action_confirm()

    def confirm_subscription():
        salesman["sale.order"].browse(data["subscription_quotation"]).action_confirm()

    def post_invoice():
        accountant["account.move"].browse(data["invoice"]).action_post()

    def bulk(fn):
        return functools.partial(fn, BULK)

    def warm(fn):
        # the bulk actions warm up on a tenth
        return functools.partial(fn, max(BULK // 10, 1))

    return [
        ("default", "message_post on a sale order (salesperson)", post_order),
        ("default", "message_post on a partner (salesperson)", post_partner),
        ("default", "internal note on a partner (salesperson)", note_partner),
        ("default", "e-mail reply to a sale order (message_process)", reply_email),
        ("default", "new e-mail to the sales alias (message_process)", new_email),
        ("default", f"create {BULK} meetings with attendees (half past)", meetings),
        ("default", f"create {BULK} partners", create_partners),
        (
            "default",
            f"write {BULK} partners (and a tenth's salesperson)",
            write_partners,
        ),
        ("default", f"create {BULK} leads", create_leads),
        ("default", f"write {BULK} leads", write_leads),
        ("confirm", "confirm a quotation", confirm),
        ("confirm", "confirm a subscription quotation", confirm_subscription),
        ("confirm", "post an invoice (accountant)", post_invoice),
    ], (bulk, warm)


def run_once(env, fn, trace=None):
    """One repetition in a savepoint rolled back after it: (seconds, queries),
    with the flush and the pre-commit work a request does before committing.
    ``trace``: a file to write the queries into."""
    cr = env.cr
    cr.execute("SAVEPOINT bench_hot")
    env.invalidate_all()
    if trace:
        execute = cr.execute

        def traced(query, params=None, log_exceptions=True):
            trace.write(f"{query}\n".replace("\n", " ").strip() + "\n")
            return execute(query, params, log_exceptions)

        cr.execute = traced
    count = cr.sql_log_count
    start = time.perf_counter()
    fn()
    env.flush_all()
    cr.precommit.run()
    elapsed = time.perf_counter() - start
    queries = cr.sql_log_count - count
    if trace:
        del cr.execute
    cr.execute("ROLLBACK TO SAVEPOINT bench_hot")
    cr.precommit.clear()
    cr.postcommit.clear()
    env.invalidate_all()
    env.transaction.clear()
    return elapsed, queries


def measure(envs, per_side, index):
    """Time and count the action ``index`` in both databases, in turn:
    (median ms, max queries) of each side."""
    kind, label, fn = per_side["stock"][0][index]
    bulk, warm = per_side["stock"][1]
    sized = fn.__code__.co_argcount == 1
    reps = BULK_REPS if sized else REPS
    figures = {"stock": ([], []), "addon": ([], [])}
    for rep in range(reps + 1):  # the first is the warm-up
        for side in ("stock", "addon") if rep % 2 else ("addon", "stock"):
            fn = per_side[side][0][index][2]
            if sized:
                fn = (bulk if rep else warm)(fn)
            trace = None
            if rep == 1 and TRACE and any(t in label for t in TRACE.split("|")):
                trace = open(f"{TRACE_DIR}/bench_hot_{index}_{side}.sql", "w")
            elapsed, queries = run_once(envs[side], fn, trace)
            if trace:
                trace.close()
            if rep:
                figures[side][0].append(elapsed)
                figures[side][1].append(queries)
    return [
        value
        for side in ("stock", "addon")
        for value in (
            statistics.median(figures[side][0]) * 1000,
            max(figures[side][1]),
        )
    ]


def print_table(results):
    print()
    print(
        "| action | stock ms | addon ms | ratio | stock queries | addon queries "
        "| delta | target met |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    all_met = True
    for kind, label, stock_ms, stock_q, addon_ms, addon_q in results:
        max_ratio, max_delta = TARGETS[kind]
        ratio = addon_ms / stock_ms if stock_ms else 1.0
        met = ratio <= max_ratio and addon_q - stock_q <= max_delta
        all_met &= met
        print(
            f"| {label} | {stock_ms:.1f} | {addon_ms:.1f} | {ratio:.2f} "
            f"| {stock_q} | {addon_q} | {addon_q - stock_q:+d} "
            f"| {'yes' if met else 'NO'} (at most {max_ratio:.2f}x, "
            f"{max_delta:+d} q) |"
        )
    print()
    print("Targets met." if all_met else "Targets NOT met (see NO above).")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("stock_db")
    parser.add_argument("addon_db")
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "--log-level=warn"])
    _no_smtp()
    envs, data = {}, {}
    cursors = []
    for side, db in (("stock", args.stock_db), ("addon", args.addon_db)):
        registry = odoo.modules.registry.Registry(db)
        installed = "customer_value" in registry._init_modules
        if installed != (side == "addon"):
            sys.exit(f"{db}: customer_value is {'' if installed else 'not '}installed")
        cr = registry.cursor()
        cursors.append(cr)
        envs[side] = api.Environment(cr, SUPERUSER_ID, {})
        start = time.perf_counter()
        data[side] = generate(envs[side])
        print(f"{db}: data generated in {time.perf_counter() - start:.1f} s")
    results = []
    try:
        per_side = {side: actions(envs[side], data[side]) for side in envs}
        for index, (kind, label, _fn) in enumerate(per_side["stock"][0]):
            if ONLY and not any(text in label for text in ONLY.split("|")):
                continue
            row = [kind, label, *measure(envs, per_side, index)]
            results.append(row)
            print(
                f"  {label}: stock {row[2]:.1f} ms / {row[3]} q, "
                f"addon {row[4]:.1f} ms / {row[5]} q",
                flush=True,
            )
    finally:
        for cr in cursors:
            cr.rollback()
            cr.close()
    print_table(results)


if __name__ == "__main__":
    main()
