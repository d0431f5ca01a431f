"""Filling a meeting's agenda: the area's cases referred to MARAC since its last meeting and not yet heard, each
with when it was referred, why, its risk level and whether it is a repeat (domain/marac.py decides). A fixed
number of queries, however many cases the area has."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from ...domain.clock import london_date
from ...domain.marac import AgendaCandidate, belongs_on_agenda, criteria_from_reasons, is_repeat
from ...extensions import db
from ...models import Case, CaseStep, MaracAgendaItem, MaracHearing, MaracMeeting, Referral, RiskAssessment

# Cases a MARAC may still hear: not declined or passed to another service.
_HEARABLE = ("new", "accepted", "in-progress", "closed")


@dataclass(frozen=True)
class Referred:
    """A case's latest MARAC referral: when, its risk level then, and the coded criteria met."""

    case_id: int
    person_id: int | None
    referral_id: int
    referred_on: date
    risk_level: str | None
    criteria: tuple[str, ...]


def referrals_in_area(service_id: int, borough_codes: list[str], case_ids: list[int] | None = None) -> dict[int, Referred]:
    """Each case of the service in the area (or each of ``case_ids``) that has been referred to MARAC, by id: a
    DASH assessment that met a MARAC criterion, or a recorded "Referred to MARAC" step, the latest of them."""
    where = [Case.service_id == service_id, Case.status.in_(_HEARABLE)]
    where.append(Case.id.in_(case_ids) if case_ids is not None else Case.borough_code.in_(borough_codes))
    cases = {row.id: row for row in db.session.execute(
        select(Case.id, Case.referral_id, Referral.person_id, Referral.dash_level)
        .join(Referral, Referral.id == Case.referral_id).where(*where))}
    if not cases:
        return {}
    steps = dict(db.session.execute(
        select(CaseStep.case_id, func.max(CaseStep.occurred_on))
        .where(CaseStep.case_id.in_(cases), CaseStep.step == "marac-referral").group_by(CaseStep.case_id)).all())
    by_referral: dict[int, RiskAssessment] = {}
    for assessment in db.session.scalars(
            select(RiskAssessment).where(RiskAssessment.referral_id.in_({c.referral_id for c in cases.values()}),
                                         RiskAssessment.marac.is_(True)).order_by(RiskAssessment.assessed_at)):
        by_referral[assessment.referral_id] = assessment  # the latest wins
    found = {}
    for case_id, row in cases.items():
        assessment = by_referral.get(row.referral_id)
        dates = [d for d in (steps.get(case_id), london_date(assessment.assessed_at) if assessment else None) if d]
        if not dates:
            continue
        use_assessment = assessment is not None and london_date(assessment.assessed_at) == max(dates)
        found[case_id] = Referred(
            case_id, row.person_id, row.referral_id, max(dates),
            assessment.level if assessment else row.dash_level,
            criteria_from_reasons(assessment.marac_reasons if use_assessment else ()))
    return found


def earlier_referrals(person_ids: set[int]) -> dict[int, list[tuple[int, date]]]:
    """Each person's MARAC referrals as (referral id, date): routing assessments and recorded steps."""
    dates: dict[int, list[tuple[int, date]]] = {}
    if not person_ids:
        return dates
    rows = db.session.execute(
        select(Referral.person_id, Referral.id, RiskAssessment.assessed_at)
        .join(Referral, Referral.id == RiskAssessment.referral_id)
        .where(Referral.person_id.in_(person_ids), RiskAssessment.marac.is_(True))).all()
    for person_id, referral_id, at in rows:
        dates.setdefault(person_id, []).append((referral_id, london_date(at)))
    rows = db.session.execute(
        select(Referral.person_id, Referral.id, CaseStep.occurred_on).join(Case, Case.id == CaseStep.case_id)
        .join(Referral, Referral.id == Case.referral_id)
        .where(Referral.person_id.in_(person_ids), CaseStep.step == "marac-referral",
               CaseStep.occurred_on.is_not(None))).all()
    for person_id, referral_id, day in rows:
        dates.setdefault(person_id, []).append((referral_id, day))
    return dates


def repeat_of(referred: Referred, earlier: dict[int, list[tuple[int, date]]]) -> bool:
    """A repeat: the DASH said so when it was assessed, or the person's last MARAC referral (on another of their
    referrals) is within 12 months before this one."""
    before = [d for referral_id, d in earlier.get(referred.person_id, [])
              if referral_id != referred.referral_id and d < referred.referred_on]
    return "repeat" in referred.criteria or is_repeat(referred.referred_on, max(before) if before else None)


def last_meeting_before(meeting: MaracMeeting) -> date | None:
    """The area's previous meeting: the service's last meeting before this one covering any of its boroughs."""
    earlier = db.session.scalars(select(MaracMeeting).where(
        MaracMeeting.service_id == meeting.service_id, MaracMeeting.held_on < meeting.held_on)
        .order_by(MaracMeeting.held_on.desc()))
    area = set(meeting.borough_codes or ())
    return next((m.held_on for m in earlier if area & set(m.borough_codes or ())), None)


def candidates_for(meeting: MaracMeeting) -> list[tuple[Referred, str]]:
    """The cases that belong on the meeting's agenda now and are not on it yet, with how they got there
    ("filled": referred since the last meeting; "carried": deferred by an earlier meeting), oldest referral first."""
    referred = referrals_in_area(meeting.service_id, list(meeting.borough_codes or ()))
    if not referred:
        return []
    heard = dict(db.session.execute(select(MaracHearing.case_id, func.max(MaracHearing.heard_on))
                                    .where(MaracHearing.case_id.in_(referred)).group_by(MaracHearing.case_id)).all())
    items = db.session.execute(
        select(MaracAgendaItem.case_id, MaracAgendaItem.meeting_id, MaracAgendaItem.deferred_at, MaracMeeting.held_on)
        .join(MaracMeeting, MaracMeeting.id == MaracAgendaItem.meeting_id)
        .where(MaracAgendaItem.case_id.in_(referred))).all()
    last = last_meeting_before(meeting)
    chosen = []
    for case_id, ref in sorted(referred.items(), key=lambda pair: (pair[1].referred_on, pair[0])):
        if any(i.case_id == case_id and i.meeting_id == meeting.id for i in items):
            continue
        mine = [i for i in items if i.case_id == case_id and i.held_on >= ref.referred_on]
        candidate = AgendaCandidate(
            referred_on=ref.referred_on,
            heard_since_referral=case_id in heard and heard[case_id] >= ref.referred_on,
            on_another_agenda=any(i.deferred_at is None for i in mine),
            deferred_earlier=any(i.deferred_at is not None and i.held_on < meeting.held_on for i in mine))
        if belongs_on_agenda(candidate, meeting.held_on, last):
            chosen.append((ref, "carried" if candidate.deferred_earlier else "filled"))
    return chosen
