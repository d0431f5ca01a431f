"""Opening a case: one per service a referral is routed to, added by a caseworker, or transferred in.

The one place a Case is built, so every case copies the same facts from its referral (received, borough,
enhanced) and carries the same flags for the same rule.
"""
from datetime import date, datetime

from .. import events
from ...domain.clock import london_date
from ...domain.routing import is_child_safeguarding, specialist_risk_reason
from ...domain.vocab import age_band_on
from ...extensions import db
from ...models import Case, Referral, Service
from .. import audit
from ..actors import Actor


def open_case(actor: Actor, referral: Referral, service: Service, *, rule: str, reason: str, priority: str,
              marac: bool, first_contact_due: date, received_at: datetime, enhanced: bool | None = None, child_safeguarding: bool | None = None,
              audit_changes: dict | None = None, **carried) -> Case:
    """Open a new case for ``service`` and record it. ``carried`` are values a transfer brings with it (the needs
    assessment and support plan). ``enhanced`` defaults to the referral's, ``child_safeguarding`` to what the rule
    says; a transfer keeps the case's own."""
    case = build_case(referral, service, rule=rule, reason=reason, priority=priority, marac=marac,
                      first_contact_due=first_contact_due, received_at=received_at, enhanced=enhanced,
                      child_safeguarding=child_safeguarding, **carried)
    db.session.add(case)
    db.session.flush()
    audit.record(actor, "create", "case", case.id, **opened_event(case, audit_changes))
    events.case_opened(case)
    return case


def build_case(referral: Referral, service: Service, *, rule: str, reason: str, priority: str, marac: bool,
               first_contact_due: date, received_at: datetime, enhanced: bool | None = None,
               child_safeguarding: bool | None = None, make=Case, **carried) -> Case:
    """The case row (not yet added) that open_case writes; the bulk import builds a batch of them as plain rows
    (``make``) and writes them at once."""
    return make(
        referral_id=referral.id, service_id=service.id, status="new", priority=priority, rule=rule,
        route_reason=reason, received_at=received_at, borough_code=referral.offence_borough_code,
        enhanced=referral.enhanced if enhanced is None else enhanced, marac=marac,
        child_safeguarding=is_child_safeguarding(rule) if child_safeguarding is None else child_safeguarding,
        first_contact_due=first_contact_due, created_at=received_at,
        age_band=age_band_on(referral.person.date_of_birth if referral.person else None, london_date(received_at)),
        specialist_risk_reason=_specialist_risk_reason(referral, service), **carried,
    )


def opened_event(case: Case, audit_changes: dict | None = None) -> dict:
    """The "create case" audit event's ids and changes (after the case has its id)."""
    return {"referral_id": case.referral_id, "case_id": case.id, "service_id": case.service_id,
            "changes": {"status": {"after": "new"}, "rule": case.rule, **(audit_changes or {})}}


def _specialist_risk_reason(referral: Referral, service: Service) -> str | None:
    """A service that gates its meetings on a specialist risk assessment (restorative justice) flags the case
    when the referral is for stalking, harassment, trafficking or child sexual exploitation, however the case
    came to the service (a rule, a caseworker's route or a transfer)."""
    if service.features.specialist_assessment_step is None:
        return None
    return specialist_risk_reason(
        offence_category=referral.offence_category, persistently_targeted=referral.persistently_targeted,
        trafficking=referral.trafficking, child_sexual_exploitation=referral.child_sexual_exploitation)
