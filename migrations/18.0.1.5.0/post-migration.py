# Copyright 2026 customer_value contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""18.0.1.5.0: the score of a feedback request not answered is empty (it was
stored as 0, the worst NPS answer, and shown as such in lists and exports);
the feedback request e-mails greet the contact and label the scale's ends;
the referral and voucher e-mails read right-to-left for Persian recipients."""

from psycopg2.extras import Json


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        "UPDATE customer_feedback SET score = NULL "
        "WHERE state != 'answered' AND score IS NOT NULL"
    )
    _feedback_request_template(cr)
    _right_to_left_templates(cr)


OLD_GREETING = """ <t t-out="object.partner_id.name or ''">Marc Demo</t>"""
NEW_GREETING = (
    """<t t-if="object._greeting_name()"> """
    """<t t-out="object._greeting_name()">Marc Demo</t></t>"""
)
FOOTNOTE = (
    '<p style="margin: 8px 0px 0px 0px; padding: 0px; font-size: 12px; '
    'color: #888888;">'
)
SCALE_ENDS = (
    '<p style="margin: 4px 0px 0px 0px; padding: 0px; font-size: 12px; '
    'color: #555555;" t-out="object._scale_ends()">0 = not at all likely, '
    "10 = extremely likely</p>\n    "
)


def _feedback_request_template(cr):
    """The request e-mails (kept on upgrade: noupdate) greet the contact, not
    a company, and say what the ends of the scale mean; in every language,
    keeping the rest of a body someone edited."""
    cr.execute(
        """
        SELECT t.id, t.body_html FROM mail_template t
          JOIN ir_model_data d ON d.model = 'mail.template' AND d.res_id = t.id
         WHERE d.module = 'customer_value'
           AND d.name IN ('mail_template_feedback_request',
                          'mail_template_feedback_survey')
        """
    )
    for template_id, body in cr.fetchall():
        changed = {}
        for lang, html in (body or {}).items():
            new = html.replace(OLD_GREETING, NEW_GREETING)
            if "_scale_ends()" not in new and "_scale_scores()" in new:
                new = new.replace(FOOTNOTE, SCALE_ENDS + FOOTNOTE, 1)
            changed[lang] = new
        if changed != body:
            cr.execute(
                "UPDATE mail_template SET body_html = %s WHERE id = %s",
                [Json(changed), template_id],
            )


OUTER_DIV = '<div style="margin: 0px; padding: 0px;">'
DIRECTION = {
    "mail_template_referral_thanks": "object._mail_recipient().lang",
    "mail_template_referral_outcome": "object._mail_recipient().lang",
    "mail_template_voucher_reminder": (
        "(object.beneficiary_id or object.partner_id).lang"
    ),
}


def _right_to_left_templates(cr):
    """The referral and voucher e-mails (noupdate) take the direction of the
    recipient's language, as the feedback e-mails do, in every language."""
    cr.execute(
        """
        SELECT d.name, t.id, t.body_html FROM mail_template t
          JOIN ir_model_data d ON d.model = 'mail.template' AND d.res_id = t.id
         WHERE d.module = 'customer_value' AND d.name IN %s
        """,
        [tuple(DIRECTION)],
    )
    for name, template_id, body in cr.fetchall():
        div = (
            '<div style="margin: 0px; padding: 0px;" t-att-dir="object.env'
            f"['res.lang']._lang_get({DIRECTION[name]} or 'en_US').direction "
            """or 'ltr'">"""
        )
        changed = {
            lang: html if "t-att-dir" in html else html.replace(OUTER_DIV, div, 1)
            for lang, html in (body or {}).items()
        }
        if changed != body:
            cr.execute(
                "UPDATE mail_template SET body_html = %s WHERE id = %s",
                [Json(changed), template_id],
            )
