"""Screenshots of the main screens, in English and Persian, for the README.

Run by scripts/screenshots against a running server on the demo database:
    screenshots.py URL DATABASE OUTPUT_FOLDER
Drives Debian's Chromium with Playwright (no browser download).
"""

import re
import sys
import xmlrpc.client
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import sync_playwright

BASE, DB, OUT = sys.argv[1], sys.argv[2], Path(sys.argv[3])
LOGIN = PASSWORD = "admin"  # noqa: S105 (the demo database's admin)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

common = xmlrpc.client.ServerProxy(f"{BASE}/xmlrpc/2/common")
uid = common.authenticate(DB, LOGIN, PASSWORD, {})
models = xmlrpc.client.ServerProxy(f"{BASE}/xmlrpc/2/object", allow_none=True)


def call(model, method, *args, **kwargs):
    return models.execute_kw(DB, uid, PASSWORD, model, method, list(args), kwargs)


def ref(xmlid):
    module, name = xmlid.split(".")
    [data] = call(
        "ir.model.data",
        "search_read",
        [("module", "=", module), ("name", "=", name)],
        fields=["res_id"],
    )
    return data["res_id"]


def action(xmlid, res_id=None):
    return f"/odoo/action-{xmlid}" + (f"/{res_id}" if res_id else "")


voucher_id = call(
    "customer.voucher",
    "search",
    [("state", "=", "available"), ("type_id.description", "!=", False)],
    limit=1,
)[0]
[voucher_url] = call("customer.voucher", "read", [voucher_id], ["access_url"])
portal_url = call("customer.voucher", "get_portal_url", [voucher_id])

# The waiting request of the demo, as its customer sees it after clicking 9
# in the e-mail (the page records the answer).
# The page speaks the customer's language: Persian for the Persian screens.
[waiting] = call(
    "customer.feedback",
    "read",
    [ref("customer_value.feedback_waiting_demo")],
    ["access_token", "partner_id"],
)
respondent = waiting["partner_id"][0]
portal_uid = ref("base.demo_user0")
answer_url = f"/feedback/{waiting['access_token']}/9"

# Deco Addict's next offers, as "Recompute Offers" on its form makes them
call("res.partner", "action_compute_next_offers", [ref("base.res_partner_2")])

# a customer invoice of the demo, printed: the referral invitation
[invoice_id] = call(
    "account.move",
    "search",
    [("move_type", "=", "out_invoice"), ("state", "=", "posted")],
    limit=1,
)

SCREENS = [
    (
        "quotation",
        action(
            "sale.action_quotations_with_onboarding",
            ref("customer_value.sale_order_crossgrade_demo"),
        ),
        ".o_data_row",
    ),
    (
        "customer",
        f"/odoo/res.partner/{ref('base.res_partner_12')}",
        ".o-form-buttonbox",
    ),
    (
        "origin",
        action(
            "customer_value.crossgrade_origin_action",
            ref("customer_value.origin_deco_aegis_demo"),
        ),
        ".o_form_sheet",
    ),
    (
        "migrations",
        action("customer_value.crossgrade_migration_action"),
        ".o_kanban_record",
    ),
    (
        "change_plan",
        action(
            "subscription_oca.sale_subscription_action",
            ref("customer_value.subscription_deco_demo"),
        ),
        "button[name=action_change_plan]",
    ),
    (
        "mrr_over_time",
        action("customer_value.sale_subscription_mrr_report_action_graph"),
        ".o_graph_renderer canvas",
    ),
    (
        "mrr_bridge",
        action("customer_value.sale_subscription_mrr_report_action"),
        ".o_data_row",
    ),
    (
        "plan_family",
        action(
            "customer_value.subscription_plan_family_action",
            ref("customer_value.plan_family_cloud_suite_demo"),
        ),
        ".o_form_sheet",
    ),
    (
        "voucher",
        action("customer_value.customer_voucher_action", voucher_id),
        ".o_form_sheet",
    ),
    ("portal_voucher", portal_url, ".o_portal_voucher_detail"),
    (
        "feedback_analysis",
        action("customer_value.customer_feedback_report_action"),
        ".o_graph_renderer canvas",
    ),
    (
        "feedback_followup",
        action(
            "customer_value.customer_feedback_action_followups",
            ref("customer_value.feedback_year_10_demo"),
        ),
        ".o_form_sheet",
    ),
    (
        "customers_at_risk",
        action("customer_value.res_partner_action_health"),
        ".o_data_row",
    ),
    (
        "customer_health",
        f"/odoo/res.partner/{ref('base.res_partner_12')}",
        ".o_notebook_headers a[name=customer_health]",
    ),
    ("goals", action("customer_value.customer_value_goal_action"), ".o_data_row"),
    (
        "customer_referrals",
        f"/odoo/res.partner/{ref('base.res_partner_1')}",
        ".o_notebook_headers a[name=referrals]",
    ),
    (
        "referral_intake",
        f"/odoo/res.partner/{ref('base.res_partner_1')}",
        ".o_notebook_headers a[name=referrals]",
    ),
    (
        "referral_analysis",
        action("customer_value.customer_referral_action_report"),
        ".o_pivot table",
    ),
    (
        "recurring_suggestion",
        action(
            "sale.action_quotations_with_onboarding",
            ref("customer_value.sale_order_appliance_quotation_demo"),
        ),
        "button[name=action_add_to_quotation_as_companion]",
    ),
    (
        "companion_attach_rate",
        action("customer_value.customer_companion_attach_report_action"),
        ".o_pivot table",
    ),
    (
        "next_offers",
        f"/odoo/res.partner/{ref('base.res_partner_2')}",
        ".o_notebook_headers a[name=next_offers]",
    ),
    (
        "invoice_invitation",
        f"/report/html/account.report_invoice/{invoice_id}",
        ".o_cv_referral_invitation",
    ),
    (
        "dashboard",
        "/odoo/action-spreadsheet_dashboard.ir_actions_dashboard_action",
        ".o_spreadsheet_dashboard_action .o_search_panel",
    ),
]


def shoot(page, name, url, ready, folder):
    page.goto(BASE + url)
    try:
        page.wait_for_selector(ready, timeout=30000)
    except PlaywrightTimeoutError:  # the first load after an upgrade builds assets
        page.reload()
        page.wait_for_selector(ready, timeout=60000)
    if name == "change_plan":
        page.click("button[name=action_change_plan]")
        page.wait_for_selector(".modal .o_field_widget[name=product_id] input")
        page.fill(".modal .o_field_widget[name=product_id] input", "CS-ENT")
        page.click(".o-autocomplete--dropdown-item:has-text('CS-ENT')")
        page.wait_for_selector(".modal .o_field_widget[name=proration_note]")
    if name == "dashboard":
        # its name in English or Persian
        page.locator(
            ".o_search_panel li", has_text=re.compile("Customer Value|ارزش مشتری")
        ).click()
        page.wait_for_selector(".o-figure canvas")
        page.wait_for_timeout(3000)  # the pivot and the list load after the charts
    if name == "feedback_answer":
        # the customer's first gesture on the page records the score
        page.click("textarea[name=comment]")
        page.wait_for_selector(".o_feedback_recorded:not(.d-none)")
    if name == "customer_health":
        page.click(".o_notebook_headers a[name=customer_health]")
        page.wait_for_selector(".o_field_widget[name=health_reason_ids] .o_data_row")
    if name == "invoice_invitation":
        # the invitation follows the terms, at the bottom of the invoice
        page.evaluate(
            "document.querySelector('.o_cv_referral_invitation')"
            ".scrollIntoView({block: 'center'})"
        )
    if name == "next_offers":
        page.click(".o_notebook_headers a[name=next_offers]")
        page.wait_for_selector(".o_field_widget[name=next_offer_ids] .o_data_row")
    if name in ("customer_referrals", "referral_intake"):
        page.click(".o_notebook_headers a[name=referrals]")
        page.wait_for_selector(".o_field_widget[name=referral_ids] .o_data_row")
    if name == "referral_intake":
        page.click("button[name=action_open_referral_intake]")
        for row, (person, email) in enumerate(
            (
                ("Maria Silva", "maria@silva.example"),
                ("Jonas Berg", "jonas@berg.example"),
            )
        ):
            page.click(".modal .o_field_x2many_list_row_add a")
            page.fill(f".modal .o_data_row >> nth={row} >> [name=name] input", person)
            page.fill(f".modal .o_data_row >> nth={row} >> [name=email] input", email)
        page.click(".modal .modal-title")
    page.wait_for_timeout(1500)  # charts and fonts
    page.screenshot(path=str(folder / f"{name}.png"))


with sync_playwright() as playwright:
    browser = playwright.chromium.launch(
        executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
    )
    for lang in ("en_US", "fa_IR"):
        call("res.users", "write", [uid], {"lang": lang})
        # the health reasons are written in the languages users read: the
        # nightly job would add Persian; recompute the customer shown now
        call("res.partner", "action_compute_health", [ref("base.res_partner_12")])
        call("res.partner", "write", [respondent], {"lang": lang})
        folder = OUT / lang.split("_")[0]
        folder.mkdir(parents=True, exist_ok=True)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto(f"{BASE}/web/login")
        page.fill("input[name=login]", LOGIN)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector(".o_main_navbar", timeout=60000)
        for name, url, ready in SCREENS:
            shoot(page, name, url, ready, folder)
            print(f"{folder / name}.png")
        page.close()
        # the answer page, as the customer opens it from the e-mail (no login:
        # staff signed in only see the request)
        context = browser.new_context(viewport={"width": 1440, "height": 900})
        page = context.new_page()
        shoot(
            page,
            "feedback_answer",
            answer_url,
            ".o_feedback_form[data-pending]",
            folder,
        )
        print(f"{folder / 'feedback_answer'}.png")
        context.close()
        # the portal, as the demo's portal user (login "portal") sees it
        call("res.users", "write", [portal_uid], {"lang": lang})
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto(f"{BASE}/web/login")
        page.fill("input[name=login]", "portal")
        page.fill("input[name=password]", "portal")
        page.click("button[type=submit]")
        page.wait_for_selector(".o_portal", timeout=60000)
        # the login page set the public user's language in the cookie
        page.context.add_cookies(
            [{"name": "frontend_lang", "value": lang, "url": BASE}]
        )
        shoot(page, "portal_referrals", "/my/referrals", ".o_portal_referral", folder)
        print(f"{folder / 'portal_referrals'}.png")
        page.close()
    call("res.users", "write", [uid], {"lang": "en_US"})
    call("res.users", "write", [portal_uid], {"lang": "en_US"})
    call("res.partner", "write", [respondent], {"lang": "en_US"})
    browser.close()
