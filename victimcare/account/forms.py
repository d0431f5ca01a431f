from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SelectMultipleField, SubmitField
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
