"""Forms of the Retention area."""
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea, GovTextInput
from wtforms import RadioField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from ..domain.erasure import DECISIONS, EXEMPTIONS, GROUNDS
from ..domain.vocab import LEGAL_HOLD_REASONS
from ..web.forms import BaseForm
from ..web.widgets import CheckboxesInput, RadioInput


class PlaceHoldForm(BaseForm):
    reference = StringField(
        "Referral reference", widget=GovTextInput(),
        description="Any of the person's referrals, for example VC-AB12-CD34. The hold covers all their records.",
        validators=[InputRequired(message="Enter the referral reference"), Length(max=20)])
    reason = RadioField("Why must the records be kept?", widget=RadioInput(), choices=list(LEGAL_HOLD_REASONS),
                        validators=[InputRequired(message="Choose why the records must be kept")])
    detail = TextAreaField(
        "Details", widget=GovTextArea(),
        description="For example the court and case number, or the complaint. Do not write the victim's details here.",
        validators=[InputRequired(message="Say what the hold is for"), Length(max=2000)])
    submit = SubmitField("Put the records on legal hold", widget=GovSubmitInput())


class LiftHoldForm(BaseForm):
    reason = TextAreaField(
        "Why can the hold be lifted?", widget=GovTextArea(),
        description="For example: the proceedings ended on 3 March 2027. The records then follow the retention "
                    "schedule again, and may be purged at the next run.",
        validators=[InputRequired(message="Say why the hold can be lifted"), Length(max=2000)])
    submit = SubmitField("Lift the legal hold", widget=GovSubmitInput())


class ErasureDecisionForm(BaseForm):
    grounds = SelectMultipleField(
        "Which grounds for erasure apply?", widget=CheckboxesInput(), choices=list(GROUNDS),
        description="Article 17(1). Choose every one that applies, or none.")
    exemptions = SelectMultipleField(
        "Which exemptions apply?", widget=CheckboxesInput(), choices=list(EXEMPTIONS),
        description="Reasons the services must keep the records even so. Choose every one that applies, or none.")
    decision = RadioField("Your decision", widget=RadioInput(), choices=list(DECISIONS),
                          validators=[InputRequired(message="Choose whether to accept or refuse the request")])
    reasons = TextAreaField(
        "Reasons", widget=GovTextArea(),
        description="Why the grounds and exemptions apply or not. These are kept after the records are erased: do "
                    "not write the person's details here.",
        validators=[InputRequired(message="Give the reasons for the decision"), Length(max=2000)])
    submit = SubmitField("Record the decision", widget=GovSubmitInput())
