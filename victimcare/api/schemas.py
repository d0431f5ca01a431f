"""Turning API request bodies into service inputs, and shaping response bodies.

A request body is first read by its pydantic model (api/models.py: types, lengths, closed lists, the domain's
single-field rules), which reports every problem as ``{"field": "victim.date_of_birth", "message": ...}``
(dotted paths, list positions in brackets), so a partner sees all mistakes in one 422 response. The checks that
need two fields at once (an offence before the victim was born, DASH for domestic abuse only) follow here. Only a
body that passes every check becomes a ``ReferralInput``; nothing is written before that.
"""
import re
from datetime import datetime, timedelta, timezone

from pydantic import ValidationError
from sqlalchemy import select

from ..domain.clock import utc_now
from ..domain.deadlines import covered_years, london_date
from ..domain.people import age_on
from ..domain.referral_questions import is_child
from ..domain.referral_validation import offence_date_problem
from ..domain.routing import active_routes
from ..extensions import db
from ..models import Borough
from ..services.errors import ValidationFailed
from ..services.referrals import (
    DashAnswers,
    ParentCarerDetails,
    PerpetratorDetails,
    ReferralInput,
    VictimDetails,
)
from .models import ReferralCreate, borough_key, problems

CLOCK_SKEW = timedelta(minutes=5)  # a partner's clock may run a little ahead of ours
DEFAULT_JUDGEMENT_REASON = "Professional judgement of the referring officer (no reason was sent with the referral)."

_IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{1,255}")


def borough_index() -> dict[str, str]:
    """Every accepted spelling of each borough (ONS code or name, any case, "&" or "and") to its ONS code."""
    index = {}
    for code, name in db.session.execute(select(Borough.ons_code, Borough.name)):
        index[code.casefold()] = code
        index[borough_key(name)] = code
    return index


def body_object(body) -> dict:
    """The body, which must be a JSON object: anything else is a 422 naming "body"."""
    if not isinstance(body, dict):
        raise ValidationFailed(
            "The request body must be a JSON object", errors=[{"field": "body", "message": "Send a JSON object"}]
        )
    return body


def parse_referral(body, boroughs: dict[str, str]) -> ReferralInput:
    """Check a POST /referrals body and turn it into a ReferralInput for a police API referral.

    ``received_at`` must carry a time zone (``Z`` or an offset): a referral logged at 00:30 London time in summer
    is on a different day in UTC, and the first-contact deadline counts from the London date, so the API refuses
    to guess. Without ``received_at`` the referral is received now. Raises ValidationFailed with every problem.
    """
    body = body_object(body)
    now = utc_now()
    try:
        data = ReferralCreate.model_validate(body, context={"today": london_date(now), "boroughs": boroughs})
    except ValidationError as error:
        raise ValidationFailed(errors=problems(error)) from None
    received_at, errors = _received_at(data.received_at, now)
    offence, victim = data.offence, data.victim
    if (problem := offence_date_problem(offence.occurred_on, london_date(received_at or now),
                                        victim.date_of_birth)) is not None:
        errors.append({"field": "offence.occurred_on", "message": problem})
    domestic_abuse = offence.domestic_abuse or offence.category == "domestic-abuse"
    if data.dash is not None and not domestic_abuse:
        errors.append({"field": "dash", "message": "A DASH assessment applies to domestic abuse only: set "
                                                   "offence.domestic_abuse to true"})
    for name in ("perpetrator", "children_in_household"):
        if getattr(data, name) is not None and not domestic_abuse:
            errors.append({"field": name, "message": f"{name.replace('_', ' ').capitalize()} applies to domestic "
                                                     "abuse only: set offence.domestic_abuse to true"})
    if data.parent_carer is not None and not is_child(age_on(victim.date_of_birth, london_date(now))):
        errors.append({"field": "parent_carer", "message": "A parent or carer applies to a victim under 18 only"})
    if errors:
        raise ValidationFailed(errors=errors)
    return ReferralInput(
        source="police-api",
        offence_category=offence.category,
        victim=VictimDetails(given_name=victim.given_name, family_name=victim.family_name,
                             date_of_birth=victim.date_of_birth, borough_code=victim.borough,
                             postcode=victim.postcode, phone=victim.phone, email=victim.email),
        offence_date=offence.occurred_on,
        crime_reference=offence.crime_reference,
        domestic_abuse=offence.domestic_abuse,
        sexual_offence=offence.sexual_offence,
        hate_strands=sorted(set(offence.hate_crime_strands)),
        persistently_targeted=bool(offence.persistently_targeted),
        vulnerable_or_intimidated=bool(offence.vulnerable_or_intimidated),
        trafficking=bool(offence.trafficking),
        child_sexual_exploitation=bool(offence.child_sexual_exploitation),
        additional_needs=bool(offence.additional_needs),
        consent_referral=data.consent.referral,
        rj_requested=bool(data.restorative_justice_requested),
        code_complaint=bool(data.code_complaint),
        dash=_dash(data),
        received_at=received_at,
        needs_triage=True,
        perpetrator=_perpetrator(data),
        parent_carer=_parent_carer(data),
        children_in_household=data.children_in_household,
    )


def _perpetrator(data: ReferralCreate) -> PerpetratorDetails | None:
    p = data.perpetrator
    return None if p is None else PerpetratorDetails(name=p.name, relationship_to_victim=p.relationship,
                                                     date_of_birth=p.date_of_birth,
                                                     lives_with_victim=p.lives_with_victim)


def _parent_carer(data: ReferralCreate) -> ParentCarerDetails | None:
    c = data.parent_carer
    return None if c is None else ParentCarerDetails(name=c.name, relationship_to_victim=c.relationship,
                                                     phone=c.phone, safe_to_contact=c.safe_to_contact)


def _received_at(received_at: datetime | None, now: datetime) -> tuple[datetime | None, list[dict]]:
    """The time the referral was received, if it can be right: not in the future, not before the years the
    working-day calendar covers. A wrong one is reported and the referral is taken as received now."""
    earliest = min(covered_years())
    if received_at is not None and received_at > now + CLOCK_SKEW:
        message = "The time the referral was received must not be in the future"
    elif received_at is not None and received_at < datetime(earliest, 1, 1, tzinfo=timezone.utc):
        message = f"The time the referral was received must be in {earliest} or later"
    else:
        return received_at, []
    return None, [{"field": "received_at", "message": message}]


def _dash(data: ReferralCreate) -> DashAnswers | None:
    dash = data.dash
    if dash is None:
        return None
    reason = dash.professional_judgement_reason or DEFAULT_JUDGEMENT_REASON
    return DashAnswers(yes_count=dash.yes_count, professional_judgement=dash.professional_judgement,
                       professional_judgement_reason=reason if dash.professional_judgement else None,
                       incidents_last_12_months=dash.incidents_last_12_months)


def idempotency_key(value: str | None) -> str | None:
    """The Idempotency-Key header, if sent: 1 to 255 visible ASCII characters."""
    if value is None:
        return None
    if not _IDEMPOTENCY_KEY.fullmatch(value):
        raise ValidationFailed(
            "The Idempotency-Key header is not valid",
            errors=[{"field": "Idempotency-Key", "message": "Use 1 to 255 visible ASCII characters, such as a UUID"}],
        )
    return value


# --- Responses -------------------------------------------------------------------------------------------------

def route_body(decision) -> dict:
    return {
        "service": decision.service.slug,
        "rule": decision.rule,
        "reason": decision.reason,
        "priority": decision.priority,
        "first_contact_due": decision.first_contact_due.isoformat() if decision.first_contact_due else None,
    }


def risk_body(referral) -> dict | None:
    if referral.dash_level is None:
        return None
    return {"dash_level": referral.dash_level, "marac": bool(referral.marac)}


def referral_created_body(referral, decisions) -> dict:
    """The 201 body for POST /referrals."""
    return {
        "reference": referral.reference,
        "enhanced": bool(referral.enhanced),
        "enhanced_reasons": list(referral.enhanced_reasons or []),
        "risk": risk_body(referral),
        "signposting": signposting_body(referral),
        "routes": [route_body(d) for d in active_routes(decisions).values()],
    }


def signposting_body(referral) -> dict | None:
    """Where the victim is directed first, outside the routes (an acute sexual assault: the Havens)."""
    if referral.signposted_to is None:
        return None
    return {"to": referral.signposted_to, "reason": referral.signposting_reason}


def referral_body(referral) -> dict:
    """GET /referrals/{reference}: the referral, its routes, and who it is about (no contact details)."""
    person = referral.person
    return {
        "reference": referral.reference,
        "status": referral.status,
        "source": referral.source,
        "received_at": _utc_text(referral.received_at),
        "victim": None if person is None else {
            "given_name": person.given_name,
            "family_name": person.family_name,
            "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else None,
        },
        "offence": {
            "category": referral.offence_category,
            "occurred_on": referral.offence_date.isoformat() if referral.offence_date else None,
            "borough": referral.offence_borough_code,
            "crime_reference": referral.crime_reference,
            "domestic_abuse": bool(referral.domestic_abuse),
            "sexual_offence": bool(referral.sexual_offence),
            "hate_crime_strands": referral.strand_slugs,
            "trafficking": bool(referral.trafficking),
            "child_sexual_exploitation": bool(referral.child_sexual_exploitation),
            "additional_needs": bool(referral.additional_needs),
        },
        "consent": {"referral": referral.consent_referral},
        "enhanced": bool(referral.enhanced),
        "enhanced_reasons": list(referral.enhanced_reasons or []),
        "risk": risk_body(referral),
        "not_routed_reason": referral.not_routed_reason,
        "signposting": signposting_body(referral),
        "routes": [route_body(d) for d in active_routes(referral.routing_decisions).values()],
    }


def _utc_text(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")
