"""Attrition rules: what a withdrawal needs, and whether the victim was supported by an advocate."""
from datetime import date

import pytest

from victimcare.domain.attrition import supported_by_advocate, withdrawal_problems

TODAY = date(2026, 12, 6)


def fields(**overrides):
    values = dict(stage="before-charge", reasons=["fear-of-suspect"], other_details=None,
                  withdrawn_on=date(2026, 12, 1), today=TODAY)
    values.update(overrides)
    return {p.field for p in withdrawal_problems(**values)}


@pytest.mark.parametrize("overrides, wrong", [
    ({}, set()),
    ({"stage": "at-trial", "reasons": ["delay", "reconciled"]}, set()),
    ({"stage": None}, {"stage"}),
    ({"stage": "sentencing"}, {"stage"}),
    ({"reasons": []}, {"reasons"}),
    ({"reasons": ["boredom"]}, {"reasons"}),
    ({"reasons": ["other"]}, {"other_details"}),
    ({"reasons": ["other"], "other_details": "   "}, {"other_details"}),
    ({"reasons": ["other"], "other_details": "Moving abroad"}, set()),
    ({"reasons": ["other"], "other_details": "x" * 2001}, {"other_details"}),
    ({"withdrawn_on": None}, {"withdrawn_on"}),
    ({"withdrawn_on": TODAY}, set()),
    ({"withdrawn_on": date(2026, 12, 7)}, {"withdrawn_on"}),
    ({"stage": None, "reasons": [], "withdrawn_on": None}, {"stage", "reasons", "withdrawn_on"}),
])
def test_what_a_withdrawal_needs(overrides, wrong):
    assert fields(**overrides) == wrong


@pytest.mark.parametrize("contacted, withdrawn, supported", [
    (None, date(2026, 5, 1), False),
    (date(2026, 4, 30), date(2026, 5, 1), True),
    (date(2026, 5, 1), date(2026, 5, 1), True),   # the same day counts
    (date(2026, 5, 2), date(2026, 5, 1), False),  # contact only after they withdrew
])
def test_supported_means_a_successful_contact_by_the_day_they_withdrew(contacted, withdrawn, supported):
    assert supported_by_advocate(contacted, withdrawn) is supported
