# Copyright 2026 customer_value contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
{
    "name": "Customer Value",
    "summary": "Win, grow and keep customers: crossgrade pricing, "
    "migration plans and crossgrade reporting",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "website": "https://github.com/customer-value/customer_value",
    "author": "customer_value contributors",
    "license": "LGPL-3",
    "application": False,
    "installable": True,
    "depends": [
        "mail",
        "portal",
        "crm",
        "sale_management",
        "subscription_oca",
    ],
    "data": [
        "security/security.xml",
        "security/ir.model.access.csv",
        "data/ir_sequence_data.xml",
        "data/ir_config_parameter_data.xml",
        "views/crossgrade_competitor_views.xml",
        "views/crossgrade_competitor_product_views.xml",
        "views/crossgrade_origin_views.xml",
        "views/crossgrade_check_template_views.xml",
        "views/crossgrade_migration_views.xml",
        "views/product_pricelist_item_views.xml",
        "views/sale_order_views.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "report/crossgrade_win_report_views.xml",
        "views/menus.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "customer_value/static/tests/tours/*.js",
        ],
    },
    "demo": [
        "demo/crossgrade_demo.xml",
    ],
}
