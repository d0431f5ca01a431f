"""The admins' audit search form: read from the query string (a GET search), so it carries no CSRF token."""
from datetime import date

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextInput
from wtforms import SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, Regexp, ValidationError

from ..services.audit import ACTIONS
from ..services.audit_queries import EventFilters, action_label
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

    user = StringField(
        "User's name or email address", widget=GovTextInput(),
        description="Part of a name finds everyone whose name contains it",
        validators=[Optional(), Length(max=254, message="User's name or email address must be 254 characters or fewer")],
    )
    reference = StringField(
        "Referral reference", widget=GovTextInput(), description="For example, VC-7K2M-Q9XD: the referral's events and its cases'",
        validators=[Optional(), Length(max=32, message="Referral reference must be 32 characters or fewer")],
    )
    case = StringField(
        "Case number", widget=GovTextInput(),
        validators=[Optional(), Regexp(r"^\s*\d{1,9}\s*$", message="Case number must be a number, like 1234")],
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

    # The route sets this to a lookup, so a mistyped reference is reported rather than finding "no events".
    reference_exists = None

    def validate_reference(self, field):
        text = (field.data or "").strip()
        if text and self.reference_exists is not None and not self.reference_exists(text):
            raise ValidationError(f"No referral has the reference {text.upper()}: check it and try again")

    def validate_object_id(self, field):
        if (field.data or "").strip() and not (self.object_type.data or "").strip():
            raise ValidationError("Enter the object type as well as its ID")

    def filters(self) -> EventFilters:
        return EventFilters(
            user=(self.user.data or "").strip() or None,
            reference=(self.reference.data or "").strip().upper() or None,
            case_id=int(self.case.data) if (self.case.data or "").strip().isdigit() else None,
            action=self.action.data or None,
            object_type=(self.object_type.data or "").strip() or None,
            object_id=(self.object_id.data or "").strip() or None,
            date_from=_parse_date(self.date_from.data),
            date_to=_parse_date(self.date_to.data),
        )
