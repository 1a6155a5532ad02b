/** @odoo-module **/

import { registry } from "@web/core/registry";

// Data is created by tests/test_recurring_companion_ui.py.

registry.category("web_tour.tours").add("customer_value_recurring_companion", {
    steps: () => [
        {
            content: "The quotation suggests the recurring companion of its server",
            trigger:
                "div[name=recurring_suggestions] .o_data_row:contains('Tour Managed Backup')",
        },
        {
            content: "An unsaved change first: the click saves it",
            trigger: ".o_notebook a[name=other_information]",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=client_order_ref] input",
            run: "edit PO-7",
        },
        {
            trigger: ".o_notebook a[name=order_lines]",
            run: "click",
        },
        {
            content: "Add it with one click",
            trigger:
                "div[name=recurring_suggestions] .o_data_row:contains('Tour Managed Backup') button[name=action_add_to_quotation_as_companion]",
            run: "click",
        },
        {
            content: "The companion is an order line; the suggestion is gone",
            trigger:
                ".o_field_widget[name=order_line] .o_data_row:contains('Tour Managed Backup')",
        },
        {
            trigger: "body:not(:has(div[name=recurring_suggestions]:visible))",
        },
    ],
});

registry.category("web_tour.tours").add("customer_value_recurring_companion_new", {
    steps: () => [
        {
            content: "A new quotation",
            trigger: ".o_field_widget[name=partner_id] input",
            run: "edit Tour Hardware Buyer",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains('Tour Hardware Buyer')",
            run: "click",
        },
        {
            trigger: "div[name=order_line] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            trigger: "div[name=order_line] .o_selected_row div[name=product_template_id] input",
            run: "edit Tour Server",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains('Tour Server')",
            run: "click",
        },
        {
            content: "Before any save, the suggestion shows; the click saves and adds",
            trigger:
                "div[name=recurring_suggestions] .o_data_row:contains('Tour Managed Backup') button[name=action_add_to_quotation_as_companion]",
            run: "click",
        },
        {
            trigger:
                ".o_form_saved .o_field_widget[name=order_line] .o_data_row:contains('Tour Managed Backup')",
        },
    ],
});
