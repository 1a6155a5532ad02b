/** @odoo-module **/

import { registry } from "@web/core/registry";

// Data is created by tests/test_voucher_ui.py.
registry.category("web_tour.tours").add("customer_value_voucher_quotation_and_redeem", {
    steps: () => [
        {
            content: "The quotation warns that the customer has an unused voucher",
            trigger: ".o_form_view div[name=already_owned_warning]:contains('Tour Course')",
        },
        {
            trigger: ".o_form_view div[name=already_owned_warning]:contains('unused Tour Training voucher')",
        },
    ],
});

registry.category("web_tour.tours").add("customer_value_voucher_redeem", {
    steps: () => [
        {
            content: "Say what the voucher was used for",
            trigger: ".o_form_view .o_field_widget[name=redeem_note] input",
            run: "edit Tour administration course",
        },
        {
            trigger: ".o_form_view button[name=action_redeem]",
            run: "click",
        },
        {
            content: "The voucher is redeemed",
            trigger: ".o_form_view .o_statusbar_status .o_arrow_button_current:contains('Redeemed')",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=redeem_date]:not(:empty)",
        },
    ],
});
