from . import (
    close_reason_wizard,
    crm_lead_lost,
    customer_feedback_resolve_wizard,
    sale_subscription_change_plan_wizard,
)
