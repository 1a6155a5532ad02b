# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Referrals asked where customers already look: the company's referral
invitation in the invoice e-mail and the order confirmation e-mail (the
invoice PDF prints it itself, ``views/referral_invitation_templates.xml``).

The e-mails get it through the notification layout, not their templates
(``noupdate``, often edited): the sending sets a context key, and the layout
renders the invitation for the customers' copies only, never for the
employees following the document."""

from odoo import api, models

# Set by the sending of an invoice and of an order confirmation: the medium
# of the invitation's link (``res_company.INVITATION_MEDIA``)
INVITATION_CONTEXT = "customer_value_referral_invitation"
# The recipient groups of a notification that are customers (mail, portal,
# sale, account): the others are employees
CUSTOMER_GROUPS = frozenset(
    {
        "portal_customer",
        "additional_intended_recipient",
        "portal",
        "follower",
        "customer",
    }
)


def add_invitation(record, medium, recipients_group, render_values):
    """``render_values`` with the referral invitation of ``record``'s company
    when ``record`` is sent as ``medium`` and ``recipients_group`` are
    customers; else ``render_values`` as they are."""
    if (
        len(record) != 1
        or record.env.context.get(INVITATION_CONTEXT) != medium
        or recipients_group.get("notification_group_name") not in CUSTOMER_GROUPS
    ):
        return render_values
    render_values = dict(render_values or {})
    company = record.company_id.with_context(
        lang=render_values.get("lang") or record.env.lang
    )
    invitation = company._cv_referral_invitation(medium, "email")
    if invitation:
        render_values["cv_referral_invitation"] = invitation
    return render_values


class AccountMove(models.Model):
    _inherit = "account.move"

    def _notify_by_email_render_layout(
        self, message, recipients_group, msg_vals=False, render_values=None
    ):
        if len(self) == 1 and self.move_type == "out_invoice":
            render_values = add_invitation(
                self, "invoice", recipients_group, render_values
            )
        return super()._notify_by_email_render_layout(
            message, recipients_group, msg_vals=msg_vals, render_values=render_values
        )


class AccountMoveSend(models.AbstractModel):
    _inherit = "account.move.send"

    @api.model
    def _send_mail(self, move, mail_template, **kwargs):
        """A customer invoice sent by e-mail invites the customer to
        recommend the company."""
        if move.move_type == "out_invoice":
            move = move.with_context(**{INVITATION_CONTEXT: "invoice"})
        return super()._send_mail(move, mail_template, **kwargs)


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _send_order_confirmation_mail(self):
        """The order confirmation e-mail invites the customer to recommend the
        company."""
        return super(
            SaleOrder, self.with_context(**{INVITATION_CONTEXT: "order_mail"})
        )._send_order_confirmation_mail()

    def _notify_by_email_render_layout(
        self, message, recipients_group, msg_vals=False, render_values=None
    ):
        render_values = add_invitation(
            self, "order_mail", recipients_group, render_values
        )
        return super()._notify_by_email_render_layout(
            message, recipients_group, msg_vals=msg_vals, render_values=render_values
        )
