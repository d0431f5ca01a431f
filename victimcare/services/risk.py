"""DASH risk: the thresholds in force (settings) and a person's MARAC history, for a referral's first assessment
and a case's reassessment alike."""
from datetime import date, datetime

from flask import current_app
from sqlalchemy import func, select

from ..domain.dash import DashThresholds
from ..extensions import db
from ..models import Case, CaseStep, Person, Referral, RiskAssessment


def dash_thresholds() -> DashThresholds:
    config = current_app.config
    return DashThresholds(
        high=config["DASH_HIGH_RISK_SCORE"],
        medium=config["DASH_MEDIUM_RISK_SCORE"],
        escalation_incidents=config["MARAC_ESCALATION_INCIDENTS"],
    )


def last_marac_referral_on(person: Person | None, before: datetime) -> date | None:
    """The person's most recent MARAC referral before this one: a routing that referred them to MARAC, or a
    domestic-abuse case's recorded MARAC referral step. A new incident within 12 months of it is a repeat."""
    if person is None or person.id is None:
        return None
    at_routing = db.session.scalar(
        select(func.max(RiskAssessment.assessed_at))
        .join(Referral, Referral.id == RiskAssessment.referral_id)
        .where(Referral.person_id == person.id, RiskAssessment.marac.is_(True), RiskAssessment.assessed_at < before)
    )
    as_step = db.session.scalar(
        select(func.max(CaseStep.occurred_on))
        .join(Case, Case.id == CaseStep.case_id)
        .join(Referral, Referral.id == Case.referral_id)
        .where(Referral.person_id == person.id, CaseStep.step == "marac-referral",
               CaseStep.occurred_on <= before.date())
    )
    dates = [d for d in (at_routing.date() if at_routing else None, as_step) if d is not None]
    return max(dates) if dates else None
