"""A GOV.UK date input field whose errors say what is wrong, as the GOV.UK date input guidance words them.

"Date of birth must include a month", "Date of birth must be a real date", "Year must include 4 numbers": the
error names the question and, when only some boxes are missing or wrong, the widget marks just those boxes.
All three boxes empty is "not given": the field's data is None, and a required field says "Enter ...".
"""
from datetime import date

from wtforms import DateField
from wtforms.validators import StopValidation

from .widgets import LinkedDateInput


class GovDateField(DateField):
    """Day, month and year boxes. ``error_name`` starts each error ("Date of birth"); ``required`` is the message
    for three empty boxes (None: the date is optional)."""

    def __init__(self, label, error_name: str | None = None, required: str | None = None, **kwargs):
        kwargs.setdefault("widget", LinkedDateInput())
        super().__init__(label, format="%d %m %Y", **kwargs)
        self.error_name = error_name or label
        self.required_message = required
        self.error_parts = None

    def process_formdata(self, valuelist):
        self.data, self.error_parts = None, None
        if not valuelist or not any((value or "").strip() for value in valuelist):
            return
        name = self.error_name
        if len(valuelist) != 3:
            raise ValueError(f"{name} must be a real date")
        day, month, year = ((value or "").strip() for value in valuelist)
        missing = [part for part, value in (("day", day), ("month", month), ("year", year)) if not value]
        if missing:
            self.error_parts = missing
            raise ValueError(f"{name} must include a {' and '.join(missing)}")
        not_numbers = [part for part, value in (("day", day), ("month", month), ("year", year)) if not value.isdigit()]
        if not_numbers:
            self.error_parts = not_numbers
            raise ValueError(f"{name} must be a real date")
        if len(year) != 4:
            self.error_parts = ["year"]
            raise ValueError("Year must include 4 numbers")
        try:
            self.data = date(int(year), int(month), int(day))
        except ValueError:
            raise ValueError(f"{name} must be a real date") from None

    def pre_validate(self, form):
        if self.data is None and not self.process_errors and self.required_message:
            raise StopValidation(self.required_message)
        if self.data is None and not self.process_errors:
            raise StopValidation()  # optional and not given: no other rule applies
