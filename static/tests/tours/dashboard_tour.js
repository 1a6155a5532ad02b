/** @odoo-module **/

import { registry } from "@web/core/registry";

// Run by tests/test_dashboard.py on the demo data, as a sales manager.
registry.category("web_tour.tours").add("customer_value_dashboard", {
    steps: () => [
        {
            content: "Open the Customer Value dashboard",
            trigger: ".o_spreadsheet_dashboard_action .o_search_panel li:contains('Customer Value')",
            run: "click",
        },
        {
            // the dashboard draws the figures in view: NPS by month, then
            // customers by health (data-id: the figure ids of the JSON)
            content: "The NPS chart is drawn",
            trigger: ".o-figure[data-id='30e59fe7-b888-5f68-833f-8c6767f6621e'] canvas",
        },
        {
            content: "The health chart is drawn",
            trigger: ".o-figure[data-id='4da5a0ba-c284-5e2b-84e6-83986f1af21f'] canvas",
        },
        {
            content: "The period filter of the dashboard is there",
            trigger: ".o_spreadsheet_dashboard_action .o_control_panel:contains('Last 365 Days')",
        },
        {
            content: "No error was shown",
            trigger: "body:not(:has(.o_error_dialog, .o_notification.border-danger))",
        },
    ],
});
