from . import (
    test_crossgrade_confirmation,
    test_crossgrade_performance,
    test_crossgrade_pricing,
    test_crossgrade_report,
    test_crossgrade_security,
    test_crossgrade_xmlrpc,
)
