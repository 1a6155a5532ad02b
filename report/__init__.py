from . import (
    crossgrade_win_report,
    customer_companion_attach_report,
    customer_feedback_report,
    customer_whitespace_report,
    sale_subscription_mrr_report,
)
