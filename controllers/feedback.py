# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""One-click answers to the feedback requests, without login.

A link of the e-mail (``/feedback/<token>/<score>``) opens a page that shows
the score selected; the page's browser posts it, with the page's CSRF token
(``/feedback/<token>/submit``). A mail link checker that only fetches the
URL records nothing (Odoo removed writing on GET from its rating links for
that reason). Unknown or expired tokens get a polite page; unknown tokens are
counted per address so that guessing them is pointless.
"""

import time
from collections import defaultdict, deque

from odoo import http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.exceptions import UserError, ValidationError
from odoo.http import request

from .common import in_customer_language

FEEDBACK_PER_PAGE = 20

# at most this many unknown tokens per client address and window
UNKNOWN_TOKENS_PER_WINDOW = 20
WINDOW_SECONDS = 600
_unknown_tokens = defaultdict(deque)


def _too_many_unknown(address):
    now = time.monotonic()
    seen = _unknown_tokens[address]
    while seen and now - seen[0] > WINDOW_SECONDS:
        seen.popleft()
    return len(seen) >= UNKNOWN_TOKENS_PER_WINDOW


def _note_unknown(address):
    _unknown_tokens[address].append(time.monotonic())


class FeedbackController(http.Controller):
    def _feedback(self, token):
        """The request of ``token`` (sudo), or an error page."""
        address = request.httprequest.remote_addr or ""
        if _too_many_unknown(address):
            return None, request.render(
                "customer_value.feedback_page_message",
                {"message_kind": "busy"},
                status=429,
            )
        feedback = (
            request.env["customer.feedback"]
            .sudo()
            .search([("access_token", "=", token)], limit=1)
            if isinstance(token, str) and len(token) <= 64
            else None
        )
        if not feedback:
            _note_unknown(address)
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
    )
    def feedback_page(self, token, score, **kw):
        """Show the question with ``score`` selected; records nothing."""
        feedback, error_page = self._feedback(token)
        if error_page:
            return error_page
        if score not in feedback._scale_scores():
            score = None
        return request.render(
            "customer_value.feedback_page",
            {
                "feedback": feedback,
                "score": score,
                "token": token,
                "from_portal": self._from_portal(feedback, kw.get("source")),
            },
        )

    def _from_portal(self, feedback, source):
        """Answered from the customer's portal (``/my/feedback``), logged in as
        one of the customer's contacts, rather than from the e-mail."""
        user = request.env.user
        return (
            source == "portal"
            and not user._is_public()
            and user.partner_id.commercial_partner_id == feedback.commercial_partner_id
        )

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
        try:
            score = int(score)
        except (TypeError, ValueError):
            score = None
        comment = (comment or "").strip()[:2000] or None
        from_portal = self._from_portal(feedback, kw.get("source"))
        try:
            feedback._apply_answer(score, comment, "portal" if from_portal else "email")
        except (UserError, ValidationError) as error:
            return request.render(
                "customer_value.feedback_page",
                {
                    "feedback": feedback,
                    "score": None,
                    "token": token,
                    "error": error.args[0],
                    "from_portal": from_portal,
                },
                status=400,
            )
        return request.render(
            "customer_value.feedback_page",
            {
                "feedback": feedback,
                "score": score,
                "token": token,
                "recorded": True,
                "from_portal": from_portal,
            },
        )


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
        partner = request.env.user.partner_id.commercial_partner_id
        return [
            ("commercial_partner_id", "=", partner.id),
            ("state", "in", ("sent", "answered")),
        ]

    @http.route(
        ["/my/feedback", "/my/feedback/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
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
