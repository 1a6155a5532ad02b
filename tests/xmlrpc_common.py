# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import contextlib
import io
import re
import xmlrpc.client
from pathlib import Path

from odoo import Command
from odoo.tests import HttpCase, get_db_name

README = Path(__file__).resolve().parents[1] / "README.md"
README_SETTINGS = '"http://localhost:8069", "customer_value", "admin", "admin"'


class XmlrpcCase(HttpCase):
    """Runs the README's XML-RPC examples and calls the live server as a given
    user (whose password is their login)."""

    def _run_readme_example(self, heading):
        """Run the first ``python`` block after ``heading`` against this
        server as admin; return the lines it printed."""
        text = README.read_text(encoding="utf-8")
        section = text[text.index(heading) :]
        code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
        self.assertIn(f"url, db, username, password = {README_SETTINGS}", code)
        code = code.replace(
            README_SETTINGS,
            f'"{self.base_url()}", "{get_db_name()}", "admin", "admin"',
        )
        self.env.ref("base.user_admin").password = "admin"
        self.env.flush_all()
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            exec(code, {})  # noqa: S102 - our own README
        return output.getvalue().splitlines()

    def _rpc_user(self, login, group, **values):
        """A user of ``group`` (an xml id) whose password is their login."""
        return self.env["res.users"].create(
            dict(
                {
                    "name": login,
                    "login": login,
                    "password": login,
                    "groups_id": [Command.set([self.env.ref(group).id])],
                },
                **values,
            )
        )

    def _call(self, login, model, method, *args, **kwargs):
        """``execute_kw`` as ``login``: faults come back as
        ``xmlrpc.client.Fault``. What the test wrote is flushed first, as a
        committed transaction would be."""
        self.env.flush_all()
        url = self.base_url()
        uid = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common").authenticate(
            get_db_name(), login, login, {}
        )
        models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", allow_none=True)
        return models.execute_kw(
            get_db_name(), uid, login, model, method, list(args), kwargs
        )
