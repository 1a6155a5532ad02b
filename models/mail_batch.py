# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Queue the e-mails of a batch of records with one template, as the voucher
reminders and the feedback requests do."""

import logging

from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)


def send_mail_batch_safely(template, res_ids, failed):
    """Queue ``template``'s e-mails for ``res_ids`` with ``send_mail_batch``.

    A record whose e-mail cannot be made (a template that no longer renders,
    a recipient refused...) goes into ``failed`` (id -> error) and does not
    stop the others. Rendering comes before anything is written, so the batch
    needs no savepoint; the records are tried one by one, each in its own
    savepoint, only when the batch failed. Returns the ``mail.mail`` queued.
    """
    env = template.env
    try:
        return template.send_mail_batch(res_ids)
    except UserError as error:
        if len(res_ids) == 1:
            _logger.warning("%s: e-mail not sent: %s", template.model, error)
            failed[res_ids[0]] = error
            return env["mail.mail"]
        _logger.info("%s: batch failed (%s), one by one", template.model, error)
    mails = env["mail.mail"]
    for res_id in res_ids:
        try:
            with env.cr.savepoint():
                mails |= template.send_mail_batch([res_id])
        except UserError as error:
            _logger.warning("%s %s: e-mail not sent: %s", template.model, res_id, error)
            failed[res_id] = error
    return mails
