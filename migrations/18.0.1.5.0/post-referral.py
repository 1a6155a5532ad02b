# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""18.0.1.5.0, referrals: the thank-you mail no longer tells why a name is
not pursued (the template is noupdate: the reason is taken out of its body
in every language, what users changed elsewhere stays); the names already
rewarded count as qualified (only qualified names earn the names reward)."""

import json

from lxml import etree, html


def _without_reason(body):
    """``body`` without the elements that print a rejection reason."""
    if not body or "rejection_reason" not in body:
        return body
    root = html.fragment_fromstring(body, create_parent="div")
    for node in root.xpath("//*[@t-if][contains(@t-if, 'rejected')]"):
        if "rejection_reason" not in etree.tostring(node, encoding="unicode"):
            continue
        parent = node.getparent()
        # keep the text that followed the element
        previous = node.getprevious()
        if node.tail:
            if previous is not None:
                previous.tail = (previous.tail or "") + node.tail
            else:
                parent.text = (parent.text or "") + node.tail
        parent.remove(node)
    return (root.text or "") + "".join(
        etree.tostring(child, encoding="unicode") for child in root
    )


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """SELECT t.id, t.body_html FROM mail_template t
             JOIN ir_model_data d ON d.res_id = t.id AND d.model = 'mail.template'
            WHERE d.module = 'customer_value'
              AND d.name = 'mail_template_referral_thanks'"""
    )
    for template_id, bodies in cr.fetchall():
        cleaned = {lang: _without_reason(body) for lang, body in (bodies or {}).items()}
        if cleaned != bodies:
            cr.execute(
                "UPDATE mail_template SET body_html = %s WHERE id = %s",
                [json.dumps(cleaned), template_id],
            )
    cr.execute(
        """UPDATE customer_referral SET qualified_date = date
            WHERE names_card_id IS NOT NULL AND qualified_date IS NULL"""
    )
