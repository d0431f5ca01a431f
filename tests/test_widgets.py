"""Each grouped GOV.UK widget keeps its question as the fieldset legend, however the template sizes it."""
import pytest
from flask import render_template_string
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectMultipleField

from victimcare.web.widgets import CheckboxesInput, DateInput, RadioInput


class ExampleForm(FlaskForm):
    method = RadioField("How did you try to make contact?", widget=RadioInput(), choices=[("phone", "Phone call")])
    needs = SelectMultipleField("Needs identified", widget=CheckboxesInput(), choices=[("safety", "Safety")])
    on = DateField("Date of the contact", widget=DateInput(), format="%d %m %Y")


@pytest.mark.parametrize("field,question", [
    ("method", "How did you try to make contact?"),
    ("needs", "Needs identified"),
    ("on", "Date of the contact"),
])
@pytest.mark.parametrize("params", ["{}", "{'fieldset': {'legend': {'classes': 'govuk-fieldset__legend--s'}}}"])
def test_grouped_widgets_render_their_legend(app, field, question, params):
    with app.test_request_context():
        html = render_template_string("{{ form.%s(params=%s) }}" % (field, params), form=ExampleForm())
    legend = html.split("<legend", 1)[1].split("</legend>", 1)[0]
    assert question in legend


def test_an_explicit_legend_wins(app):
    with app.test_request_context():
        html = render_template_string(
            "{{ form.method(params={'fieldset': {'legend': {'text': 'Method'}}}) }}", form=ExampleForm())
    assert "Method" in html.split("<legend", 1)[1].split("</legend>", 1)[0]
