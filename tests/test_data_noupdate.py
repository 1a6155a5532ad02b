# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""An upgrade (-u) keeps what users changed in the addon's data records."""

import ast
from pathlib import Path

from lxml import etree

from odoo.tests import TransactionCase, tagged
from odoo.tools import convert_file

ROOT = Path(__file__).resolve().parents[1]
# Records users may edit: an upgrade must not touch them.
USER_EDITABLE = {
    "ir.cron",
    "mail.template",
    "ir.config_parameter",
    "ir.sequence",
    "mailing.list",
    "sale.subscription.change.reason",
    "sale.subscription.close.reason",
}


@tagged("post_install", "-at_install")
class TestDataNoupdate(TransactionCase):
    def _data_files(self):
        manifest = ast.literal_eval((ROOT / "__manifest__.py").read_text())
        return [path for path in manifest["data"] if path.endswith(".xml")]

    def test_user_editable_records_are_noupdate(self):
        found = set()
        for path in self._data_files():
            tree = etree.parse(str(ROOT / path))  # noqa: S320 - our own files
            for record in tree.iter("record"):
                if record.get("model") not in USER_EDITABLE:
                    continue
                flags = [
                    node.get("noupdate")
                    for node in record.iterancestors()
                    if node.get("noupdate") is not None
                ]
                self.assertTrue(
                    flags and flags[0] in ("1", "True"),
                    f"{path}: record {record.get('id')} is not noupdate",
                )
                found.add(record.get("model"))
                xmlid = f"customer_value.{record.get('id')}"
                data = self.env["ir.model.data"]._xmlid_lookup(xmlid)
                self.assertTrue(data)
        self.assertGreaterEqual(
            found, {"ir.cron", "mail.template", "sale.subscription.change.reason"}
        )

    def test_upgrade_keeps_what_users_changed(self):
        cron = self.env.ref("customer_value.ir_cron_voucher_reminders")
        trials = self.env.ref("customer_value.ir_cron_subscription_trials")
        template = self.env.ref("customer_value.mail_template_voucher_reminder")
        reason = self.env.ref("customer_value.change_reason_budget")
        lapsed = self.env.ref("customer_value.close_reason_trial_lapsed")
        (cron | trials).write({"active": False})
        template.subject = "Your voucher, edited"
        reason.name = "Money"
        lapsed.name = "Trial over"
        for path in self._data_files():
            # what `-u customer_value` does with each data file
            convert_file(
                self.env, "customer_value", path, {}, mode="update", noupdate=False
            )
        self.assertFalse(cron.active)
        self.assertFalse(trials.active)
        self.assertEqual(template.subject, "Your voucher, edited")
        self.assertEqual(reason.name, "Money")
        self.assertEqual(lapsed.name, "Trial over")
