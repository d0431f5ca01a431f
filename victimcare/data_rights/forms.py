"""Forms for data-rights requests: recording one, pausing and restarting its clock, extending and closing it."""
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea, GovTextInput
from wtforms import DateField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from ..domain import data_rights as rules
from ..web.forms import BaseForm
from ..web.widgets import LinkedDateInput, RadioInput


def _date(label, description="", required=True, message="Enter a date"):
    return DateField(label, widget=LinkedDateInput(), format="%d %m %Y", description=description,
                     validators=[InputRequired(message=message)] if required else [Optional()])


class NewRequestForm(BaseForm):
    kind = RadioField("What is the person asking for?", widget=RadioInput(), choices=list(rules.KINDS),
                      validators=[InputRequired(message="Choose what the person is asking for")])
    reference = StringField(
        "Referral reference", widget=GovTextInput(), validators=[InputRequired(message="Enter a referral reference"),
                                                                 Length(max=20)],
        description="Any referral of theirs, for example VC-2026-000123. The service that supports them can find it.")
    requester = RadioField("Who made the request?", widget=RadioInput(), choices=list(rules.REQUESTERS),
                           validators=[InputRequired(message="Choose who made the request")])
    requester_name = StringField("If someone is acting for them: their name and capacity", widget=GovTextInput(),
                                 validators=[Length(max=120)],
                                 description="For example “Sam Reid, solicitor” or “parent of a child under 13”.")
    authority_seen = TextAreaField("The authority you saw", widget=GovTextArea(), validators=[Length(max=4000)],
                                   description="For example a signed letter of authority, a lasting power of "
                                               "attorney, or parental responsibility.")
    identity_check = RadioField("How did you check the requester's identity?", widget=RadioInput(),
                                choices=list(rules.IDENTITY_CHECKS),
                                validators=[InputRequired(message="Choose how you checked the requester's identity")])
    identity_check_note = TextAreaField("Notes on the identity check (optional)", widget=GovTextArea(),
                                        validators=[Length(max=4000)],
                                        description="What you saw, not copies of documents.")
    received_on = _date("Date the request was received", "For example, 27 3 2026. The deadline is one calendar "
                        "month from this day.", message="Enter the date the request was received")
    scope = TextAreaField("What did they ask for? (optional)", widget=GovTextArea(), validators=[Length(max=4000)])
    submit = SubmitField("Record the request", widget=GovSubmitInput())


class PauseForm(BaseForm):
    reason = RadioField("What are you confirming?", widget=RadioInput(), choices=list(rules.PAUSE_REASONS),
                        validators=[InputRequired(message="Choose what you are confirming")])
    submit = SubmitField("Pause the clock", widget=GovSubmitInput())


class ResumeForm(BaseForm):
    submit = SubmitField("Restart the clock", widget=GovSubmitInput())


class ExtendForm(BaseForm):
    months = RadioField("How many further months?", widget=RadioInput(), coerce=int,
                        choices=[(1, "One further month"), (2, "Two further months")],
                        validators=[InputRequired(message="Choose one or two further months")])
    reason = TextAreaField("Why is the request complex?", widget=GovTextArea(),
                           validators=[InputRequired(message="Say why the request is complex enough to need longer"),
                                       Length(max=4000)])
    told_on = _date("Date you told the requester, with the reason", "They must be told within the first month.",
                    message="Enter the date you told the requester")
    submit = SubmitField("Extend the deadline", widget=GovSubmitInput())


class CloseForm(BaseForm):
    status = RadioField("How did the request end?", widget=RadioInput(),
                        choices=[(s, label) for s, label in rules.STATUSES if s in rules.CLOSING_STATUSES],
                        validators=[InputRequired(message="Choose how the request ended")])
    note = TextAreaField("Notes", widget=GovTextArea(), validators=[Length(max=4000)],
                         description="For a refusal: the reason and the exemption relied on. Never copy the "
                                     "person's details here.")
    submit = SubmitField("Close the request", widget=GovSubmitInput())


class TakeOverForm(BaseForm):
    submit = SubmitField("Work on this request", widget=GovSubmitInput())


class RedactionsForm(BaseForm):
    """The checkboxes are written by the record's template, one per flagged field (``redact``)."""

    submit = SubmitField("Save what is withheld", widget=GovSubmitInput())


class ReleaseForm(BaseForm):
    submit = SubmitField("Make the copy for release", widget=GovSubmitInput())


class CorrectionForm(BaseForm):
    given_name = StringField("First name", widget=GovTextInput(), validators=[Length(max=100)])
    family_name = StringField("Last name", widget=GovTextInput(), validators=[Length(max=100)])
    date_of_birth = _date("Date of birth", "For example, 27 3 1990. Leave blank if not known.", required=False)
    postcode = StringField("Postcode", widget=GovTextInput(), validators=[Length(max=10)])
    phone = StringField("Phone number", widget=GovTextInput(), validators=[Length(max=32)])
    email = StringField("Email address", widget=GovTextInput(), validators=[Length(max=254)])
    address = TextAreaField("Address", widget=GovTextArea(), validators=[Length(max=1000)])
    reason = TextAreaField(
        "Why are these details being corrected?", widget=GovTextArea(),
        description="What the person said was wrong and how you checked it. The audit trail records which details "
                    "changed, never the old or new values.",
        validators=[InputRequired(message="Say what the person said was wrong, and how you checked the correction"),
                    Length(max=4000)])
    submit = SubmitField("Save the correction", widget=GovSubmitInput())
