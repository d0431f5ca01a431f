"""Forms for MARAC meetings: a new meeting, adding and deferring a case, a hearing and its actions."""
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput

from ..domain.marac import MARAC_AGENCIES
from ..web.dates import GovDateField
from ..web.forms import BaseForm
from ..web.widgets import CheckboxesInput


def _date(label, message):
    return GovDateField(label, required=message)


def _agencies(label, message):
    return SelectMultipleField(label, widget=CheckboxesInput(), option_widget=CheckboxInput(),
                               choices=list(MARAC_AGENCIES), validators=[InputRequired(message=message)])


class MeetingForm(BaseForm):
    held_on = _date("Date of the meeting", "Enter the date of the meeting")
    bcu = SelectField("Area: a BCU", widget=GovSelect(), validate_choice=False)
    boroughs = SelectMultipleField("Or a set of boroughs", widget=CheckboxesInput(), option_widget=CheckboxInput(),
                                   validators=[Optional()])
    chair = StringField("Chair", widget=GovTextInput(),
                        validators=[InputRequired(message="Enter the name of the meeting's chair"), Length(max=120)])
    agencies = _agencies("Agencies invited", "Choose at least one agency to invite")
    submit = SubmitField("Create meeting and fill the agenda", widget=GovSubmitInput())

    def validate_bcu(self, field):
        if field.data and field.data not in {value for value, _ in field.choices}:
            raise ValidationError("Choose a BCU from the list")
        if not field.data and not self.boroughs.data:
            raise ValidationError("Choose a BCU or at least one borough")


class AddCaseForm(BaseForm):
    case = StringField("Referral reference or case number", widget=GovTextInput(),
                       validators=[InputRequired(message="Enter the referral reference or case number"),
                                   Length(max=20)])
    reason = TextAreaField("Why add this case", widget=GovTextArea(),
                           validators=[InputRequired(message="Say why this case is added to the agenda"),
                                       Length(max=2000)])
    submit = SubmitField("Add to the agenda", widget=GovSubmitInput())


class DeferForm(BaseForm):
    reason = TextAreaField("Why is this case deferred?", widget=GovTextArea(),
                           validators=[InputRequired(message="Say why the case is deferred"), Length(max=2000)])
    submit = SubmitField("Defer to the next meeting", widget=GovSubmitInput())


class HearingForm(BaseForm):
    agencies_present = _agencies("Agencies present", "Choose the agencies that were present")
    risks_discussed = TextAreaField("Risks discussed", widget=GovTextArea(),
                                    validators=[InputRequired(message="Enter the risks discussed"),
                                                Length(max=10000)])
    victim_views = TextAreaField("The victim's views, as their IDVA gave them", widget=GovTextArea(),
                                 validators=[InputRequired(message="Enter the victim's views, as their IDVA gave them"),
                                             Length(max=10000)])
    submit = SubmitField("Record the hearing", widget=GovSubmitInput())


class ActionForm(BaseForm):
    agency = SelectField("Agency", widget=GovSelect(), choices=[("", "Choose an agency")] + list(MARAC_AGENCIES),
                         validators=[InputRequired(message="Choose the agency that will do this")])
    owner = StringField("Owner (the person responsible)", widget=GovTextInput(),
                        validators=[InputRequired(message="Enter who owns the action"), Length(max=120)])
    description = TextAreaField("Action", widget=GovTextArea(),
                                validators=[InputRequired(message="Enter what will be done"), Length(max=2000)])
    due_on = _date("Due date", "Enter the date the action is due")
    submit = SubmitField("Add action", widget=GovSubmitInput())
