"""Forms for restricting a record and for breaking the glass."""
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea
from wtforms import RadioField, SelectMultipleField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from ..domain.vocab import RESTRICTION_REASONS
from ..web.forms import BaseForm
from ..web.widgets import CheckboxesInput, RadioInput


class RestrictionForm(BaseForm):
    reason = RadioField("Why is this record restricted?", widget=RadioInput(), choices=list(RESTRICTION_REASONS),
                        validators=[InputRequired(message="Choose why the record is restricted")])
    named = SelectMultipleField(
        "Who may open it", widget=CheckboxesInput(), choices=[], coerce=int,
        description="Only the people you choose, and you, can open the record.")
    submit = SubmitField("Save restriction", widget=GovSubmitInput())


class LiftRestrictionForm(BaseForm):
    submit = SubmitField("Remove the restriction", widget=GovSubmitInput())


class BreakGlassForm(BaseForm):
    reason = TextAreaField(
        "Why do you need to open this record?", widget=GovTextArea(),
        description="Your service lead is told at once, and a lead or the data protection officer reviews every "
                    "break-glass access.",
        validators=[InputRequired(message="Say why you need to open this record"), Length(max=2000)])
    submit = SubmitField("Break the glass and open the record", widget=GovSubmitInput())


class BreakGlassReviewForm(BaseForm):
    justified = RadioField("Was this access justified?", widget=RadioInput(),
                           choices=[("yes", "Yes, it was justified"), ("no", "No, it was not justified")],
                           validators=[InputRequired(message="Choose whether the access was justified")])
    note = TextAreaField("Notes (optional)", widget=GovTextArea(), validators=[Length(max=2000)],
                         description="For example what you checked, or what you will do next.")
    submit = SubmitField("Record the review", widget=GovSubmitInput())
