"""Every legal and illegal case status transition."""
import itertools

import pytest

from victimcare.domain.case_lifecycle import (
    IllegalTransition,
    allowed_targets,
    check_transition,
    required_details,
)
from victimcare.domain.vocab import CASE_STATUSES, slugs

STATUSES = slugs(CASE_STATUSES)

# (current, target, the details that make it valid)
LEGAL = [
    ("new", "accepted", {}),
    ("new", "declined", {"reason": "Out of area"}),
    ("new", "transferred", {"reason": "Specialist need", "target_service": "hate-crime"}),
    ("accepted", "in-progress", {}),
    ("accepted", "transferred", {"reason": "Moved borough", "target_service": "victim-support"}),
    ("accepted", "closed", {"closure_reason": "declined-support"}),
    ("in-progress", "transferred", {"reason": "Risk increased", "target_service": "domestic-abuse"}),
    ("in-progress", "closed", {"closure_reason": "support-completed"}),
    ("closed", "in-progress", {"reason": "New incident"}),
]
LEGAL_PAIRS = {(current, target) for current, target, _ in LEGAL}
ILLEGAL = [pair for pair in itertools.product(STATUSES, STATUSES) if pair not in LEGAL_PAIRS]


@pytest.mark.parametrize("current, target, details", LEGAL)
def test_legal_transitions(current, target, details):
    check_transition(current, target, **details)
    assert target in allowed_targets(current)


@pytest.mark.parametrize("current, target", ILLEGAL)
def test_illegal_transitions(current, target):
    with pytest.raises(IllegalTransition) as error:
        check_transition(current, target, reason="x", closure_reason="support-completed", target_service="victim-support")
    assert target not in allowed_targets(current)
    assert str(error.value).endswith(".")


@pytest.mark.parametrize(
    "current, target, message",
    [
        ("new", "closed", "A case that is new cannot be closed. Accept it first."),
        ("new", "in-progress", "A case that is new cannot be moved to in progress. Accept it first."),
        ("closed", "closed", "The case is already closed."),
        ("closed", "accepted", "A case that is closed cannot be accepted. Reopen it first."),
        ("declined", "accepted", "A case that is declined cannot be accepted. A declined case is final."),
        ("in-progress", "declined", "A case that is in progress cannot be declined. Only a new case can be declined; "
                                    "close it instead."),
    ],
)
def test_illegal_transition_messages(current, target, message):
    with pytest.raises(IllegalTransition, match=f"^{message}$".replace(".", r"\.")):
        check_transition(current, target)


def test_illegal_transition_is_a_value_error():
    assert issubclass(IllegalTransition, ValueError)


@pytest.mark.parametrize(
    "current, target, details, message",
    [
        ("new", "declined", {}, "reason for declining"),
        ("new", "declined", {"reason": "  "}, "reason for declining"),
        ("new", "transferred", {"target_service": "hate-crime"}, "reason for transferring"),
        ("new", "transferred", {"reason": "Specialist"}, "Choose the service"),
        ("accepted", "transferred", {"reason": "x", "target_service": "nowhere"}, "Unknown service"),
        ("in-progress", "transferred", {"reason": "x"}, "Choose the service"),
        ("in-progress", "closed", {}, "reason for closing"),
        ("accepted", "closed", {"closure_reason": "bored"}, "Unknown closure reason"),
        ("closed", "in-progress", {}, "reason for reopening"),
    ],
)
def test_missing_details(current, target, details, message):
    with pytest.raises(ValueError, match=message) as error:
        check_transition(current, target, **details)
    assert not isinstance(error.value, IllegalTransition)


@pytest.mark.parametrize(
    "current, expected",
    [
        ("new", ("accepted", "declined", "transferred")),
        ("accepted", ("in-progress", "transferred", "closed")),
        ("in-progress", ("transferred", "closed")),
        ("closed", ("in-progress",)),
        ("declined", ()),
        ("transferred", ()),
    ],
)
def test_allowed_targets(current, expected):
    assert allowed_targets(current) == expected


@pytest.mark.parametrize(
    "current, target, expected",
    [
        ("new", "accepted", ()),
        ("new", "declined", ("reason",)),
        ("accepted", "transferred", ("reason", "target_service")),
        ("in-progress", "closed", ("closure_reason",)),
        ("closed", "in-progress", ("reason",)),
        ("accepted", "in-progress", ()),
    ],
)
def test_required_details(current, target, expected):
    assert required_details(current, target) == expected


@pytest.mark.parametrize("current, target", [("open", "closed"), ("new", "done")])
def test_unknown_status(current, target):
    with pytest.raises(ValueError, match="Unknown case status"):
        check_transition(current, target)
