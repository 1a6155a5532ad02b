from . import (
    crossgrade_check_template,
    crossgrade_competitor,
    crossgrade_competitor_product,
    crossgrade_migration,
    crossgrade_migration_check,
    crossgrade_origin,
    product_pricelist,
    product_pricelist_item,
    res_config_settings,
    res_partner,
    sale_order,
    sale_order_line,
)
