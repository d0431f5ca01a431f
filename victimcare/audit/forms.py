"""The admins' audit search form: read from the query string (a GET search), so it carries no CSRF token."""
from datetime import date

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextInput
from wtforms import SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, Regexp, ValidationError

from ..services.audit import ACTIONS
from ..services.audit_queries import EventFilters, action_label
from ..services.users import EMAIL_PATTERN
from ..web.forms import BaseForm

DATE_FORMAT_MESSAGE = "must be a real date in the format yyyy-mm-dd, like 2026-11-02"


def _parse_date(text: str | None) -> date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


class DateText:
    """Validator: empty, or a real calendar date written yyyy-mm-dd."""

    def __init__(self, name: str):
        self.name = name

    def __call__(self, form, field):
        if (field.data or "").strip() and _parse_date(field.data) is None:
            raise ValidationError(f"{self.name} {DATE_FORMAT_MESSAGE}")


class EventSearchForm(BaseForm):
    class Meta:
        csrf = False

    user_email = StringField(
        "User's email address",
        widget=GovTextInput(),
        validators=[
            Optional(),
            Length(max=254),
            Regexp(EMAIL_PATTERN, message="Enter the user's email address in the correct format, like name@example.org"),
        ],
    )
    action = SelectField(
        "Action",
        widget=GovSelect(),
        choices=[SelectChoice("", "Any action")] + [SelectChoice(a, action_label(a)) for a in ACTIONS],
        validators=[Optional()],
    )
    object_type = StringField(
        "Object type", widget=GovTextInput(), description="For example, case, referral or user",
        validators=[Optional(), Length(max=32, message="Object type must be 32 characters or fewer")],
    )
    object_id = StringField(
        "Object ID", widget=GovTextInput(),
        validators=[Optional(), Length(max=64, message="Object ID must be 64 characters or fewer")],
    )
    date_from = StringField(
        "From date", widget=GovTextInput(), description="yyyy-mm-dd, for example 2026-11-02",
        validators=[DateText("From date")],
    )
    date_to = StringField(
        "To date", widget=GovTextInput(), description="yyyy-mm-dd; events on this day are included",
        validators=[DateText("To date")],
    )
    submit = SubmitField("Search", widget=GovSubmitInput())

    def validate_date_to(self, field):
        start, end = _parse_date(self.date_from.data), _parse_date(field.data)
        if start and end and end < start:
            raise ValidationError("To date must be the same as or after the from date")

    def validate_object_id(self, field):
        if (field.data or "").strip() and not (self.object_type.data or "").strip():
            raise ValidationError("Enter the object type as well as its ID")

    def filters(self) -> EventFilters:
        return EventFilters(
            user_email=(self.user_email.data or "").strip().lower() or None,
            action=self.action.data or None,
            object_type=(self.object_type.data or "").strip() or None,
            object_id=(self.object_id.data or "").strip() or None,
            date_from=_parse_date(self.date_from.data),
            date_to=_parse_date(self.date_to.data),
        )
