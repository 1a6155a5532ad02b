# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Records of every model of the addon, for the rights and bad-input tests."""

from odoo import Command, fields


def sample_records(env, company, owner, label=""):
    """One record of each model of the addon in ``company``, the documents
    owned by ``owner`` (nobody: an empty recordset); keyed by model name (and
    "plan", "reason"). ``label`` tells the names of a second set apart."""
    customer = env["res.partner"].create(
        {
            "name": f"Matrix Customer{label}",
            "is_company": True,
            "email": "m@example.com",
        }
    )
    competitor = env["crossgrade.competitor"].create(
        {"name": f"Matrix Rival{label}", "company_id": company.id}
    )
    competitor_product = env["crossgrade.competitor.product"].create(
        {"name": "Suite", "competitor_id": competitor.id}
    )
    template = env["crossgrade.check.template"].create(
        {"name": f"Ports open{label}", "company_id": company.id}
    )
    origin = env["crossgrade.origin"].create(
        {
            "partner_id": customer.id,
            "competitor_product_id": competitor_product.id,
            "user_id": owner.id,
        }
    )
    migration = env["crossgrade.migration"].create(
        {"partner_id": customer.id, "origin_id": origin.id, "user_id": owner.id}
    )
    check = env["crossgrade.migration.check"].create(
        {"migration_id": migration.id, "name": "Firewall"}
    )
    family = env["subscription.plan.family"].create(
        {"name": f"Matrix Suite{label}", "company_id": company.id}
    )
    feature = env["subscription.plan.feature"].create(
        {"name": "Users", "family_id": family.id}
    )
    basic, pro = (
        env["product.product"].create(
            {
                "name": name,
                "list_price": price,
                "plan_family_id": family.id,
                "plan_tier": tier,
                "taxes_id": False,
            }
        )
        for name, price, tier in (
            (f"M Basic{label}", 10.0, 1),
            (f"M Pro{label}", 30.0, 2),
        )
    )
    value = env["subscription.plan.feature.value"].create(
        {"feature_id": feature.id, "product_tmpl_id": pro.product_tmpl_id.id}
    )
    reason = env["sale.subscription.change.reason"].create(
        {"name": f"Matrix reason{label}", "company_id": company.id}
    )
    subscription = env["sale.subscription"].create(
        {
            "partner_id": customer.id,
            "template_id": env["sale.subscription.template"]
            .create({"name": f"Matrix monthly{label}"})
            .id,
            "pricelist_id": env["product.pricelist"]
            .create({"name": f"Matrix{label}"})
            .id,
            "user_id": owner.id,
            "recurring_next_date": fields.Date.add(
                fields.Date.context_today(customer), months=1
            ),
            "sale_subscription_line_ids": [
                Command.create({"product_id": pro.id, "product_uom_qty": 1})
            ],
        }
    )
    subscription.action_start_subscription()
    subscription.recurring_next_date = fields.Date.add(
        fields.Date.context_today(customer), months=1
    )
    scheduled = subscription.change_plan(basic.id, reason_id=reason.id)
    retention = env["sale.subscription.retention"].create(
        {
            "subscription_id": subscription.id,
            "partner_id": customer.id,
            "outcome": "churned",
        }
    )
    voucher_type = env["customer.voucher.type"].create(
        {
            "name": f"Matrix training{label}",
            "value": 100.0,
            "validity_days": 30,
            "extension_days": 30,
            "extension_window_days": 60,
            "company_id": company.id,
            "grant_ids": [Command.create({"product_tmpl_id": pro.product_tmpl_id.id})],
            "reminder_step_ids": [Command.create({"anchor": "issue", "days": 1})],
        }
    )
    voucher = env["customer.voucher"].create(
        {"type_id": voucher_type.id, "partner_id": customer.id, "user_id": owner.id}
    )
    reminder = env["customer.voucher.reminder"].create(
        {
            "voucher_id": voucher.id,
            "step_id": voucher_type.reminder_step_ids.id,
            "status": "sent",
        }
    )
    touchpoint = env["customer.feedback.touchpoint"].create(
        {"name": f"Matrix NPS{label}", "metric": "nps", "company_id": company.id}
    )
    feedback = env["customer.feedback"].create(
        {
            "touchpoint_id": touchpoint.id,
            "partner_id": customer.id,
            "company_id": company.id,
            "user_id": owner.id,
        }
    )
    referral = env["customer.referral"].create(
        {
            "name": f"Matrix Referred{label}",
            "email": f"referred{''.join(filter(str.isalnum, label))}@matrix.example",
            "referrer_id": customer.id,
            "company_id": company.id,
        }
    )
    referral.lead_id.user_id = owner
    # a quotation of a one-off product with a recurring companion
    companion = env["product.product"].create(
        {
            "name": f"M Care{label}",
            "list_price": 5.0,
            "subscribable": True,
            "subscription_template_id": subscription.template_id.id,
            "taxes_id": False,
        }
    )
    device = env["product.product"].create(
        {
            "name": f"M Device{label}",
            "list_price": 100.0,
            "taxes_id": False,
            "recurring_companion_ids": [Command.set(companion.product_tmpl_id.ids)],
        }
    )
    quotation = env["sale.order"].create(
        {
            "partner_id": customer.id,
            "user_id": owner.id,
            "company_id": company.id,
            "order_line": [Command.create({"product_id": device.id})],
        }
    )
    # a confirmed order of it without the companion: one row of the attach rate
    sold = env["sale.order"].create(
        {
            "partner_id": customer.id,
            "user_id": owner.id,
            "company_id": company.id,
            "order_line": [Command.create({"product_id": device.id})],
        }
    )
    sold.action_confirm()
    env.flush_all()  # the attach rate is an SQL view
    # the next offer of a customer of ``owner`` (written by the nightly job)
    offer_customer = env["res.partner"].create(
        {
            "name": f"Matrix Offer Customer{label}",
            "is_company": True,
            "user_id": owner.id,
        }
    )
    offer = env["customer.next.offer"].create(
        {
            "partner_id": offer_customer.id,
            "company_id": company.id,
            "product_tmpl_id": pro.product_tmpl_id.id,
            "antecedent_tmpl_id": basic.product_tmpl_id.id,
            "support": 0.5,
            "lift": 2.0,
            "score": 1.0,
            "rank": 1,
        }
    )
    return {
        "sale.order": quotation,
        "companion": companion,
        "customer.companion.attach.report": env[
            "customer.companion.attach.report"
        ].browse(sold.order_line.id),
        "customer.next.offer": offer,
        "res.partner": offer_customer,
        "customer.referral": referral,
        "customer.feedback.touchpoint": touchpoint,
        "customer.feedback": feedback,
        # the analysis has one row per request, with the request's id
        "customer.feedback.report": env["customer.feedback.report"].browse(feedback.id),
        "crossgrade.competitor": competitor,
        "crossgrade.competitor.product": competitor_product,
        "crossgrade.check.template": template,
        "crossgrade.origin": origin,
        "crossgrade.migration": migration,
        "crossgrade.migration.check": check,
        "subscription.plan.family": family,
        "subscription.plan.feature": feature,
        "subscription.plan.feature.value": value,
        "sale.subscription.change.reason": reason,
        "sale.subscription.change": scheduled,
        "sale.subscription.retention": retention,
        "sale.subscription": subscription,
        "customer.voucher.type": voucher_type,
        "customer.voucher.grant": voucher_type.grant_ids,
        "customer.voucher.reminder.step": voucher_type.reminder_step_ids,
        "customer.voucher": voucher,
        "customer.voucher.reminder": reminder,
        "customer.value.goal": env["customer.value.goal"].create(
            {
                "name": f"NPS this year{label}",
                "metric": "nps",
                "date_start": fields.Date.context_today(customer).replace(
                    day=1, month=1
                ),
                "date_end": fields.Date.context_today(customer).replace(
                    day=31, month=12
                ),
                "target_value": 40,
                "company_id": company.id,
            }
        ),
        "plan": basic,
        "reason": reason,
    }


# Fields that only some users read, by group: what the portal user must not
# read of their own records (internal follow-ups, the answer links' keys, the
# deal behind a referral). Every field of the addon with groups is listed.
FIELD_GROUPS = {
    "customer.feedback": {
        "sales_team.group_sale_salesman": {
            "access_token",
            "followup_user_id",
            "followup_state",
            "followup_overdue",
            "followup_date_open",
            "followup_deadline",
            "followup_outcome",
            "followup_note",
            "followup_date_done",
            "survey_user_input_id",
        },
    },
    "customer.referral": {
        "sales_team.group_sale_salesman": {
            "state",
            "rejection_reason",
            "lead_id",
            "deleted_lead_state",
            "qualified_date",
            "personal_data_erased",
            "user_id",
            "names_card_id",
            "won_card_id",
            "names_reward_issued",
            "reward_card_ids",
            "given_count",
            "valid_count",
            "won_count",
            "conversion",
            "revenue",
            "reward_count",
            "reward_used_count",
        },
    },
}
