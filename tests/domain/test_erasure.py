"""Erasure decisions: accepting needs a ground, no exemption and no hold; refusing a request with a ground needs an
exemption; both need reasons."""
import pytest

from victimcare.domain.erasure import decision_problems


@pytest.mark.parametrize("decision, grounds, exemptions, reasons, on_hold, fields", [
    ("accepted", ["consent-withdrawn"], [], "No other basis", False, []),
    ("accepted", [], [], "Because", False, ["grounds"]),
    ("accepted", ["objection"], ["legal-claims"], "Trial pending", False, ["exemptions"]),
    ("accepted", ["no-longer-necessary"], [], "Done", True, ["decision"]),
    ("accepted", ["consent-withdrawn"], [], "  ", False, ["reasons"]),
    ("refused", ["objection"], ["safeguarding"], "Children at risk", False, []),
    ("refused", [], [], "No ground applies: support is ongoing", False, []),
    ("refused", ["consent-withdrawn"], [], "Because", False, ["exemptions"]),
    (None, [], [], "", False, ["decision", "reasons"]),
    ("accepted", ["made-up"], [], "x", False, ["grounds"]),
    ("refused", [], ["made-up"], "x", False, ["exemptions"]),
])
def test_decision_problems(decision, grounds, exemptions, reasons, on_hold, fields):
    problems = decision_problems(decision, grounds, exemptions, reasons, on_hold=on_hold)
    assert sorted({field for field, _ in problems}) == sorted(fields)
