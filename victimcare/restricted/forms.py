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
        description="Only the people you choose, and you, can open the record. Anyone else sees "
                    "\u201cRestricted record\u201d and must give a reason to open it, which their lead reviews.")
    submit = SubmitField("Save restriction", widget=GovSubmitInput())


class LiftRestrictionForm(BaseForm):
    submit = SubmitField("Remove the restriction", widget=GovSubmitInput())
