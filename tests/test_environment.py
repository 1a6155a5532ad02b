# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The environment scripts/_env.sh builds runs Odoo the way production does."""

import pkg_resources

from odoo.tests import BaseCase, tagged


@tagged("post_install", "-at_install")
class TestEnvironment(BaseCase):
    def test_the_websocket_process_finds_its_dependencies(self):
        # prefork mode (--workers) starts `odoo-bin gevent` for websockets;
        # with zope.interface 8 it died at start on this very lookup
        pkg_resources.require("gevent")
