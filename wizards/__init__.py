from . import (
    close_reason_wizard,
    crm_lead_lost,
    customer_feedback_answer_wizard,
    customer_feedback_resolve_wizard,
    customer_referral_intake,
    sale_subscription_change_plan_wizard,
)
