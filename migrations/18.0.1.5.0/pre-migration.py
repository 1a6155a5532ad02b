# Copyright 2026 customer_value contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""18.0.1.5.0: customer health is per company. The partners' health values
become company-dependent: the status, score and plan of a customer of one
company are kept, under that company; those of a customer shared between
companies mixed every company's documents, so they are emptied. The reasons
(which now carry their company) and the computation dates are emptied, so
that the next run of the nightly job computes every customer again, in each
company."""

from odoo.tools import SQL

HEALTH_COLUMNS = (
    "health_state",
    "health_score",
    "health_date",
    "health_plan_family_id",
)


def migrate(cr, version):
    if not version:
        return
    for column in HEALTH_COLUMNS:
        cr.execute(
            "SELECT udt_name FROM information_schema.columns "
            "WHERE table_name = 'res_partner' AND column_name = %s",
            [column],
        )
        row = cr.fetchone()
        if not row or row[0] == "jsonb":
            continue
        # a company-dependent many2one has no foreign key (a jsonb column)
        cr.execute(
            SQL(
                "ALTER TABLE res_partner DROP CONSTRAINT IF EXISTS %s",
                SQL.identifier(f"res_partner_{column}_fkey"),
            )
        )
        cr.execute(
            SQL(
                """
                ALTER TABLE res_partner ALTER COLUMN %(column)s TYPE jsonb
                USING CASE WHEN %(column)s IS NOT NULL AND company_id IS NOT NULL
                                AND %(keep)s
                           THEN jsonb_build_object(company_id::text, %(column)s)
                      END
                """,
                column=SQL.identifier(column),
                keep=SQL("TRUE" if column != "health_date" else "FALSE"),
            )
        )
    cr.execute("DELETE FROM customer_health_reason")
