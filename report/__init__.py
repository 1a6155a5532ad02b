from . import crossgrade_win_report, sale_subscription_mrr_report
