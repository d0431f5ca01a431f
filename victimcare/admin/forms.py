from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    EmailField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput

from ..domain.vocab import ROLES, SERVICES
from ..web.forms import BaseForm
from ..web.widgets import CheckboxesInput, RadioInput


MARAC_COORDINATOR_LABEL = "MARAC coordinator (domestic abuse advocates: runs the service's MARAC meetings)"


class NewUserForm(BaseForm):
    name = StringField("Full name", widget=GovTextInput(), validators=[InputRequired(message="Enter the person's name")])
    email = EmailField(
        "Email address", widget=GovTextInput(), validators=[InputRequired(message="Enter an email address")]
    )
    role = RadioField(
        "Role",
        widget=RadioInput(),
        choices=list(ROLES),
        validators=[InputRequired(message="Choose a role")],
    )
    service = SelectField(
        "Service (advocates only)",
        widget=GovSelect(),
        choices=[("", "No service")] + list(SERVICES),
        validators=[Optional()],
    )
    is_lead = BooleanField("Service lead (can assign cases and approve closures)", widget=GovCheckboxInput())
    is_marac_coordinator = BooleanField(MARAC_COORDINATOR_LABEL, widget=GovCheckboxInput())
    submit = SubmitField("Create user and make an invitation link", widget=GovSubmitInput())


class AccessForm(BaseForm):
    """Change an account's role, service or lead flag (a change that opens case data waits for approval)."""

    role = RadioField("Role", widget=RadioInput(), choices=list(ROLES), validators=[InputRequired(message="Choose a role")])
    service = SelectField("Service (advocates only)", widget=GovSelect(), choices=[("", "No service")] + list(SERVICES),
                          validators=[Optional()])
    is_lead = BooleanField("Service lead (can assign cases and approve closures)", widget=GovCheckboxInput())
    is_marac_coordinator = BooleanField(MARAC_COORDINATOR_LABEL, widget=GovCheckboxInput())
    submit = SubmitField("Save access", widget=GovSubmitInput())


class SecondFactorResetForm(BaseForm):
    """Ask for a second-factor reset (a lost phone and no recovery codes); a second person approves it."""

    reason = TextAreaField(
        "Why should it be reset?", widget=GovTextArea(),
        description="For example, how the person told you they lost their phone or key. The person approving "
                    "reads this. Do not include anything about a victim.",
        validators=[InputRequired(message="Say why the second factor should be reset"),
                    Length(max=500, message="The reason must be 500 characters or fewer")])
    submit = SubmitField("Ask for a second-factor reset", widget=GovSubmitInput())


class WebhookForm(BaseForm):
    url = StringField("Endpoint address", widget=GovTextInput(),
                      validators=[InputRequired(message="Enter the partner's endpoint address")])
    description = StringField("Partner (optional)", widget=GovTextInput(), validators=[Optional(), Length(max=200)])
    events = SelectMultipleField("Events to send", widget=CheckboxesInput(), option_widget=CheckboxInput(),
                                 validators=[InputRequired(message="Choose at least one event")])
    secret = StringField("Signing secret (optional)", widget=GovTextInput(), validators=[Optional()])
    submit = SubmitField("Add endpoint", widget=GovSubmitInput())
