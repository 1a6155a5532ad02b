# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import io
import re
from pathlib import Path

import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import trans_export

I18N = Path(__file__).resolve().parents[1] / "i18n"
LANGUAGES = ("fa", "el", "pt_BR", "ru")
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s|%[sd]")


@tagged("post_install", "-at_install")
class TestI18n(TransactionCase):
    def test_template_is_up_to_date(self):
        buffer = io.BytesIO()
        trans_export(None, ["customer_value"], buffer, "po", self.env.cr)
        exported = {entry.msgid for entry in polib.pofile(buffer.getvalue().decode())}
        committed = {
            entry.msgid for entry in polib.pofile(str(I18N / "customer_value.pot"))
        }
        self.assertEqual(
            exported - committed, set(), "strings missing: run scripts/i18n"
        )
        self.assertEqual(committed - exported, set(), "stale strings: run scripts/i18n")

    def test_languages_are_complete_and_keep_placeholders(self):
        template = {
            entry.msgid for entry in polib.pofile(str(I18N / "customer_value.pot"))
        }
        for lang in LANGUAGES:
            po = polib.pofile(str(I18N / f"{lang}.po"))
            with self.subTest(lang=lang):
                self.assertEqual({entry.msgid for entry in po}, template)
                untranslated = [e.msgid for e in po.untranslated_entries()]
                self.assertFalse(untranslated[:5], f"{len(untranslated)} untranslated")
                self.assertFalse([e.msgid for e in po.fuzzy_entries()])
                for entry in po:
                    self.assertEqual(
                        sorted(PLACEHOLDER.findall(entry.msgid)),
                        sorted(PLACEHOLDER.findall(entry.msgstr)),
                        f"{lang}: {entry.msgid!r}",
                    )
