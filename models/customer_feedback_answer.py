# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Answering a feedback request: the customer from the answer page, the
portal or the survey; staff and other systems with ``record_answer``."""

from odoo import fields, models
from odoo.exceptions import UserError, ValidationError

from .customer_feedback import CUSTOMER_SOURCES, STAFF_SOURCES, UNHAPPY
from .customer_feedback_touchpoint import METRIC_SCALES
from .formatting import format_date


class CustomerFeedback(models.Model):
    _inherit = "customer.feedback"

    def record_answer(self, score, comment=None, source="api"):
        """Record what the customer said, as staff (``source="staff"``, e.g. in
        a call or a meeting) or another system (``"api"``); the last answer
        wins. The customer's own answers come only from the e-mail link, the
        portal and the survey, never through this method."""
        self._cv_check_one(self)
        self.check_access("write")
        if source not in STAFF_SOURCES:
            raise ValidationError(
                self.env._(
                    "Unknown source %(value)r: staff record answers as %(sources)s; "
                    "only the customer answers from the e-mail, the portal or "
                    "the survey.",
                    value=source,
                    sources=", ".join(repr(key) for key in STAFF_SOURCES),
                )
            )
        self._apply_answer(score, comment, source)
        return True

    def _apply_answer(self, score, comment, source):
        self.ensure_one()
        low, high = METRIC_SCALES[self.metric]
        if (
            isinstance(score, bool)
            or not isinstance(score, int)
            or not low <= score <= high
        ):
            raise ValidationError(
                self.env._(
                    "The score of a %(metric)s answer is a whole number from %(low)s "
                    "to %(high)s, not %(score)r.",
                    metric=self._selection_label("metric"),
                    low=low,
                    high=high,
                    score=score,
                )
            )
        if comment is not None and not isinstance(comment, str):
            raise ValidationError(self.env._("The comment must be text."))
        if self._is_expired():
            raise UserError(
                self.env._(
                    "This request for feedback expired on %(date)s: it takes no "
                    "answer any more.",
                    date=format_date(self.env, self.date_expiry),
                )
            )
        comment = comment if comment is not None else self.comment
        if (
            self.state == "answered"
            and self.score == score
            and (self.comment or False) == (comment or False)
        ):
            return  # the same answer again (the e-mail link reopened): no change
        rescored = self.state == "answered" and self.score != score
        # sudo: the answer fields are written by this method only
        self.sudo().write(
            {
                "score": score,
                "comment": comment,
                "state": "answered",
                "source": source,
                "date_answered": fields.Datetime.now(),
            }
        )
        self.env["res.partner"]._note_contact(self.partner_id.ids)
        # an answer from the customer is posted in their name
        author = self.partner_id if source in CUSTOMER_SOURCES else None
        category = self._selection_label("category")
        self.message_post(
            author_id=author.id if author else None,
            body=self.env._(
                "Answer: %(score)s (%(category)s) - %(comment)s",
                score=score,
                category=category,
                comment=comment,
            )
            if comment
            else self.env._(
                "Answer: %(score)s (%(category)s)", score=score, category=category
            ),
        )
        followup = self.sudo()
        if (
            self.category in UNHAPPY
            and followup.followup_state != "open"
            and (rescored or not followup.followup_state)
        ):
            self._open_followup()
        # an answer is a signal of the customer's health: recomputed at once
        # when it was computed already (not only by the nightly job)
        self.partner_id.with_company(self.company_id)._refresh_health()

    def _apply_survey_answer(self):
        """The survey of this request was completed: its first scale answer is
        the score, its first free-text answer the comment."""
        self.ensure_one()
        answer = self.sudo().survey_user_input_id
        question = self.touchpoint_id._survey_score_question()
        lines = answer.user_input_line_ids.filtered(lambda line: not line.skipped)
        score_line = lines.filtered(lambda line: line.question_id == question)[:1]
        text_line = lines.filtered(lambda line: line.answer_type == "text_box")[:1]
        if not score_line:
            self.message_post(
                body=self.env._("The survey was completed without a score.")
            )
            return
        try:
            self._apply_answer(
                score_line.value_scale, text_line.value_text_box or None, "survey"
            )
        except (UserError, ValidationError) as error:
            # e.g. completed after the request expired: said, not raised
            self.message_post(
                body=self.env._(
                    "Survey answer not recorded: %(error)s", error=error.args[0]
                )
            )
