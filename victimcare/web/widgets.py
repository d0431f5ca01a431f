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
    """Checkboxes; ``params={'exclusive_last': True}`` makes the last option a GOV.UK "none" option: an "or"
    divider before it, and ticking it clears the others (and the reverse), with JavaScript."""

    def map_gov_params(self, field, **kwargs):
        exclusive_last = (kwargs.get("params") or {}).pop("exclusive_last", False)
        params = super().map_gov_params(field, **kwargs)
        if exclusive_last and params["items"]:
            params["items"][-1]["behaviour"] = "exclusive"
            params["items"].insert(len(params["items"]) - 1, {"divider": "or"})
        return params


class DateInput(_LegendDefault, GovDateInput):
    pass


class LinkedDateInput(DateInput):
    """GOV.UK date input whose day box carries the field's id, so the error summary link lands on it."""

    def map_gov_params(self, field, **kwargs):
        if field.raw_data is not None and len(field.raw_data) != 3:
            # A post without the three boxes (a hand-made request): show them empty rather than fail.
            field.raw_data = (list(field.raw_data) + ["", "", ""])[:3]
        params = super().map_gov_params(field, **kwargs)
        params["id"] = f"{field.id}-date"  # the wrapper gives up the field's id to the day box (ids must be unique)
        params["items"][0]["id"] = field.id
        parts = getattr(field, "error_parts", None)  # GOV.UK: when only some boxes are missing, mark just those
        if field.errors and parts:
            for item in params["items"]:
                if item["label"].lower() not in parts:
                    item["classes"] = item["classes"].replace("govuk-input--error", "").strip()
        return params
