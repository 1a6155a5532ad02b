# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Referrals: the thank-you and outcome mails to the referrer."""

from odoo import models


class CustomerReferral(models.Model):
    _inherit = "customer.referral"

    # Mails

    def _send_thanks(self):
        # the names of each submission, all created by now; one mail each
        self.invalidate_model(["batch_referral_ids"])
        self.browse(
            {
                referral.submission_ref: referral.id for referral in reversed(self)
            }.values()
        )._post_template("customer_value.mail_template_referral_thanks")

    def _send_outcome(self):
        self._post_template("customer_value.mail_template_referral_outcome")

    def _post_template(self, xmlid):
        """Post the mail template ``xmlid`` on each referral (an automated
        comment: it goes to the referrer)."""
        template = self.env.ref(xmlid, raise_if_not_found=False)
        if not template:
            return
        for referral in self:
            if referral._mail_recipient() == self.env.user.partner_id:
                # the referrer's own portal user gave the names: Odoo leaves
                # the current user out of the recipients; the mail goes to
                # them all the same (its author is the template's sender)
                referral = referral.with_context(mail_notify_author=True)
            # an automated mail: it goes out to the referrer but is not a
            # personal contact in the customer's contact rhythm
            referral.message_post_with_source(
                template, message_type="auto_comment", subtype_xmlid="mail.mt_comment"
            )

    def _mail_recipient(self):
        self.ensure_one()
        return self.referrer_contact_id or self.referrer_id
