"""Glue between WTForms and the service layer's validation errors."""
from ..services.errors import ValidationFailed


def apply_service_errors(form, error: ValidationFailed) -> None:
    """Show the service layer's field errors on the form, so the error summary links to the right field."""
    for item in error.errors:
        field = getattr(form, item.get("field") or "", None)
        if field is None:
            field = next(iter(form))
        field.errors = list(field.errors) + [item["message"]]
