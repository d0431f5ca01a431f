"""The admins' audit search form: read from the query string (a GET search), so it carries no CSRF token."""
from datetime import date

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextInput
from wtforms import DateField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, Regexp, ValidationError

from ..services.audit import ACTIONS
from ..services.audit_queries import EventFilters, action_label
from ..web.forms import BaseForm
from ..web.widgets import LinkedDateInput


class SearchDateField(DateField):
    """A GOV.UK date input (day, month and year boxes) for a search: all empty means no filter; otherwise the
    boxes must make a real date, with GOV.UK's error messages naming the field."""

    def __init__(self, label, **kwargs):
        super().__init__(label, widget=LinkedDateInput(), format="%d %m %Y", **kwargs)

    def process_formdata(self, valuelist):
        self.data, self.error_parts = None, None
        if not valuelist or not any((value or "").strip() for value in valuelist):
            return
        name = self.label.text
        if len(valuelist) != 3:
            raise ValueError(f"{name} must be a real date")
        day, month, year = ((value or "").strip() for value in valuelist)
        missing = [part for part, value in (("day", day), ("month", month), ("year", year)) if not value]
        if missing:
            self.error_parts = missing
            raise ValueError(f"{name} must include a {' and '.join(missing)}")
        if not (day.isdigit() and month.isdigit() and year.isdigit()):
            raise ValueError(f"{name} must be a real date")
        if len(year) != 4:
            raise ValueError(f"{name} must have a year with 4 numbers, like 2026")
        try:
            self.data = date(int(year), int(month), int(day))
        except ValueError:
            raise ValueError(f"{name} must be a real date") from None


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
    date_from = SearchDateField("Date from", description="For example, 2 11 2026")
    date_to = SearchDateField("Date to", description="For example, 30 11 2026. Events on this day are included.")
    submit = SubmitField("Search", widget=GovSubmitInput())

    def validate_date_to(self, field):
        start, end = self.date_from.data, field.data
        if start and end and end < start:
            raise ValidationError("Date to must be the same as or after date from")

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
            date_from=self.date_from.data,
            date_to=self.date_to.data,
        )
