/** @odoo-module **/

import { registry } from "@web/core/registry";

// Data is created by tests/test_customer_health_ui.py.
registry.category("web_tour.tours").add("customer_value_health_reason_row", {
    steps: () => [
        {
            content: "Open the health tab of the customer",
            trigger: ".o_form_view .o_notebook a:contains('Health')",
            run: "click",
        },
        {
            content: "A click on the reason's text opens the record behind it",
            trigger: ".o_field_widget[name=health_reason_ids] td[name=name]:contains('vouchers worth')",
            run: "click",
        },
        {
            content: "The customer's unused vouchers are listed",
            trigger: ".o_view_controller.o_list_view .o_data_row:contains('HEALTH-TOUR-A')",
        },
        {
            trigger: ".o_view_controller.o_list_view .o_data_row:contains('HEALTH-TOUR-B')",
        },
    ],
});
