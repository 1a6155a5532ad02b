# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The upgrade scripts of 18.0.1.1.0, run on the schema and data of
18.0.1.0.0 (rebuilt inside the test's transaction)."""

import importlib.util
import re
from datetime import date
from pathlib import Path

from psycopg2.extras import Json

from odoo.tests import tagged

from .common import CrossgradeCommon

SCRIPTS = Path(__file__).resolve().parents[1] / "migrations" / "18.0.1.1.0"


def _script(name, version="18.0.1.1.0"):
    folder = SCRIPTS.parent / version
    spec = importlib.util.spec_from_file_location(name, folder / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install")
class TestMigration(CrossgradeCommon):
    def test_verified_by_becomes_verified_by_id_keeping_data(self):
        origin = self._origin(verified_by_id=self.manager.id)
        self.env.flush_all()
        cr = self.env.cr
        # as 18.0.1.0.0 left it
        cr.execute(
            "ALTER TABLE crossgrade_origin RENAME COLUMN verified_by_id TO verified_by"
        )
        cr.execute(
            "UPDATE ir_model_fields SET name = 'verified_by' "
            "WHERE model = 'crossgrade.origin' AND name = 'verified_by_id'"
        )
        cr.execute(
            "UPDATE ir_model_data SET name = 'field_crossgrade_origin__verified_by' "
            "WHERE module = 'customer_value' "
            "AND name = 'field_crossgrade_origin__verified_by_id'"
        )
        _script("pre-migration").migrate(cr, "18.0.1.0.0")
        _script("pre-migration").migrate(cr, "18.0.1.0.0")  # twice: harmless
        cr.execute(
            "SELECT verified_by_id FROM crossgrade_origin WHERE id = %s", [origin.id]
        )
        self.assertEqual(cr.fetchone()[0], self.manager.id)
        cr.execute(
            "SELECT name FROM ir_model_fields WHERE model = 'crossgrade.origin' "
            "AND name LIKE 'verified_by%%'"
        )
        self.assertEqual(cr.fetchall(), [("verified_by_id",)])
        self.assertTrue(
            self.env.ref("customer_value.field_crossgrade_origin__verified_by_id")
        )

    def test_reminder_log_gets_its_company(self):
        voucher_type = self.env["customer.voucher.type"].create(
            {
                "name": "Migrated type",
                "reminder_step_ids": [(0, 0, {"anchor": "issue", "days": 1})],
            }
        )
        voucher = self.env["customer.voucher"].create(
            {"type_id": voucher_type.id, "partner_id": self.customer.id}
        )
        log = self.env["customer.voucher.reminder"].create(
            {
                "voucher_id": voucher.id,
                "step_id": voucher_type.reminder_step_ids.id,
                "status": "sent",
            }
        )
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE customer_voucher_reminder SET company_id = NULL WHERE id = %s",
            [log.id],
        )
        _script("post-migration").migrate(self.env.cr, "18.0.1.0.0")
        log.invalidate_recordset()
        self.assertEqual(log.company_id, voucher.company_id)

    def test_new_install_runs_nothing(self):
        self.env.flush_all()
        self.assertIsNone(_script("pre-migration").migrate(self.env.cr, None))
        self.assertIsNone(_script("post-migration").migrate(self.env.cr, None))

    def test_last_contact_dates_are_filled_from_history(self):
        """18.0.1.2.0: the customers' last contact comes from the messages of
        before the upgrade."""
        contact = self.env["res.partner"].create(
            {"name": "Migrated Contact", "parent_id": self.customer.id}
        )
        self.customer.message_post(
            body="Renewal terms",
            partner_ids=contact.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.env.flush_all()
        # as 18.0.1.1.0 left it: no last contact yet
        self.env.cr.execute(
            "UPDATE res_partner SET last_contact_date = NULL, next_contact_date = NULL"
            " WHERE id = %s",
            [self.customer.id],
        )
        self.customer.invalidate_recordset()
        _script("post-migration", "18.0.1.2.0").migrate(self.env.cr, "18.0.1.1.0")
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.last_contact_date, date.today())

    def test_reoffer_win_rate_of_other_leads_becomes_empty(self):
        """18.0.1.4.0: a lead that is no re-offer had a win rate of 0."""
        lost = self.env["crm.lead"].create({"name": "Lost once", "active": False})
        plain = self.env["crm.lead"].create({"name": "Plain"})
        reoffer = self.env["crm.lead"].create(
            {"name": "Again", "reoffer_of_id": lost.id}
        )
        self.env.flush_all()
        # as 18.0.1.3.0 left it
        self.env.cr.execute(
            "UPDATE crm_lead SET reoffer_win_rate = 0 WHERE id IN %s",
            [(plain.id, reoffer.id)],
        )
        _script("post-migration", "18.0.1.4.0").migrate(self.env.cr, "18.0.1.3.0")
        self.env.cr.execute(
            "SELECT id, reoffer_win_rate FROM crm_lead WHERE id IN %s ORDER BY id",
            [(plain.id, reoffer.id)],
        )
        self.assertEqual(self.env.cr.fetchall(), [(plain.id, None), (reoffer.id, 0.0)])
        (plain | reoffer).invalidate_recordset()
        self.assertFalse(plain.reoffer_win_rate)

    def test_score_of_unanswered_feedback_becomes_empty(self):
        """18.0.1.5.0: a request not answered had a score of 0."""
        touchpoint = self.env["customer.feedback.touchpoint"].create(
            {"name": "Migrated NPS", "metric": "nps"}
        )
        contact = self.env["res.partner"].create(
            {"name": "Mig", "email": "mig@example.com"}
        )
        Feedback = self.env["customer.feedback"]
        asked = Feedback.browse(Feedback.request_feedback(touchpoint.id, contact.id))
        answered = Feedback.create(
            {"touchpoint_id": touchpoint.id, "partner_id": contact.id}
        )
        answered._send_requests()
        answered._apply_answer(0, None, "email")
        self.env.flush_all()
        # as 18.0.1.4.0 left it
        self.env.cr.execute(
            "UPDATE customer_feedback SET score = 0 WHERE id = %s", [asked.id]
        )
        _script("post-migration", "18.0.1.5.0").migrate(self.env.cr, "18.0.1.4.0")
        self.env.cr.execute(
            "SELECT id, score FROM customer_feedback WHERE id IN %s ORDER BY id",
            [(asked.id, answered.id)],
        )
        self.assertEqual(self.env.cr.fetchall(), [(asked.id, None), (answered.id, 0)])

    def test_contact_job_starts_from_the_last_message(self):
        """18.0.1.6.0: the messages were counted when posted until then: the
        new job of every 15 minutes reads on from the last one."""
        self.env.cr.execute(
            "DELETE FROM ir_config_parameter WHERE key LIKE 'customer_value.contact_%%'"
        )
        self.customer.message_post(body="Before the upgrade")
        self.env.flush_all()
        _script("post-migration", "18.0.1.6.0").migrate(self.env.cr, "18.0.1.5.0")
        self.env.cr.execute("SELECT max(id) FROM mail_message")
        last = self.env.cr.fetchone()[0]
        params = self.env["ir.config_parameter"].sudo()
        self.assertEqual(
            params.get_param("customer_value.contact_message_watermark"), str(last)
        )
        self.assertTrue(params.get_param("customer_value.contact_last_run"))

    def test_health_becomes_per_company(self):
        """18.0.1.5.0: the status, score and plan of a customer of one company
        are kept under that company; those of a shared customer, the dates
        and the reasons are emptied, for the nightly job to compute again."""
        company = self.env.company
        family = self.env["subscription.plan.family"].create({"name": "Migrated"})
        own = self.env["res.partner"].create(
            {"name": "Own Customer", "company_id": company.id}
        )
        shared = self.env["res.partner"].create({"name": "Shared Customer"})
        self.env.flush_all()
        cr = self.env.cr
        # as 18.0.1.4.0 left it: plain columns, a foreign key, reasons
        cr.execute(
            """
            ALTER TABLE res_partner
                DROP COLUMN health_state, DROP COLUMN health_score,
                DROP COLUMN health_date, DROP COLUMN health_plan_family_id,
                ADD COLUMN health_state varchar, ADD COLUMN health_score int4,
                ADD COLUMN health_date date,
                ADD COLUMN health_plan_family_id int4
                    REFERENCES subscription_plan_family(id) ON DELETE SET NULL
            """
        )
        cr.execute(
            "UPDATE res_partner SET health_state = 'critical', health_score = 40, "
            "health_date = '2026-11-30', health_plan_family_id = %s WHERE id IN %s",
            [family.id, (own.id, shared.id)],
        )
        _script("pre-migration", "18.0.1.5.0").migrate(cr, "18.0.1.4.0")
        _script("pre-migration", "18.0.1.5.0").migrate(cr, "18.0.1.4.0")  # harmless
        cr.execute(
            "SELECT id, health_state, health_score, health_date, "
            "health_plan_family_id FROM res_partner WHERE id IN %s ORDER BY id",
            [(own.id, shared.id)],
        )
        key = str(company.id)
        self.assertEqual(
            cr.fetchall(),
            [
                (own.id, {key: "critical"}, {key: 40}, None, {key: family.id}),
                (shared.id, None, None, None, None),
            ],
        )
        cr.execute("SELECT count(*) FROM customer_health_reason")
        self.assertEqual(cr.fetchone()[0], 0)
        self.env.invalidate_all()
        self.assertEqual(
            (own.health_state, own.health_plan_family_id, own.health_date),
            ("critical", family, False),
        )

    def test_feedback_request_mail_greets_the_contact_and_labels_the_scale(self):
        """18.0.1.5.0: the request e-mails (noupdate) are mended in place."""
        template = self.env.ref("customer_value.mail_template_feedback_request")
        new_body = template.body_html
        old_body = new_body.replace(
            """<t t-if="object._greeting_name()"> """
            """<t t-out="object._greeting_name()">Marc Demo</t></t>""",
            """ <t t-out="object.partner_id.name or ''">Marc Demo</t>""",
        )
        old_body = (
            old_body[: old_body.index('<p style="margin: 4px')]
            + old_body[old_body.index('<p style="margin: 8px') :]
        )
        self.assertNotIn("_scale_ends", old_body)
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE mail_template SET body_html = %s WHERE id = %s",
            [
                Json({"en_US": old_body, "fa_IR": old_body.replace("Hello", "سلام")}),
                template.id,
            ],
        )
        _script("post-migration", "18.0.1.5.0").migrate(self.env.cr, "18.0.1.4.0")
        _script("post-migration", "18.0.1.5.0").migrate(self.env.cr, "18.0.1.4.0")
        self.env.cr.execute(
            "SELECT body_html FROM mail_template WHERE id = %s", [template.id]
        )
        bodies = self.env.cr.fetchone()[0]
        self.assertEqual(bodies["en_US"], new_body)
        self.assertIn("سلام<t t-if", bodies["fa_IR"])
        self.assertEqual(bodies["fa_IR"].count("_scale_ends()"), 1)

    def test_referral_and_voucher_mails_take_the_recipients_direction(self):
        """18.0.1.5.0: the referral and voucher e-mails (noupdate) get the
        recipient language's direction, in every language."""
        names = (
            "mail_template_referral_thanks",
            "mail_template_referral_outcome",
            "mail_template_voucher_reminder",
        )
        templates = [self.env.ref(f"customer_value.{name}") for name in names]
        new_bodies = [template.body_html for template in templates]
        self.env.flush_all()
        for template, body in zip(templates, new_bodies, strict=True):
            self.assertIn("t-att-dir", body)
            old = re.sub(r' t-att-dir="[^"]*"', "", body, count=1)
            self.env.cr.execute(
                "UPDATE mail_template SET body_html = %s WHERE id = %s",
                [Json({"en_US": old, "fa_IR": old}), template.id],
            )
        _script("post-migration", "18.0.1.5.0").migrate(self.env.cr, "18.0.1.4.0")
        _script("post-migration", "18.0.1.5.0").migrate(self.env.cr, "18.0.1.4.0")
        for template, body in zip(templates, new_bodies, strict=True):
            self.env.cr.execute(
                "SELECT body_html FROM mail_template WHERE id = %s", [template.id]
            )
            bodies = self.env.cr.fetchone()[0]
            self.assertEqual(bodies["en_US"], body, template.name)
            self.assertEqual(bodies["fa_IR"].count("t-att-dir"), 1)
