"""The app's base form, and glue between WTForms and the service layer's validation errors."""
from flask_wtf import FlaskForm
from wtforms import FieldList, FormField, TextAreaField

from ..domain.text import control_character_message, has_control_characters
from ..services.errors import ValidationFailed


class BaseForm(FlaskForm):
    """Every form of the app. Before any other validator runs (some look values up in the database), each field's
    submitted text is checked for control characters; a field that holds one gets an error naming it, and the
    form is invalid, so the page is shown again with the person's other answers kept."""

    def validate(self, extra_validators=None):
        bad = list(_fields_with_control_characters(self))
        if not bad:
            return super().validate(extra_validators)
        self._errors = None
        for field in bad:
            field.errors = [control_character_message(str(field.label.text))]
        return False


def _fields_with_control_characters(form):
    for field in _leaf_fields(form):
        multiline = isinstance(field, TextAreaField)
        if any(isinstance(value, str) and has_control_characters(value, multiline) for value in field.raw_data or []):
            yield field


def _leaf_fields(fields):
    for field in fields:
        if isinstance(field, FormField):
            yield from _leaf_fields(field.form)
        elif isinstance(field, FieldList):
            yield from _leaf_fields(field.entries)
        else:
            yield field


def apply_service_errors(form, error: ValidationFailed) -> None:
    """Show the service layer's field errors on the form, so the error summary links to the right field."""
    for item in error.errors:
        field = getattr(form, item.get("field") or "", None)
        if field is None:
            field = next(iter(form))
        field.errors = list(field.errors) + [item["message"]]
