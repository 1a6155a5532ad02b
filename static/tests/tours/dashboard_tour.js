/** @odoo-module **/

import { registry } from "@web/core/registry";

const HEALTH_COLOURS = ["#28A745", "#F0AD4E", "#DC3545"]; // healthy, at risk, critical

/**
 * The health chart of the figure: one dataset per state in its colour, named
 * (not "None", not an error) and with figures, once the pivots have loaded.
 */
async function checkHealthChart(figureId) {
    const selector = `.o-figure[data-id='${figureId}'] canvas`;
    let problem;
    for (let attempt = 0; attempt < 40; attempt++) {
        const chart = window.Chart?.getChart(document.querySelector(selector));
        const datasets = chart?.data.datasets || [];
        const labels = datasets.map((dataset) => String(dataset.label));
        const colours = datasets.map((dataset) => dataset.backgroundColor);
        problem =
            (JSON.stringify(colours) !== JSON.stringify(HEALTH_COLOURS) &&
                `colours ${colours}`) ||
            (labels.some((label) => !label || /^(#|Loading|None)/.test(label)) &&
                `legend ${labels}`) ||
            (!datasets.some((dataset) => dataset.data.some((value) => value > 0)) &&
                "no figures") ||
            (chart.data.labels.some((label) => /^(#|Loading)/.test(String(label))) &&
                `labels ${chart.data.labels}`);
        if (!problem) {
            return;
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`Health chart ${figureId}: ${problem}`);
}

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
            content: "The health chart is drawn, each state in its colour",
            trigger: ".o-figure[data-id='4da5a0ba-c284-5e2b-84e6-83986f1af21f'] canvas",
            run: () => checkHealthChart("4da5a0ba-c284-5e2b-84e6-83986f1af21f"),
        },
        {
            content: "The health by month chart too",
            trigger: ".o-figure[data-id='b8adc83c-c2e8-59cd-bd6f-c9e3c2696629'] canvas",
            run: () => checkHealthChart("b8adc83c-c2e8-59cd-bd6f-c9e3c2696629"),
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
