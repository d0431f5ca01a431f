"""Each service's features, as data: the table a page or a service reads instead of comparing slugs."""
import pytest

from victimcare.domain.service_features import (
    NO_FEATURES, RJ_WITHDRAWAL, StepRefused, check_step, features_of, process_stopped, steps_for,
)
from victimcare.domain.vocab import SERVICES, slugs


@pytest.mark.parametrize("slug, safeguarding_lead, dash, marac, complaint, general, has_steps", [
    ("child-house", True, False, False, False, False, True),
    ("domestic-abuse", False, True, True, False, False, True),
    ("hate-crime", False, False, False, False, False, True),
    ("restorative-justice", False, False, False, False, False, True),
    ("victims-commissioner", False, False, False, True, False, False),
    ("victim-support", False, False, False, False, True, False),
])
def test_features_of_each_service(slug, safeguarding_lead, dash, marac, complaint, general, has_steps):
    features = features_of(slug)
    assert (features.safeguarding_lead, features.dash_reassessment, features.marac, features.complaint,
            features.general_support, bool(features.steps)) == (safeguarding_lead, dash, marac, complaint,
                                                                general, has_steps)
    assert steps_for(slug) == features.steps


def test_every_service_of_the_vocabulary_has_an_entry_and_an_unknown_one_has_none():
    assert all(features_of(slug) is not NO_FEATURES for slug in slugs(SERVICES))
    assert features_of("no-such-service") is NO_FEATURES and features_of(None) is NO_FEATURES


def test_only_restorative_justice_stops_at_consent_withdrawn():
    assert process_stopped("restorative-justice", {RJ_WITHDRAWAL})
    assert not process_stopped("restorative-justice", {"rj-contact"})
    assert not process_stopped("child-house", {RJ_WITHDRAWAL})
    with pytest.raises(StepRefused, match="Consent was withdrawn"):
        check_step("restorative-justice", "rj-follow-up", {RJ_WITHDRAWAL})
    with pytest.raises(StepRefused, match="Choose one"):
        check_step("child-house", "rj-follow-up", set())
    check_step("child-house", "medical", set())


@pytest.mark.parametrize("stage", ["rj-preparation", "rj-direct-meeting", "rj-indirect-meeting", "rj-outcome-agreement"])
def test_restorative_justice_meetings_wait_for_both_written_consents(stage):
    with pytest.raises(StepRefused, match="victim's written consent, offender's written consent"):
        check_step("restorative-justice", stage, {"rj-contact"})
    with pytest.raises(StepRefused, match="offender's written consent"):
        check_step("restorative-justice", stage, {"rj-victim-consent"})
    check_step("restorative-justice", stage, {"rj-victim-consent", "rj-offender-consent"})
    check_step("restorative-justice", "rj-victim-meeting", set())  # meeting the facilitator needs no consent yet


# --- A flagged RJ case waits for the specialist risk assessment before any meeting stage -----------------------

_CONSENTED = {"rj-victim-consent", "rj-offender-consent"}


@pytest.mark.parametrize("stage", ["rj-preparation", "rj-direct-meeting", "rj-indirect-meeting",
                                   "rj-outcome-agreement"])
def test_a_flagged_case_records_no_meeting_stage_before_the_specialist_assessment(stage):
    with pytest.raises(StepRefused, match="specialist risk assessment first"):
        check_step("restorative-justice", stage, _CONSENTED, specialist_assessment_needed=True)
    check_step("restorative-justice", stage, _CONSENTED | {"rj-specialist-risk-assessment"},
               specialist_assessment_needed=True)
    check_step("restorative-justice", stage, _CONSENTED)  # an unflagged case does not wait for it


def test_the_specialist_assessment_and_early_steps_are_not_gated():
    for step in ("rj-contact", "rj-victim-meeting", "rj-specialist-risk-assessment", "rj-victim-consent"):
        check_step("restorative-justice", step, set(), specialist_assessment_needed=True)


def test_written_consent_is_still_asked_first_on_a_flagged_case():
    with pytest.raises(StepRefused, match="written consent"):
        check_step("restorative-justice", "rj-preparation", {"rj-specialist-risk-assessment"},
                   specialist_assessment_needed=True)
