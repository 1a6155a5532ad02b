/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
// A check-in with a customer marked done offers "Done & Ask for Names": the
// activity is marked done and the dialog where the salesperson enters the
// names the customer gives opens (mail.activity.action_done_ask_for_names).
// The chatter's and the activity view's "Mark Done" popover both use this
// component; the web client ignores an action returned by plain "Done".
import { ActivityMarkAsDone } from "@mail/core/web/activity_markasdone_popover";
import { patch } from "@web/core/utils/patch";

patch(ActivityMarkAsDone.prototype, {
    get askForNames() {
        return Boolean(this.props.activity.ask_for_names);
    },

    async onClickDoneAndAskForNames() {
        const activity = this.props.activity;
        const thread = this.env.services["mail.store"].Thread.insert({
            model: activity.res_model,
            id: activity.res_id,
        });
        if (this.props.onClickDoneAndScheduleNext) {
            // the activity list popover closes itself as for "Schedule Next"
            this.props.onClickDoneAndScheduleNext();
        }
        if (this.props.close) {
            this.props.close();
        }
        const action = await this.env.services.orm.call(
            "mail.activity",
            "action_done_ask_for_names",
            [[activity.id]],
            { feedback: activity.feedback || false }
        );
        thread.fetchNewMessages();
        this.props.onActivityChanged(thread);
        if (action) {
            await new Promise((resolve) => {
                this.env.services.action.doAction(action, { onClose: resolve });
            });
            this.props.onActivityChanged(thread);
        }
    },
});
