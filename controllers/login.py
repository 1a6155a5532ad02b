# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The portal in the signed-in user's language.

The login page is a public page: it stores the visitor's language in the
``frontend_lang`` cookie, which Odoo then prefers to the user's own language
on every portal page (a Persian customer got the portal in English). Signing
in sets the cookie to the user's language; the language selector changes it
afterwards as usual."""

from odoo import http
from odoo.addons.portal.controllers.web import Home
from odoo.http import request


class LoginLanguageHome(Home):
    @http.route()
    def web_login(self, *args, **kw):
        response = super().web_login(*args, **kw)
        uid = request.session.uid
        if request.params.get("login_success") and uid:
            lang = request.env["res.users"].sudo().browse(uid).lang
            if lang in dict(request.env["res.lang"].get_installed()):
                response.set_cookie("frontend_lang", lang)
        return response
