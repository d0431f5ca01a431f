"""Helpers for MARAC tests: a coordinator, and domestic-abuse cases referred to MARAC on a given day."""
from datetime import date, datetime, time, timezone

from victimcare.extensions import db
from victimcare.models import CaseStep, Referral, RiskAssessment

from .factories import make_referral_with_case, make_user

LAMBETH, SOUTHWARK, BARNET = "E09000022", "E09000028", "E09000003"
SOUTH_BCU = 7  # Central South: Lambeth and Southwark


def make_coordinator(**extra):
    return make_user("advocate", service="domestic-abuse", is_marac_coordinator=True, **extra)


def referred_case(referred_on: date, borough: str = LAMBETH, *, repeat_reason: bool = False, as_step: bool = False,
                  person_id: int | None = None, level: str = "high"):
    """A domestic-abuse case in ``borough`` referred to MARAC on ``referred_on``: by a DASH assessment (visible high
    risk) or, with ``as_step``, by a recorded "Referred to MARAC" step."""
    at = datetime.combine(referred_on, time(11), tzinfo=timezone.utc)
    case = make_referral_with_case("domestic-abuse", "accepted", received_at=at, borough_code=borough, marac=True)
    referral = db.session.get(Referral, case.referral_id)
    if person_id is not None:
        referral.person_id = person_id
    referral.dash_level = level
    if as_step:
        db.session.add(CaseStep(case_id=case.id, step="marac-referral", occurred_on=referred_on))
    else:
        reasons = ["Visible high risk: 16 of 24 answers were yes (14 or more)."]
        if repeat_reason:
            reasons.append("Repeat: last referred to MARAC on 2026-01-01, 100 days ago (within 365 days).")
        db.session.add(RiskAssessment(referral_id=referral.id, yes_count=16, actuarial_level=level, level=level,
                                      marac=True, marac_reasons=reasons, assessed_at=at))
    db.session.commit()
    return case
