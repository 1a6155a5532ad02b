# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""One-click answers to the feedback requests, without login.

A link of the e-mail (``/feedback/<token>/<score>``) opens a page that shows
the score selected and records nothing (a GET writes nothing). The page posts
the score (``/feedback/<token>/submit``, with the page's CSRF token) on the
first human gesture only: a click, a touch or a key on the page. Mail
security scanners that open links in a headless browser, JavaScript included,
therefore record nothing either. Unknown or expired tokens get a polite page;
the tokens are 256-bit random strings, so guessing them is pointless and no
rate limit stands in the way of customers sharing one address.

Staff signed in to Odoo who open a customer's link (e.g. from the chatter copy
of the request e-mail) see the request and cannot answer in the customer's
place.
"""

from odoo import http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.exceptions import UserError, ValidationError
from odoo.http import request

from .common import in_customer_language

FEEDBACK_PER_PAGE = 20


class FeedbackController(http.Controller):
    def _feedback(self, token):
        """The request of ``token`` (sudo), or an error page."""
        feedback = (
            request.env["customer.feedback"]
            .sudo()
            .search([("access_token", "=", token)], limit=1)
            if isinstance(token, str) and len(token) <= 64
            else None
        )
        if not feedback:
            return None, request.render(
                "customer_value.feedback_page_message",
                {"message_kind": "unknown"},
                status=404,
            )
        feedback = in_customer_language(feedback, feedback.partner_id.lang)
        if feedback._is_expired() or feedback.state not in ("sent", "answered"):
            return None, request.render(
                "customer_value.feedback_page_message",
                {"message_kind": "expired", "feedback": feedback},
                status=410,
            )
        return feedback, None

    @http.route(
        "/feedback/<string:token>/<int:score>",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
        sitemap=False,
        readonly=True,
    )
    def feedback_page(self, token, score, **kw):
        """Show the question with ``score`` selected; records nothing."""
        feedback, error_page = self._feedback(token)
        if error_page:
            return error_page
        if score not in feedback._scale_scores():
            score = None  # the current answer, if any, is shown instead
        return self._render_page(
            feedback, token, score, self._from_portal(feedback, kw.get("source"))
        )

    def _render_page(self, feedback, token, score, from_portal, status=200, **values):
        """The answer page; in the portal's layout when answered from it."""
        values = {
            "feedback": feedback,
            "score": score,
            "token": token,
            "from_portal": from_portal,
            "staff_view": self._staff_view(),
            **values,
        }
        if from_portal:
            values = {**CustomerPortal()._prepare_portal_layout_values(), **values}
        return request.render("customer_value.feedback_page", values, status=status)

    def _from_portal(self, feedback, source):
        """Answered from the contact's own portal (``/my/feedback``), logged in
        as that contact, rather than from the e-mail."""
        user = request.env.user
        return (
            source == "portal"
            and not user._is_public()
            and user.partner_id == feedback.partner_id
        )

    def _staff_view(self):
        """A signed-in internal user sees the request, never answers it."""
        user = request.env.user
        return not user._is_public() and user._is_internal()

    @http.route(
        "/feedback/<string:token>/submit",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
        sitemap=False,
    )
    def feedback_submit(self, token, score=None, comment=None, **kw):
        """Record the answer posted by the page (CSRF token required)."""
        feedback, error_page = self._feedback(token)
        if error_page:
            return error_page
        if self._staff_view():
            return self._render_page(feedback, token, None, False, status=403)
        try:
            score = int(score)
        except (TypeError, ValueError):
            score = None
        comment = (comment or "").strip()[:2000] or None
        from_portal = self._from_portal(feedback, kw.get("source"))
        try:
            feedback._apply_answer(score, comment, "portal" if from_portal else "email")
        except (UserError, ValidationError) as error:
            return self._render_page(
                feedback, token, None, from_portal, status=400, error=error.args[0]
            )
        return self._render_page(feedback, token, score, from_portal, recorded=True)


class FeedbackPortal(CustomerPortal):
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "feedback_count" in counters:
            Feedback = request.env["customer.feedback"]
            values["feedback_count"] = (
                Feedback.search_count(self._prepare_feedback_domain())
                if Feedback.has_access("read")
                else 0
            )
        return values

    def _prepare_feedback_domain(self):
        # feedback is personal: the contact's own requests, not their company's
        return [
            ("partner_id", "=", request.env.user.partner_id.id),
            ("state", "in", ("sent", "answered")),
        ]

    @http.route(
        ["/my/feedback", "/my/feedback/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def portal_my_feedback(self, page=1, **kw):
        """The customer's open requests (answered from here) and past answers."""
        Feedback = request.env["customer.feedback"]
        domain = self._prepare_feedback_domain()
        pager = portal_pager(
            url="/my/feedback",
            total=Feedback.search_count(domain),
            page=page,
            step=FEEDBACK_PER_PAGE,
        )
        requests = Feedback.search(
            domain,
            order="state desc, date_requested desc, id desc",
            limit=FEEDBACK_PER_PAGE,
            offset=pager["offset"],
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "feedback_requests": requests,
                "page_name": "feedback",
                "pager": pager,
                "default_url": "/my/feedback",
            }
        )
        return request.render("customer_value.portal_my_feedback", values)
