from govuk_frontend_wtf.wtforms_widgets import (
    GovPasswordInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import EqualTo, InputRequired, Length

from ..web.forms import BaseForm


class SignInForm(BaseForm):
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter your email address")],
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter your password")],
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class ChangePasswordForm(BaseForm):
    current_password = PasswordField(
        "Current password", widget=GovPasswordInput(), validators=[InputRequired(message="Enter your current password")]
    )
    new_password = PasswordField(
        "New password",
        widget=GovPasswordInput(),
        description="At least 12 characters. Changing it signs you out everywhere else.",
        validators=[
            InputRequired(message="Enter a new password"),
            Length(min=12, message="Password must be at least 12 characters"),
        ],
    )
    confirm_password = PasswordField(
        "Confirm new password",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Confirm your new password"), EqualTo("new_password", message="Passwords must match")],
    )
    submit = SubmitField("Change password", widget=GovSubmitInput())


class ChooseNewPasswordForm(BaseForm):
    """The page a one-time link opens: a password reset, or an invitation's first password."""

    new_password = PasswordField(
        "New password",
        widget=GovPasswordInput(),
        description="At least 12 characters. A few unrelated words make a password that is long and easy to remember.",
        validators=[InputRequired(message="Enter a new password"),
                    Length(min=12, message="Password must be at least 12 characters")],
    )
    confirm_password = PasswordField(
        "Confirm new password",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Confirm your new password"),
                    EqualTo("new_password", message="Passwords must match")],
    )
    submit = SubmitField("Save password", widget=GovSubmitInput())


class SecondFactorForm(BaseForm):
    code = StringField(
        "Code",
        widget=GovTextInput(),
        description="The 6-digit code your authenticator app shows now, or one of your recovery codes.",
        validators=[InputRequired(message="Enter the code from your authenticator app"), Length(max=40)],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())
