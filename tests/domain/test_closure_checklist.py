"""The closure checklist: which items show for which service, and which block a closure."""
import pytest

from victimcare.domain.closure_checklist import ClosureFacts, blocking_items, closure_checklist, override_errors


def _facts(service="victim-support", **values):
    return ClosureFacts(**{"service_slug": service, "open_tasks": 0, "first_contact_made": True, "high_risk": False,
                           **values})


@pytest.mark.parametrize("facts, keys, blocking", [
    (_facts(), ["open-tasks", "first-contact"], []),
    (_facts(open_tasks=2), ["open-tasks", "first-contact"], ["open-tasks"]),
    (_facts(first_contact_made=False), ["open-tasks", "first-contact"], ["first-contact"]),
    # closing because the victim could not be reached: no contact is expected
    (_facts(first_contact_made=False, closure_reason="not-contactable"), ["open-tasks", "first-contact"], []),
    (_facts("domestic-abuse"), ["open-tasks", "first-contact"], []),  # not high risk: no MARAC item
    (_facts("domestic-abuse", high_risk=True), ["open-tasks", "first-contact", "marac-referral"], ["marac-referral"]),
    (_facts("domestic-abuse", high_risk=True, recorded_steps=frozenset({"marac-referral"})),
     ["open-tasks", "first-contact", "marac-referral"], []),
    (_facts("hate-crime", high_risk=True), ["open-tasks", "first-contact"], []),  # MARAC is domestic abuse only
    (_facts("restorative-justice"), ["open-tasks", "first-contact", "rj-consent"], []),
    (_facts("restorative-justice", recorded_steps=frozenset({"rj-consent-withdrawn"})),
     ["open-tasks", "first-contact", "rj-consent"], []),
    (_facts("domestic-abuse", high_risk=True, open_tasks=1, first_contact_made=False),
     ["open-tasks", "first-contact", "marac-referral"], ["open-tasks", "first-contact", "marac-referral"]),
])
def test_checklist_items_and_what_blocks(facts, keys, blocking):
    items = closure_checklist(facts)
    assert [item.key for item in items] == keys
    assert [item.key for item in blocking_items(items)] == blocking


@pytest.mark.parametrize("open_tasks, answer", [(0, "None open"), (1, "1 task is still open"),
                                                 (3, "3 tasks are still open")])
def test_open_tasks_answer_in_words(open_tasks, answer):
    assert closure_checklist(_facts(open_tasks=open_tasks))[0].answer == answer


def test_rj_withdrawal_is_shown_in_words():
    items = closure_checklist(_facts("restorative-justice", recorded_steps=frozenset({"rj-consent-withdrawn"})))
    assert items[-1].answer == "Yes: the process stopped"


@pytest.mark.parametrize("blocked, reason, approving, fields", [
    (False, None, False, []),
    (True, None, False, ["override_reason"]),
    (True, "   ", False, ["override_reason"]),     # blank is no reason
    (True, "Victim moved abroad", False, []),
    (True, None, True, ["override_reason"]),
])
def test_override_errors(blocked, reason, approving, fields):
    items = closure_checklist(_facts(open_tasks=1 if blocked else 0))
    errors = override_errors(items, reason, approving=approving)
    assert [e["field"] for e in errors] == fields
    if errors:
        assert ("approving the closure" if approving else "closing the case") in errors[0]["message"]
