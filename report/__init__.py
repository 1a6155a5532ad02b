from . import crossgrade_win_report
