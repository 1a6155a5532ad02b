/** @odoo-module **/

import { registry } from "@web/core/registry";

// Data is created by tests/test_crossgrade_ui.py.
registry.category("web_tour.tours").add("customer_value_crossgrade_origin", {
    url: "/odoo/action-customer_value.crossgrade_origin_action",
    steps: () => [
        {
            content: "Record a competitor product a customer uses",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=partner_id] input",
            run: "edit Tour Migrating Co",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains('Tour Migrating Co')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=competitor_product_id] input",
            run: "edit Tour Suite",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains('Tour Suite')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=seats] input",
            run: "edit 7",
        },
        {
            content: "Save the origin",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "A Sales manager verifies it",
            trigger: ".o_form_saved button[name=action_verify]",
            run: "click",
        },
        {
            content: "No proof is attached: the manager confirms",
            trigger: ".modal-dialog:contains('No proof is attached') .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "Verified: the Verify button is gone",
            trigger: ".o_form_view .o_form_statusbar:not(:has(button[name=action_verify]))",
        },
        {
            content: "The next step is offered: a quotation",
            trigger: ".o_form_statusbar button[name=action_new_quotation]",
            run: "click",
        },
        {
            content: "A new quotation for the customer, on the migration pricelist",
            trigger: ".o_form_view .o_field_widget[name=partner_id] input:value('Tour Migrating Co')",
        },
    ],
});

registry.category("web_tour.tours").add("customer_value_crossgrade_quotation", {
    steps: () => [
        {
            content: "The quotation shows the crossgrade origin and discount",
            trigger: ".o_field_widget[name=crossgrade_origin_id]:contains('Tour Suite')",
        },
        {
            trigger: ".o_field_widget[name=crossgrade_discount_amount]:contains('60.00')",
        },
        {
            content: "The line explains its price",
            trigger: ".o_data_row td[name=crossgrade_explanation]:contains('Crossgrade price')",
        },
    ],
});
