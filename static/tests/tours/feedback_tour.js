/** @odoo-module **/

import { registry } from "@web/core/registry";

// A customer clicks "9" in the feedback e-mail (tests/test_feedback_ui.py).
registry.category("web_tour.tours").add("customer_value_feedback_answer", {
    steps: () => [
        {
            content: "The page shows the score clicked, not yet recorded",
            trigger: ".o_feedback_page .o_feedback_form[data-pending] .o_feedback_posting:contains(9)",
        },
        {
            content: "The customer's first click on the page records the score",
            trigger: ".o_feedback_page textarea[name=comment]",
            run: "edit The new plan suits us",
        },
        {
            trigger: ".o_feedback_page .o_feedback_form[data-posted='1']",
        },
        {
            trigger: ".o_feedback_page .o_feedback_recorded:not(.d-none):contains(9)",
        },
        {
            trigger: ".o_feedback_page button[type=submit]",
            run: "click",
        },
        {
            content: "The comment is posted without leaving the page",
            trigger: ".o_feedback_page .o_feedback_form[data-posted='2']",
        },
        {
            content: "and the customer is told it was received",
            trigger: ".o_feedback_page .o_feedback_comment_recorded:not(.d-none)",
        },
    ],
});
