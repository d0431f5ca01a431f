import re
from datetime import time

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import RadioField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput

from ..cases.forms import DATE_FORMAT, GovDateField
from ..services.messages import CHANNEL_LABELS, TEMPLATES
from ..web.forms import BaseForm
from ..web.widgets import CheckboxesInput, DateInput, RadioInput

_TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")


def parse_time(value: str | None) -> time | None:
    match = _TIME.match(value or "")
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        return None
    return time(int(match.group(1)), int(match.group(2)))


def _valid_time(form, field):
    if field.data and parse_time(field.data) is None:
        raise ValidationError("Enter a time on the 24-hour clock, like 14:30")


class MessageForm(BaseForm):
    template = RadioField("Which message", widget=RadioInput(), choices=list(TEMPLATES.items()),
                          validators=[InputRequired(message="Choose which message to send")])
    channel = RadioField("Send it as", widget=RadioInput(), choices=list(CHANNEL_LABELS.items()),
                         validators=[InputRequired(message="Choose how to send the message")])
    appointment_on = GovDateField("Appointment date", format=DATE_FORMAT, widget=DateInput(),
                                  validators=[InputRequired(message="Enter the appointment's date")])
    appointment_time = StringField("Appointment time", widget=GovTextInput(),
                                   validators=[InputRequired(message="Enter the appointment's time, like 14:30"),
                                               _valid_time])
    place = StringField("Where (optional)", widget=GovTextInput(), validators=[Optional(), Length(max=200)])
    send_on = GovDateField("Send on (optional)", format=DATE_FORMAT, widget=DateInput(), validators=[Optional()])
    send_time = StringField("Send at (optional)", widget=GovTextInput(), validators=[Optional(), _valid_time])
    submit = SubmitField("Send message", widget=GovSubmitInput())


class PreferencesForm(BaseForm):
    channels = SelectMultipleField("The victim agrees to be sent", widget=CheckboxesInput(),
                                   option_widget=CheckboxInput(),
                                   choices=[("may_text", "Text messages"), ("may_email", "Emails"),
                                            ("may_write", "Letters")])
    safe_from = StringField("Safe from", widget=GovTextInput(), validators=[Optional(), _valid_time])
    safe_until = StringField("Safe until", widget=GovTextInput(), validators=[Optional(), _valid_time])
    save = SubmitField("Save safe-contact rules", widget=GovSubmitInput())
