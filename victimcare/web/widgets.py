"""GOV.UK widgets for grouped inputs that always keep their legend.

govuk-frontend-wtf only uses the field's label as the fieldset legend when the template passes no `fieldset`
params at all; passing just a legend class (to size it) silently drops the legend text, leaving a group of
radios or checkboxes with no question. These subclasses fill the text in whenever it is missing.
"""
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovDateInput,
    GovRadioInput,
)


class _LegendDefault:
    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        fieldset = params.get("fieldset")
        if fieldset is not None:
            legend = fieldset.setdefault("legend", {})
            if not (legend.get("text") or legend.get("html")):
                legend["text"] = field.label.text
        return params


class RadioInput(_LegendDefault, GovRadioInput):
    pass


class CheckboxesInput(_LegendDefault, GovCheckboxesInput):
    pass


class DateInput(_LegendDefault, GovDateInput):
    pass
