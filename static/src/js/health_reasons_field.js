/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
// The health reasons of a customer: a click on a row opens the record behind
// the reason (the answer, the movement, the vouchers, the invoices...), as
// its "Open" button does, not the reason itself.
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { X2ManyField, x2ManyField } from "@web/views/fields/x2many/x2many_field";

export class HealthReasonsField extends X2ManyField {
    setup() {
        super.setup();
        this.orm = useService("orm");
    }

    async openRecord(record) {
        if (!record.data.res_model) {
            return;
        }
        const action = await this.orm.call(
            "customer.health.reason",
            "action_open_record",
            [[record.resId]],
            { context: this.props.context }
        );
        return this.action.doAction(action);
    }
}

export const healthReasonsField = {
    ...x2ManyField,
    component: HealthReasonsField,
};

registry.category("fields").add("customer_health_reasons", healthReasonsField);
