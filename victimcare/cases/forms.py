"""Forms for case work. Every form carries the case version it was opened at (no lost updates)."""
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from ..domain.vocab import (
    CLOSURE_REASONS_REQUESTED,
    CONSENT_METHODS,
    CODE_EVENTS,
    COMPLAINT_AGENCIES,
    CONTACT_METHODS,
    CONTACT_OUTCOMES,
    DECLINE_REASONS_OFFERED,
    OUTCOME_ANSWERS,
    POLICE_DECISIONS,
    SERVICES,
    TRANSFER_REASONS,
    VICTIMS_CODE_NEEDS,
    VICTIMS_CODE_RIGHTS,
    WITHDRAWAL_REASONS,
    WITHDRAWAL_STAGES,
)
from ..web.forms import BaseForm
from ..web.widgets import CheckboxesInput, DateInput, RadioInput

DATE_FORMAT = "%d %m %Y"


class CaseForm(BaseForm):
    version = IntegerField(widget=HiddenField.widget, validators=[InputRequired()])


class GovDateField(DateField):
    """A date in three boxes. A form posted without the boxes at all re-renders them empty, not broken."""

    def process(self, formdata, data=None, **kwargs):
        super().process(formdata, data, **kwargs) if data is not None else super().process(formdata, **kwargs)
        if not self.raw_data:
            self.raw_data = None


def _date_field(label, required=True, message="Enter the date"):
    validators = [InputRequired(message=message)] if required else [Optional()]
    return GovDateField(label, format=DATE_FORMAT, widget=DateInput(), validators=validators)


class ContactForm(CaseForm):
    at_date = _date_field("Date of the contact", message="Enter the date of the contact")
    at_time = StringField(
        "Time", widget=GovTextInput(), description="24-hour clock, for example 14:30",
        validators=[InputRequired(message="Enter the time of the contact"),
                    Regexp(r"^([01]?\d|2[0-3])[:.][0-5]\d$", message="Enter the time like 14:30")],
    )
    method = RadioField("How did you try to make contact?", widget=RadioInput(), choices=list(CONTACT_METHODS),
                        validators=[InputRequired(message="Choose how you tried to make contact")])
    outcome = RadioField("What happened?", widget=RadioInput(), choices=list(CONTACT_OUTCOMES),
                         validators=[InputRequired(message="Choose what happened")])
    note = TextAreaField("Note (optional)", widget=GovTextArea(), validators=[Optional(), Length(max=2000)])
    # Asked only when the contact went against the victim's wishes (the service says which rule).
    against_wishes_confirmed = BooleanField("I confirm this contact was needed even though it goes against the "
                                            "victim's wishes", widget=GovCheckboxInput())
    against_wishes_reason = TextAreaField("Why was it needed?", widget=GovTextArea(),
                                          validators=[Optional(), Length(max=2000)])
    submit = SubmitField("Record contact attempt", widget=GovSubmitInput())


class NoteForm(CaseForm):
    body = TextAreaField("Note", widget=GovTextArea(), validators=[InputRequired(message="Enter the note")])
    sensitive = BooleanField("Sensitive: hide the text from the timeline", widget=GovCheckboxInput())
    submit = SubmitField("Add note", widget=GovSubmitInput())


class TaskForm(CaseForm):
    title = StringField("What needs doing", widget=GovTextInput(),
                        validators=[InputRequired(message="Enter what needs doing"), Length(max=200)])
    due_on = _date_field("Due date (optional)", required=False)
    assigned_to = SelectField("Assigned to", widget=GovSelect(), choices=[], validators=[Optional()])
    submit = SubmitField("Add task", widget=GovSubmitInput())


class AssignForm(CaseForm):
    assignee = SelectField("Assign the case to", widget=GovSelect(), choices=[], validators=[Optional()])
    submit = SubmitField("Assign", widget=GovSubmitInput())


class ConfirmForm(CaseForm):
    """Accept or start work: nothing to fill in but the version."""

    submit = SubmitField("Confirm", widget=GovSubmitInput())


class ReasonForm(CaseForm):
    reason = TextAreaField("Reason", widget=GovTextArea(), validators=[InputRequired(message="Give a reason")])
    submit = SubmitField("Confirm", widget=GovSubmitInput())


def _coded_reason(label, choices, message):
    """The main reason, from a fixed list, that reports count."""
    return RadioField(label, widget=RadioInput(), choices=list(choices), validators=[InputRequired(message=message)])


def _reason_details(label, message):
    """The details beside a coded reason: kept on the case as a note, never published."""
    return TextAreaField(label, widget=GovTextArea(), description="Kept on the case as a note; never published in reports.",
                         validators=[InputRequired(message=message), Length(max=2000)])


class DeclineForm(CaseForm):
    reason_code = _coded_reason("What is the main reason for declining?", DECLINE_REASONS_OFFERED,
                                "Choose the main reason for declining the case")
    reason = _reason_details("Details", "Give the details of why the case is declined")
    submit = SubmitField("Decline the case", widget=GovSubmitInput())


class TransferForm(CaseForm):
    target_service = RadioField("Which service should the case go to?", widget=RadioInput(), choices=list(SERVICES),
                                validators=[InputRequired(message="Choose the service the case is going to")])
    reason_code = _coded_reason("What is the main reason for the transfer?", TRANSFER_REASONS,
                                "Choose the main reason for transferring the case")
    reason = _reason_details("Details of the transfer", "Give a reason for transferring the case")
    submit = SubmitField("Transfer case", widget=GovSubmitInput())


def _outcome(label):
    return RadioField(label, widget=RadioInput(), choices=list(OUTCOME_ANSWERS),
                      validators=[InputRequired(message=f"Choose an answer for \u2018{label.lower()}\u2019")])


class ClosureRequestForm(CaseForm):
    closure_reason = RadioField("Why is the case closing?", widget=RadioInput(), choices=list(CLOSURE_REASONS_REQUESTED),
                                validators=[InputRequired(message="Choose a reason for closing the case")])
    feels_safer = _outcome("Feels safer")
    better_able_to_cope = _outcome("Better able to cope")
    better_informed = _outcome("Better informed about the criminal justice process")
    override_reason = TextAreaField("Why should the case close with items still to do?", widget=GovTextArea(),
                                    validators=[Optional(), Length(max=2000)],
                                    description="Only needed when the checklist has items marked ‘To do’.")
    submit = SubmitField("Ask a lead to approve closure", widget=GovSubmitInput())

    def outcomes(self) -> dict:
        return {"feels-safer": self.feels_safer.data, "better-able-to-cope": self.better_able_to_cope.data,
                "better-informed": self.better_informed.data}


class ClosureReviewForm(CaseForm):
    decision = RadioField("Decision", widget=RadioInput(),
                          choices=[("approve", "Approve closure"), ("send-back", "Send back to the advocate")],
                          validators=[InputRequired(message="Choose whether to approve the closure")])
    comment = TextAreaField("Comment (needed to send back)", widget=GovTextArea(), validators=[Optional()])
    override_reason = TextAreaField("Why approve with items still to do?", widget=GovTextArea(),
                                    validators=[Optional(), Length(max=2000)],
                                    description="Only needed to approve when the checklist has items marked ‘To do’.")
    submit = SubmitField("Save decision", widget=GovSubmitInput())

    def validate_comment(self, field):
        if self.decision.data == "send-back" and not (field.data or "").strip():
            raise ValidationError("Say why the case is not ready to close")


class DashReassessmentForm(CaseForm):
    yes_count = IntegerField("How many DASH questions were answered yes?", widget=GovTextInput(),
                             description="A number from 0 to 24",
                             validators=[InputRequired(message="Enter how many questions were answered yes"),
                                         NumberRange(min=0, max=24, message="Enter a number from 0 to 24")])
    incidents = IntegerField("Incidents in the last 12 months (optional)", widget=GovTextInput(),
                             validators=[Optional(), NumberRange(min=0, max=500, message="Enter a number of incidents")])
    professional_judgement = BooleanField("Raise the level to high on professional judgement", widget=GovCheckboxInput())
    professional_judgement_reason = TextAreaField("Reason for professional judgement", widget=GovTextArea(),
                                                  validators=[Optional(), Length(max=2000)])
    submit = SubmitField("Record DASH reassessment", widget=GovSubmitInput())


class SafeguardingLeadForm(CaseForm):
    name = StringField("Named safeguarding lead", widget=GovTextInput(),
                       validators=[InputRequired(message="Enter the safeguarding lead's name"), Length(max=120)])
    submit = SubmitField("Save safeguarding lead", widget=GovSubmitInput())


class ComplaintForm(CaseForm):
    """A Victims' Commissioner complaint: the agency, the Code right, and the agency's response dates."""

    agency = RadioField("Which agency is the complaint about?", widget=RadioInput(), choices=list(COMPLAINT_AGENCIES),
                        validators=[InputRequired(message="Choose the agency the complaint is about")])
    code_right = SelectField("Which Victims' Code right is the complaint about?", widget=GovSelect(),
                             choices=[("", "Choose a Code right")] + list(VICTIMS_CODE_RIGHTS),
                             validators=[InputRequired(message="Choose the Victims' Code right the complaint is about")])
    requested_on = _date_field("When was the agency asked to respond? (optional)", required=False)
    received_on = _date_field("When did the agency respond? (optional)", required=False)
    submit = SubmitField("Save complaint", widget=GovSubmitInput())


class StepForm(CaseForm):
    step = RadioField("Step", widget=RadioInput(), choices=[],
                      validators=[InputRequired(message="Choose the step")])
    occurred_on = _date_field("Date of the step", message="Enter the date of the step")
    detail = TextAreaField("Detail (optional)", widget=GovTextArea(),
                           description="For example the crime reference, the agency, or the actions agreed",
                           validators=[Optional(), Length(max=2000)])
    submit = SubmitField("Record step", widget=GovSubmitInput())


class NeedsForm(CaseForm):
    needs = SelectMultipleField("Needs identified with the victim", widget=CheckboxesInput(),
                                choices=list(VICTIMS_CODE_NEEDS), validators=[Optional()])
    support_plan = TextAreaField("Support plan", widget=GovTextArea(), validators=[Optional()])
    submit = SubmitField("Save needs and support plan", widget=GovSubmitInput())


FILTER_STATUS_CHOICES = [("new", "New"), ("accepted", "Accepted"), ("in-progress", "In progress"),
                         ("closed", "Closed"), ("declined", "Declined"), ("transferred", "Transferred")]


class CodeEventForm(CaseForm):
    """What happened under the Victims' Code. The right follows from the event (domain/code_rights.EVENT_RIGHT)."""

    event = RadioField("What happened?", widget=RadioInput(), choices=list(CODE_EVENTS),
                       validators=[InputRequired(message="Choose what happened")])
    at_on = _date_field("When did it happen?", message="Enter the date it happened")
    decision = SelectField("Which police decision? (for \u201cTold of a police decision\u201d)", widget=GovSelect(),
                           choices=[("", "Choose the decision")] + list(POLICE_DECISIONS), validators=[Optional()])
    decision_on = _date_field("When was the decision made? (for \u201cTold of a police decision\u201d)",
                              required=False)
    note = TextAreaField("Note (optional)", widget=GovTextArea(), validators=[Optional(), Length(max=4000)])
    submit = SubmitField("Record what happened", widget=GovSubmitInput())


class WithdrawalForm(CaseForm):
    """A victim's withdrawal from the investigation or prosecution (services/attrition.py checks it)."""

    stage = RadioField("When did the victim withdraw?", widget=RadioInput(), choices=list(WITHDRAWAL_STAGES),
                       validators=[InputRequired(message="Choose the stage at which the victim withdrew")])
    withdrawn_on = _date_field("Date they withdrew", message="Enter the date the victim withdrew")
    reasons = SelectMultipleField("Why did they withdraw?", widget=CheckboxesInput(), choices=list(WITHDRAWAL_REASONS),
                                  description="Select all that apply.",
                                  validators=[InputRequired(message="Choose at least one reason")])
    other_details = TextAreaField(
        "If other, give the details", widget=GovTextArea(),
        description="Kept on this case only: never in reports, exports or the audit trail.",
        validators=[Optional(), Length(max=2000)])
    submit = SubmitField("Record the withdrawal", widget=GovSubmitInput())


class ConsentWithdrawalForm(CaseForm):
    """The victim withdraws consent to referral and support (services/consent.py)."""

    method = RadioField("How did the victim tell you?", widget=RadioInput(), choices=list(CONSENT_METHODS),
                        validators=[InputRequired(message="Choose how the victim told you")])
    submit = SubmitField("Record the withdrawal of consent", widget=GovSubmitInput(), render_kw={})
