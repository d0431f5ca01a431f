from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import SelectMultipleField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput

from ..domain.notifications import NOTIFICATION_KINDS
from ..web.forms import BaseForm
from ..web.widgets import CheckboxesInput


class NotificationsForm(BaseForm):
    wanted = SelectMultipleField(
        "Emails you can turn off",
        widget=CheckboxesInput(),
        option_widget=CheckboxInput(),
        choices=[(k.slug, k.label) for k in NOTIFICATION_KINDS.values() if not k.essential],
        validate_choice=True,
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


class AuthenticatorForm(BaseForm):
    code = StringField(
        "Code from the app",
        widget=GovTextInput(),
        description="After scanning, the app shows a 6-digit code for victimcare.",
        validators=[InputRequired(message="Enter the 6-digit code from your authenticator app"), Length(max=12)],
    )
    submit = SubmitField("Turn on", widget=GovSubmitInput())


class SecurityKeyNameForm(BaseForm):
    """The security key's name, read here only when the page is posted without JavaScript (which adding a key
    needs): its text is checked like every form's before the page says so."""

    key_name = StringField("Name for the key", validators=[Optional(), Length(max=60)])
