# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The triggers in use are cached; the cache (Odoo's default one, cleared in
every worker) is cleared only when they change, not at each touchpoint
created or edited."""

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestTouchpointCache(TransactionCase):
    def setUp(self):
        super().setUp()
        self.Touchpoint = self.env["customer.feedback.touchpoint"]
        self.registry = self.env.registry
        self.addCleanup(
            self.registry.cache_invalidated.update,
            set(self.registry.cache_invalidated),
        )
        self.manual = self.Touchpoint.create(
            {"name": "Cache manual", "metric": "nps", "trigger": "manual"}
        )

    def _cleared(self, operation):
        """Whether ``operation`` cleared the default cache."""
        self.Touchpoint._triggers_in_use()  # cached
        self.registry.cache_invalidated.clear()
        operation()
        return "default" in self.registry.cache_invalidated

    def test_cleared_only_when_the_triggers_in_use_change(self):
        self.assertFalse(
            self._cleared(lambda: self.manual.write({"name": "Cache manual, renamed"})),
            "a name",
        )
        self.assertFalse(
            self._cleared(
                lambda: self.Touchpoint.create(
                    {"name": "Another manual", "metric": "csat", "trigger": "manual"}
                )
            ),
            "a second touchpoint of a trigger in use",
        )
        in_use = self.Touchpoint._triggers_in_use()
        trigger = next(
            key
            for key, _label in self.Touchpoint._fields["trigger"].selection
            if key not in in_use and key != "periodic"
        )
        self.assertTrue(
            self._cleared(lambda: self.manual.write({"trigger": trigger})),
            "a trigger not in use yet",
        )
        self.assertIn(trigger, self.Touchpoint._triggers_in_use())
        self.assertTrue(
            self._cleared(lambda: self.manual.write({"active": False})),
            "its only touchpoint archived",
        )
        self.assertNotIn(trigger, self.Touchpoint._triggers_in_use())
        self.assertFalse(
            self._cleared(lambda: self.manual.unlink()), "an archived touchpoint"
        )
