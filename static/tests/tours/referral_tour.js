/** @odoo-module **/

import { registry } from "@web/core/registry";

// Data is created by tests/test_referral_http.py: a salesperson opens their
// customer's form and enters the names the customer gives.
registry.category("web_tour.tours").add("customer_value_referral_tour", {
    steps: () => [
        {
            content: "Open the customer's Referrals tab",
            trigger: ".o_notebook .nav-link:contains('Referrals')",
            run: "click",
        },
        {
            content: "Add the names the customer gives",
            trigger: ".o_notebook button[name=action_open_referral_intake]",
            run: "click",
        },
        {
            trigger: ".modal .o_field_one2many[name=line_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            trigger: ".modal .o_data_row .o_field_widget[name=name] input",
            run: "edit Lena Tour",
        },
        {
            trigger: ".modal .o_data_row .o_field_widget[name=email] input",
            run: "edit lena@tour.example",
        },
        {
            trigger: ".modal .o_field_one2many[name=line_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            trigger: ".modal .o_data_row:eq(1) .o_field_widget[name=name] input",
            run: "edit Omar Tour",
        },
        {
            trigger: ".modal .o_data_row:eq(1) .o_field_widget[name=phone] input",
            run: "edit +30 210 444 5566",
        },
        {
            content: "Record the names",
            trigger: ".modal-footer button[name=action_submit]",
            run: "click",
        },
        {
            content: "Each name became a lead",
            trigger: ".o_list_view .o_data_row:contains('Omar Tour'):contains('In Progress')",
        },
        {
            trigger: ".o_list_view .o_data_row:contains('Lena Tour'):contains('In Progress')",
        },
    ],
});
