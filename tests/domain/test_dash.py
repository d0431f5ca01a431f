"""DASH scoring, professional judgement, MARAC criteria and the question file."""
import json
from datetime import date

import pytest

from victimcare.domain.dash import (
    DashThresholds,
    assess_dash,
    count_yes,
    load_dash_questions,
)

TODAY = date(2026, 11, 26)


@pytest.mark.parametrize(
    "yes_count, level",
    [(0, "standard"), (9, "standard"), (10, "medium"), (13, "medium"), (14, "high"), (24, "high")],
)
def test_actuarial_levels_at_the_boundaries(yes_count, level):
    result = assess_dash(yes_count, assessed_on=TODAY)
    assert result.actuarial_level == level
    assert result.level == level
    assert result.marac is (yes_count >= 14)


@pytest.mark.parametrize("yes_count", [0, 9, 10, 13, 14, 24])
def test_professional_judgement_raises_to_high_and_never_lowers(yes_count):
    result = assess_dash(yes_count, professional_judgement=True, professional_judgement_reason="Recent threats with a knife",
                         assessed_on=TODAY)
    assert result.level == "high"
    assert result.actuarial_level == assess_dash(yes_count, assessed_on=TODAY).actuarial_level
    assert result.marac
    assert "Professional judgement: Recent threats with a knife" in result.marac_reasons


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_professional_judgement_needs_a_reason(reason):
    with pytest.raises(ValueError, match="reason"):
        assess_dash(5, professional_judgement=True, professional_judgement_reason=reason, assessed_on=TODAY)


def test_a_reason_without_judgement_is_not_kept():
    result = assess_dash(5, professional_judgement_reason="note", assessed_on=TODAY)
    assert result.professional_judgement_reason is None and result.level == "standard"


@pytest.mark.parametrize("yes_count", [-1, 25, 3.5, True, "14"])
def test_yes_count_must_be_0_to_24(yes_count):
    with pytest.raises(ValueError, match="0 to 24"):
        assess_dash(yes_count, assessed_on=TODAY)


@pytest.mark.parametrize(
    "kwargs, marac, reason_start",
    [
        ({"yes_count": 14}, True, "Visible high risk"),
        ({"yes_count": 13}, False, None),
        ({"yes_count": 3, "professional_judgement": True, "professional_judgement_reason": "Escalating threats"},
         True, "Professional judgement"),
        ({"yes_count": 3, "incidents_last_12_months": 3}, True, "Potential escalation"),
        ({"yes_count": 3, "incidents_last_12_months": 2}, False, None),
        ({"yes_count": 3, "last_marac_referral_on": date(2026, 1, 1)}, True, "Repeat"),
        ({"yes_count": 3, "last_marac_referral_on": date(2025, 11, 26)}, True, "Repeat"),  # exactly 365 days
        ({"yes_count": 3, "last_marac_referral_on": date(2025, 11, 25)}, False, None),  # 366 days
        ({"yes_count": 3}, False, None),
    ],
)
def test_each_marac_criterion_alone(kwargs, marac, reason_start):
    result = assess_dash(assessed_on=TODAY, **kwargs)
    assert result.marac is marac
    if reason_start:
        assert len(result.marac_reasons) == 1
        assert result.marac_reasons[0].startswith(reason_start)
    else:
        assert result.marac_reasons == ()


def test_all_marac_criteria_together_are_all_explained():
    result = assess_dash(16, professional_judgement=True, professional_judgement_reason="Strangulation",
                         incidents_last_12_months=4, last_marac_referral_on=date(2026, 6, 1), assessed_on=TODAY)
    assert [r.split(":")[0] for r in result.marac_reasons] == [
        "Visible high risk", "Professional judgement", "Potential escalation", "Repeat"]
    assert "16 of 24" in result.marac_reasons[0]


def test_escalation_and_repeat_do_not_change_the_level():
    result = assess_dash(11, incidents_last_12_months=5, assessed_on=TODAY)
    assert result.marac and result.level == "medium"


@pytest.mark.parametrize(
    "thresholds, kwargs, marac",
    [
        (DashThresholds(escalation_incidents=2), {"incidents_last_12_months": 2}, True),
        (DashThresholds(escalation_incidents=4), {"incidents_last_12_months": 3}, False),
        (DashThresholds(repeat_window_days=30), {"last_marac_referral_on": date(2026, 10, 1)}, False),
        (DashThresholds(high=12, medium=8), {}, False),
    ],
)
def test_local_thresholds(thresholds, kwargs, marac):
    assert assess_dash(5, assessed_on=TODAY, thresholds=thresholds, **kwargs).marac is marac


def test_custom_score_bands():
    assert assess_dash(12, assessed_on=TODAY, thresholds=DashThresholds(high=12, medium=8)).level == "high"


@pytest.mark.parametrize("kwargs", [{"high": 10, "medium": 10}, {"high": 25}, {"medium": 0},
                                    {"escalation_incidents": 0}, {"repeat_window_days": 0}])
def test_invalid_thresholds(kwargs):
    with pytest.raises(ValueError):
        DashThresholds(**kwargs)


def test_marac_referral_after_the_assessment_is_rejected():
    with pytest.raises(ValueError, match="cannot be after"):
        assess_dash(3, last_marac_referral_on=date(2026, 12, 1), assessed_on=TODAY)


def test_negative_incidents_rejected():
    with pytest.raises(ValueError, match="negative"):
        assess_dash(3, incidents_last_12_months=-1, assessed_on=TODAY)


@pytest.mark.parametrize(
    "answers, expected",
    [
        ({}, 0),
        ({"q1": "yes", "q2": "no", "q3": "not-known"}, 1),
        ({f"q{i}": "yes" for i in range(1, 25)}, 24),
    ],
)
def test_count_yes(answers, expected):
    assert count_yes(answers) == expected


@pytest.mark.parametrize("answer", ["Yes", "y", "", None, True])
def test_count_yes_rejects_other_answers(answer):
    with pytest.raises(ValueError, match="yes, no or not-known"):
        count_yes({"q1": answer})


def test_count_yes_can_check_question_ids():
    ids = tuple(q.id for q in load_dash_questions())
    assert count_yes({"q1": "yes"}, ids) == 1
    with pytest.raises(ValueError, match="not a question"):
        count_yes({"q99": "yes"}, ids)


def test_bundled_questions():
    questions = load_dash_questions()
    assert [q.id for q in questions] == [f"q{i}" for i in range(1, 25)]
    assert all(q.text for q in questions)


def _write(tmp_path, data):
    path = tmp_path / "questions.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def test_a_service_can_replace_the_questions(tmp_path):
    path = _write(tmp_path, [{"id": f"risk-{i}", "text": f"Topic {i}"} for i in range(24)])
    assert load_dash_questions(path)[0].id == "risk-0"
    assert load_dash_questions(str(path))[23].text == "Topic 23"


@pytest.mark.parametrize(
    "data, message",
    [
        ([{"id": f"q{i}", "text": "t"} for i in range(23)], "has 23"),
        ([{"id": f"q{i}", "text": "t"} for i in range(25)], "has 25"),
        ([{"id": "q1", "text": "t"}] * 24, "repeats q1"),
        ([{"id": f"q{i}", "text": ""} for i in range(24)], "no text"),
        ([{"text": "t"}] + [{"id": f"q{i}", "text": "t"} for i in range(23)], "no id"),
        (["q1"] * 24, "must be an object"),
        ({"q1": "t"}, "must contain a list"),
        ("not json", "not valid JSON"),
    ],
)
def test_invalid_question_files(tmp_path, data, message):
    with pytest.raises(ValueError, match=message):
        load_dash_questions(_write(tmp_path, data))
