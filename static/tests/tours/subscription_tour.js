/** @odoo-module **/

import { registry } from "@web/core/registry";

// Data is created by tests/test_subscription_ui.py.
registry.category("web_tour.tours").add("customer_value_subscription_change_plan", {
    steps: () => [
        {
            content: "Open the plan change wizard",
            trigger: ".o_form_view button[name=action_change_plan]",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=product_id] input",
            run: "edit Tour Pro",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains('Tour Pro')",
            run: "click",
        },
        {
            content: "The wizard shows the MRR after the change and the difference",
            trigger: ".modal .o_field_widget[name=mrr_after]:contains('75.00')",
        },
        {
            trigger: ".modal .o_field_widget[name=mrr_delta]:contains('50.00')",
        },
        {
            content: "Apply the upgrade now",
            trigger: ".modal button[name=action_apply]:contains('Apply Now')",
            run: "click",
        },
        {
            content: "The subscription's MRR is updated",
            trigger: "body:not(:has(.modal)) .o_form_view button[name=action_view_changes]:contains('75.00')",
        },
        {
            trigger: ".o_notebook a:contains('MRR Movements')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=change_ids] td:contains('Upgrade')",
        },
    ],
});

registry.category("web_tour.tours").add("customer_value_subscription_retention", {
    steps: () => [
        {
            content: "The customer asks to cancel",
            trigger: ".o_form_view button[name=action_close_subscription]",
            run: "click",
        },
        {
            content: "The wizard offers the lower plan with its MRR",
            trigger: ".modal .o_field_widget[name=offer_html]:contains('Tour Basic')",
        },
        {
            trigger: ".modal .o_field_widget[name=close_reason_id] input",
            run: "edit too expensive",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains('too expensive')",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=downgrade_product_id] input",
            run: "edit Tour Basic",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains('Tour Basic')",
            run: "click",
        },
        {
            content: "A downgrade beats a cancellation",
            trigger: ".modal button[name=action_downgrade]",
            run: "click",
        },
        {
            content: "Still in progress, on the lower plan",
            trigger: "body:not(:has(.modal)) .o_form_view .o_statusbar_status button.o_arrow_button_current:contains('In progress')",
        },
        {
            trigger: ".o_notebook a:contains('MRR Movements')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=change_ids] td:contains('Downgrade')",
        },
    ],
});
