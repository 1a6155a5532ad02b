/** @odoo-module **/

import { registry } from "@web/core/registry";

// Screens of a Persian user read right-to-left: the page says so and Odoo's
// CSS is flipped by rtlcss. Data is created by tests/test_rtl_ui.py.
function assertRightToLeft(selector) {
    const main = document.querySelector(selector);
    if (!main || getComputedStyle(main).direction !== "rtl") {
        throw new Error(`${selector} is not right-to-left`);
    }
    // Bootstrap's .text-start is "left" in the left-to-right CSS; rtlcss
    // turns it into "right": proof that the flipped CSS is loaded.
    const probe = document.createElement("div");
    probe.className = "text-start";
    main.append(probe);
    const align = getComputedStyle(probe).textAlign;
    probe.remove();
    if (align !== "right") {
        throw new Error(`the CSS is not flipped for right-to-left (text-start: ${align})`);
    }
}

registry.category("web_tour.tours").add("customer_value_rtl_customer", {
    steps: () => [
        {
            content: "The customer form, the vouchers button shown (not under More)",
            trigger: ".o-form-buttonbox:not(.o_dropdown_more) button[name=action_view_vouchers]:visible",
            run() {
                assertRightToLeft(".o_action_manager");
            },
        },
    ],
});

registry.category("web_tour.tours").add("customer_value_rtl_quotation", {
    steps: () => [
        {
            content: "The quotation and its crossgrade explanation",
            trigger: ".o_form_view .o_data_row td[name=crossgrade_explanation]",
            run() {
                assertRightToLeft(".o_action_manager");
            },
        },
    ],
});

registry.category("web_tour.tours").add("customer_value_rtl_portal_voucher", {
    steps: () => [
        {
            content: "The customer's voucher page",
            trigger: ".o_portal_voucher_detail",
            run() {
                assertRightToLeft("#wrapwrap");
            },
        },
    ],
});
