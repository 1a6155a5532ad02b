# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from .common import in_customer_language

VOUCHERS_PER_PAGE = 20


class VoucherPortal(CustomerPortal):
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "voucher_count" in counters:
            Voucher = request.env["customer.voucher"]
            values["voucher_count"] = (
                Voucher.search_count(self._prepare_vouchers_domain())
                if Voucher.has_access("read")
                else 0
            )
        return values

    def _prepare_vouchers_domain(self):
        # The record rules restrict a portal user to their company's vouchers;
        # the domain says the same for internal users browsing the portal.
        partner = request.env.user.partner_id.commercial_partner_id
        return [("partner_id", "=", partner.id), ("state", "!=", "cancelled")]

    @http.route(
        ["/my/vouchers", "/my/vouchers/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def portal_my_vouchers(self, page=1, **kw):
        Voucher = request.env["customer.voucher"]
        domain = self._prepare_vouchers_domain()
        pager = portal_pager(
            url="/my/vouchers",
            total=Voucher.search_count(domain),
            page=page,
            step=VOUCHERS_PER_PAGE,
        )
        vouchers = Voucher.search(
            domain,
            order="state, expiry_date, id",
            limit=VOUCHERS_PER_PAGE,
            offset=pager["offset"],
        )
        request.session["my_vouchers_history"] = vouchers.ids[:100]
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "vouchers": vouchers,
                "page_name": "voucher",
                "pager": pager,
                "default_url": "/my/vouchers",
            }
        )
        return request.render("customer_value.portal_my_vouchers", values)

    @http.route(
        "/my/vouchers/<int:voucher_id>",
        type="http",
        auth="public",
        website=True,
        readonly=True,
    )
    def portal_my_voucher(self, voucher_id, access_token=None, **kw):
        """A voucher: how to use it, its value, expiry and history. Opened by
        its customer's portal users, or by anyone with the link of a mail."""
        try:
            voucher = self._document_check_access(
                "customer.voucher", voucher_id, access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        if request.env.user._is_public() and not request.cookies.get("frontend_lang"):
            # no language chosen by a user: the customer's, if installed
            voucher = in_customer_language(
                voucher, voucher.beneficiary_id.lang or voucher.partner_id.lang
            )
        values = self._get_page_view_values(
            voucher,
            access_token,
            {"voucher": voucher, "page_name": "voucher_detail"},
            "my_vouchers_history",
            False,
        )
        return request.render("customer_value.portal_my_voucher", values)
