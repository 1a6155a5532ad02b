# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.exceptions import ValidationError
from odoo.http import request

from ..models.customer_referral import PORTAL_SOURCES, PUBLIC_KEYS

REFERRALS_PER_PAGE = 20
# rows of the form: the customer is asked for three names or more
FORM_ROWS = 5
# the text fields of a referral; consent is the row's checkbox
LINE_KEYS = tuple(key for key in PUBLIC_KEYS if key != "consent")
# what became of the names sent, shown once on the page the form redirects to
SESSION_KEY = "customer_value_referral_outcome"
# Odoo's cookie of the UTM medium of the link the customer came by (utm)
UTM_MEDIUM_COOKIE = "odoo_utm_medium"


class ReferralPortal(CustomerPortal):
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "referral_count" in counters:
            Referral = request.env["customer.referral"]
            values["referral_count"] = (
                Referral.search_count(self._prepare_referrals_domain())
                if Referral.has_access("read")
                else 0
            )
        return values

    def _prepare_referrals_domain(self):
        partner = request.env.user.partner_id.commercial_partner_id
        return [("referrer_id", "=", partner.id)]

    @staticmethod
    def _referral_lines(post):
        """The filled rows of the form, as the dicts ``submit`` takes."""
        lines = []
        for row in range(FORM_ROWS):
            line = {
                key: post.get(f"{key}_{row}", "").strip()
                for key in LINE_KEYS
                if post.get(f"{key}_{row}", "").strip()
            }
            if line:
                line["consent"] = bool(post.get(f"consent_{row}"))
                lines.append(line)
        return lines

    @staticmethod
    def _referral_source(medium):
        """The source of the names given after coming by a link of UTM medium
        ``medium``: the referral invitation's (invoice, order e-mail), else
        the portal."""
        return medium if medium in PORTAL_SOURCES else "portal"

    def _readonly_unless_posted(self):
        """The page is read on the read replica; the form posted writes."""
        return request.httprequest.method == "GET"

    @http.route(
        ["/my/referrals", "/my/referrals/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        methods=["GET", "POST"],
        readonly=_readonly_unless_posted,
    )
    def portal_my_referrals(self, page=1, **post):
        """The names the customer gave and what became of each (not the
        deal), and a form to give more. The form is posted, then the page
        shown again (Post/Redirect/Get: reloading it sends nothing), with
        what became of the names sent and the refused rows still filled in."""
        if request.httprequest.method == "POST":
            return self._post_referrals(post)
        outcome = request.session.pop(SESSION_KEY, None) or {}
        # the link the customer came by (its UTM medium, kept by Odoo in a
        # cookie when cookies are allowed) is sent with the form
        source = self._referral_source(
            post.get("utm_medium")
            or outcome.get("source")
            or request.httprequest.cookies.get(UTM_MEDIUM_COOKIE)
        )
        refused = outcome.get("refused", [])[:FORM_ROWS]
        values = self._prepare_portal_layout_values()
        Referral = request.env["customer.referral"]
        domain = self._prepare_referrals_domain()
        pager = portal_pager(
            url="/my/referrals",
            total=Referral.search_count(domain),
            page=page,
            step=REFERRALS_PER_PAGE,
        )
        referrals = Referral.search(
            domain, limit=REFERRALS_PER_PAGE, offset=pager["offset"]
        )
        values.update(
            {
                "referrals": referrals,
                "received": outcome.get("received", []),
                "error": outcome.get("error", False),
                # the refused rows first, filled in as sent, then empty ones
                "form_rows": refused + [{}] * (FORM_ROWS - len(refused)),
                "referral_source": source,
                "page_name": "referral",
                "pager": pager,
                "default_url": "/my/referrals",
            }
        )
        return request.render("customer_value.portal_my_referrals", values)

    def _post_referrals(self, post):
        lines = self._referral_lines(post)
        source = self._referral_source(post.get("referral_source"))
        outcome = {"received": [], "refused": [], "error": False, "source": source}
        try:
            results = (
                request.env["customer.referral"]
                .sudo()
                ._submit_portal(request.env.user.partner_id, lines, source=source)
            )
        except ValidationError as exc:
            # nothing recorded: every row stays as it was
            outcome["error"] = exc.args[0]
            outcome["refused"] = [{"values": line} for line in lines]
        else:
            for line, result in zip(lines, results, strict=True):
                if "error" in result:
                    outcome["refused"].append(
                        {"values": line, "error": result["error"]}
                    )
                else:
                    outcome["received"].append(result["name"])
        request.session[SESSION_KEY] = outcome
        return request.redirect("/my/referrals", code=303)
