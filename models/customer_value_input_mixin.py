# Copyright 2026 customer_value contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Bad input gets a message, never a database error: every model of the
addon checks the values given to ``create`` and ``write`` (types, record ids
that exist, selection keys, dates) before writing anything, and the public
methods check their id arguments with ``_cv_browse``."""

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import UserError, ValidationError


def is_record_id(value):
    """Whether ``value`` can be the id of a record."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31


def _is_number(value):
    return isinstance(value, int | float) and not isinstance(value, bool)


def _converts(convert, value):
    try:
        return bool(convert(value))
    except (TypeError, ValueError):
        return False


# Field type -> check of a value other than False/None.
SCALAR_CHECKS = {
    "integer": lambda field, value: _is_number(value) and value == int(value),
    "float": lambda field, value: _is_number(value),
    "monetary": lambda field, value: _is_number(value),
    "char": lambda field, value: isinstance(value, str),
    "text": lambda field, value: isinstance(value, str),
    "html": lambda field, value: isinstance(value, str),
    "boolean": lambda field, value: isinstance(value, bool | int),
    "date": lambda field, value: _converts(fields.Date.to_date, value),
    "datetime": lambda field, value: _converts(fields.Datetime.to_datetime, value),
    "selection": lambda field, value: not isinstance(field.selection, list)
    or value in [key for key, _label in field.selection],
}


class CustomerValueInputMixin(models.AbstractModel):
    _name = "customer.value.input.mixin"
    _description = "Customer Value: checked input"

    # What users send (the web client, XML-RPC) is checked; the addon's own
    # code, which writes as superuser, is trusted.

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            self._cv_check_input(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            self._cv_check_input([vals])
        return super().write(vals)

    @api.model
    def _cv_as_staff(self, records):
        """``records`` as seen by whoever notifies staff of what a customer
        did: the user when internal, else OdooBot. An activity scheduled from
        an answer page or the portal is then not signed by the public user
        (no e-mail: the assignee's notification cannot be sent) nor sent
        from the customer's own address."""
        if self.env.user._is_internal():
            return records
        return records.with_user(SUPERUSER_ID)

    def _cv_browse(self, model, record_id, label):
        """The record ``record_id`` of ``model`` (an id, a record or nothing),
        or a ValidationError naming ``label`` when it is not an id or does not
        exist."""
        if not record_id:
            return self.env[model]
        if isinstance(record_id, models.BaseModel):
            record_id = record_id.id
        return self.env[model].browse(self._cv_existing_ids(model, [record_id], label))

    @api.model
    def _cv_existing_ids(self, model, ids, label):
        """``ids`` if they are ids of existing records of ``model``."""
        wrong = [i for i in ids if not is_record_id(i)]
        if wrong:
            raise ValidationError(
                self.env._(
                    "%(label)s: expected a record id, got %(value)r.",
                    label=label,
                    value=wrong[0] if len(wrong) == 1 else wrong,
                )
            )
        missing = set(ids) - set(self.env[model].sudo().browse(ids).exists().ids)
        if missing:
            raise ValidationError(
                self.env._(
                    "%(label)s: no record with id %(ids)s (it does not exist or "
                    "was deleted).",
                    label=label,
                    ids=", ".join(map(str, sorted(missing))),
                )
            )
        return ids

    @api.model
    def _cv_check_one(self, records):
        """Refuse a call on no record or several, with a message."""
        if len(records) != 1:
            raise UserError(
                self.env._(
                    "%(model)s: this action works on one record at a time, not "
                    "%(count)s.",
                    model=records._description,
                    count=len(records),
                )
            )

    @api.model
    def _cv_check_input(self, vals_list):
        """Check the values of ``vals_list``; the ids of each relational field
        are looked up once for all the dictionaries."""
        ids_by_field = {}
        for vals in vals_list:
            if not isinstance(vals, dict):
                raise ValidationError(
                    self.env._("Expected a dictionary of field values, got %r.", vals)
                )
            for name, value in vals.items():
                field = self._fields.get(name)
                if field is not None and value not in (None, False):
                    ids = self._cv_check_value(field, value)
                    ids_by_field.setdefault(field, []).extend(ids)
        for field, ids in ids_by_field.items():
            if ids:
                self._cv_existing_ids(
                    field.comodel_name, ids, field._description_string(self.env)
                )

    @api.model
    def _cv_check_value(self, field, value):
        """Check the type of ``value`` for ``field``; return the record ids it
        refers to (their existence is checked by the caller)."""
        label = field._description_string(self.env)
        if isinstance(value, models.BaseModel):
            return value.ids  # code may pass records
        if field.type == "many2one":
            return [value]
        if field.type in ("one2many", "many2many"):
            return self._cv_command_ids(value, label)
        if field.type == "many2one_reference":
            check = SCALAR_CHECKS["integer"]
        else:
            check = SCALAR_CHECKS.get(field.type)
        if check and not check(field, value):
            raise ValidationError(self._cv_type_error(label, value))
        return []

    @api.model
    def _cv_command_ids(self, commands, label):
        """The ids that x2many ``commands`` refer to."""
        if not isinstance(commands, list | tuple):
            raise ValidationError(self._cv_type_error(label, commands))
        ids = []
        for command in commands:
            if isinstance(command, int) and not isinstance(command, bool):
                ids.append(command)  # a plain list of ids
                continue
            if (
                not isinstance(command, list | tuple)
                or not command
                or command[0] not in range(7)
            ):
                raise ValidationError(self._cv_type_error(label, command))
            code, args = command[0], [*command[1:], None, None]
            if code in (0, 1) and not isinstance(args[1], dict):
                raise ValidationError(self._cv_type_error(label, command))
            if code in (1, 2, 3, 4):
                ids.append(args[0])
            elif code == 6:
                if not isinstance(args[1], list | tuple):
                    raise ValidationError(self._cv_type_error(label, command))
                ids.extend(args[1])
        return ids

    @api.model
    def _cv_type_error(self, label, value):
        return self.env._(
            "%(label)s: %(value)r is not a valid value.", label=label, value=value
        )
