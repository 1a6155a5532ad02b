# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestCrossgradeDemo(TransactionCase):
    """The demo's migration checklists fit the switch they are for (the test
    database is installed with demo data)."""

    def test_checklist_templates_fit_the_competitor_product(self):
        ref = self.env.ref
        Template = self.env["crossgrade.check.template"]
        endpoint = ref("customer_value.competitor_product_aegis_endpoint_demo")
        mail = ref("customer_value.competitor_product_aegis_mail_demo")
        database = ref("customer_value.competitor_product_polaris_db_demo")
        demo = Template.search(
            [
                (
                    "id",
                    "in",
                    [
                        ref(f"customer_value.check_template_{name}_demo").id
                        for name in (
                            "domain_controller",
                            "dbms",
                            "firewall",
                            "training",
                            "rollback",
                            "polaris_export",
                        )
                    ],
                )
            ]
        )

        def names(product):
            origin = self.env["crossgrade.origin"].new(
                {"competitor_product_id": product.id}
            )
            return set((Template._for_origin(origin) & demo).mapped("name"))

        self.assertIn("Domain controller compatibility", names(endpoint))
        self.assertIn("Firewall ports open (e.g. 1433 for SQL Server)", names(endpoint))
        self.assertEqual(
            names(mail), {"Staff trained on the new product", "Rollback plan agreed"}
        )
        self.assertEqual(
            names(database),
            {
                "Staff trained on the new product",
                "Rollback plan agreed",
                "Data exported from Polaris DB Server",
            },
        )
