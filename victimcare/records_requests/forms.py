"""The register entry form: one form to record a request for a victim's records and, later, what happened."""
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea, GovTextInput
from wtforms import DateField, HiddenField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from ..domain import data_rights as rules
from ..web.forms import BaseForm
from ..web.widgets import LinkedDateInput, RadioInput


def _date(label, description="", required=False, message="Enter a date"):
    return DateField(label, widget=LinkedDateInput(), format="%d %m %Y", description=description,
                     validators=[InputRequired(message=message)] if required else [Optional()])


class RecordsRequestForm(BaseForm):
    version = HiddenField()
    requester_kind = RadioField("Who asked?", widget=RadioInput(), choices=list(rules.RECORDS_REQUESTERS),
                                validators=[InputRequired(message="Choose who asked")])
    requester_name = StringField("Name of the person or body", widget=GovTextInput(), validators=[Length(max=200)],
                                 description="For example “DC Lewis, Camden CID” or “Snaresbrook Crown Court”.")
    records_kind = RadioField("Which records are asked for?", widget=RadioInput(), choices=list(rules.RECORDS_KINDS),
                              validators=[InputRequired(message="Choose which records are asked for")],
                              description=rules.COUNSELLING_PRESUMPTION)
    records_sought = TextAreaField("What exactly was asked for?", widget=GovTextArea(), validators=[Length(max=4000)])
    purpose = TextAreaField("Why did they ask?", widget=GovTextArea(), validators=[Length(max=4000)],
                            description="The reason they gave: the line of enquiry, or the order.")
    received_on = _date("Date the request was received", "For example, 27 3 2026.", required=True,
                        message="Enter the date the request was received")
    victim_told_on = _date("Date the victim was told in writing", "Tell them what is asked for and why before "
                           "anything is disclosed. Leave blank until they have been told.")
    victim_response = TextAreaField("What the victim said", widget=GovTextArea(), validators=[Length(max=4000)])
    decision = RadioField("Decision", widget=RadioInput(), choices=list(rules.RECORDS_DECISIONS), default="pending",
                          validators=[InputRequired(message="Choose the decision")])
    decision_reason = TextAreaField("Reason for the decision", widget=GovTextArea(), validators=[Length(max=4000)])
    disclosed_what = TextAreaField("What was disclosed", widget=GovTextArea(), validators=[Length(max=4000)])
    disclosed_on = _date("Date disclosed")
    submit = SubmitField("Save", widget=GovSubmitInput())
