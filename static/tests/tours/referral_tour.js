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

// Data is created by tests/test_referral_http.py: a customer's portal user
// gives two names on /my/referrals, one without the person's consent.
registry.category("web_tour.tours").add("customer_value_referral_portal_tour", {
    steps: () => [
        {
            content: "Give a name the person agreed to",
            trigger: ".o_referral_form input[name=name_0]",
            run: "edit Tour Maria",
        },
        {
            trigger: ".o_referral_form input[name=email_0]",
            run: "edit tour.maria@tour.example",
        },
        {
            trigger: ".o_referral_form input[name=consent_0]",
            run: "check",
        },
        {
            content: "And a name without the person's consent",
            trigger: ".o_referral_form input[name=name_1]",
            run: "edit Tour Noconsent",
        },
        {
            trigger: ".o_referral_form input[name=email_1]",
            run: "edit tour.noconsent@tour.example",
        },
        {
            content: "Send the names",
            trigger: ".o_referral_form button[type=submit]",
            run: "click",
        },
        {
            content: "The name given is received",
            trigger: ".o_referral_results:contains('Tour Maria: received, thank you.')",
        },
        {
            content: "The refused row is kept filled in, its error beside it",
            trigger: ".o_referral_form tr.o_referral_refused input[name=name_0][value='Tour Noconsent']",
        },
        {
            trigger: ".o_referral_form tr.o_referral_refused input[name=email_0][value='tour.noconsent@tour.example']",
        },
        {
            trigger: ".o_referral_form tr.o_referral_row_error:contains('Tour Noconsent: please confirm that this person agreed to be contacted.')",
        },
        {
            content: "The page was shown after a redirect: reloading it sends nothing",
            trigger: "tr.o_portal_referral:contains('Tour Maria')",
            run() {
                window.location.reload();
            },
        },
        {
            content: "After the reload, the form is empty and nothing was sent again",
            trigger: ".o_referral_form:not(:has(tr.o_referral_refused)) input[name=name_0]:not([value])",
        },
        {
            trigger: "body:not(:has(.o_referral_results))",
        },
    ],
});

// Data is created by tests/test_referral_invitation.py: a salesperson marks
// the check-in with their customer done from the chatter, with "Done & Ask
// for Names", and enters the name the customer gives.
registry.category("web_tour.tours").add("customer_value_check_in_names_tour", {
    steps: () => [
        {
            content: "Mark the check-in done",
            trigger: ".o-mail-Activity:contains('Check in') .o-mail-Activity-markDone",
            run: "click",
        },
        {
            trigger: ".o-mail-ActivityMarkAsDone textarea",
            run: "edit Happy, knows a neighbour who needs us",
        },
        {
            content: "Done, and ask the customer for names",
            trigger: ".o-mail-ActivityMarkAsDone button.o_cv_done_ask_for_names",
            run: "click",
        },
        {
            content: "The names dialog opens for the customer",
            trigger: ".modal .o_field_widget[name=referrer_contact_id] input:value('Tour Checked Co')",
        },
        {
            trigger: ".modal .o_field_one2many[name=line_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            trigger: ".modal .o_data_row .o_field_widget[name=name] input",
            run: "edit Nina Neighbour",
        },
        {
            trigger: ".modal .o_data_row .o_field_widget[name=email] input",
            run: "edit nina@neighbour.example",
        },
        {
            content: "Record the name",
            trigger: ".modal-footer button[name=action_submit]",
            run: "click",
        },
        {
            content: "It became a lead",
            trigger: ".o_list_view .o_data_row:contains('Nina Neighbour'):contains('In Progress')",
        },
    ],
});
