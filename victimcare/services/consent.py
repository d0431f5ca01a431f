"""A victim withdrawing consent to referral or support, recorded from one of their cases.

Every referral of the person is marked withdrawn; each of their open cases held on consent closes with the reason
"consent withdrawn" (in every service, not only the recorder's: withdrawal is the victim's, not a service's); a
case held on a lawful basis (domain/consent.py) continues. From then on the contact and message services refuse
contact on the closed cases (services/cases/work.py, services/messages.py), and the record follows the retention
schedule from the closure. One audit event names the referrals and cases by id.
"""
from dataclasses import dataclass

from sqlalchemy import select

from . import events
from ..domain.clock import utc_now
from ..domain.consent import CONSENT_WITHDRAWN, lawful_basis_to_continue
from ..domain.vocab import CONSENT_METHODS, OPEN_CASE_STATUSES, slugs
from ..extensions import db
from ..models import Case, Referral
from . import audit
from .actors import Actor
from .cases import locking
from .cases.locking import audit_case, load_case
from .errors import Conflict, ValidationFailed


@dataclass(frozen=True)
class ConsentWithdrawn:
    closed: list[Case]
    continuing: list[Case]


def case_lawful_basis(case: Case) -> str | None:
    """The lawful basis the case is held on instead of consent (None: held on consent)."""
    referral = case.referral
    return lawful_basis_to_continue(child_safeguarding=bool(case.child_safeguarding), marac=bool(case.marac),
                                    referral_consent=referral.consent_referral,
                                    referral_lawful_basis=referral.lawful_basis)


def contact_stopped(case: Case) -> bool:
    """Consent withdrawn, and the case is held on consent: no further contact may be made on it."""
    return case.referral.consent_withdrawn_at is not None and case_lawful_basis(case) is None


def withdraw_consent(actor: Actor, case_id: int, method: str | None,
                     expected_version: int | None = None) -> ConsentWithdrawn:
    """Record, from this case, that the victim withdraws consent to referral and support."""
    case = load_case(actor, case_id, "case.work")
    locking.check_version(case, expected_version)
    if method not in slugs(CONSENT_METHODS):
        raise ValidationFailed(errors=[{"field": "method", "message": "Choose how the victim told you"}])
    if case.referral.consent_withdrawn_at is not None:
        raise Conflict("The victim's withdrawal of consent is already recorded.")
    now = utc_now()
    referrals = _referrals_of(case)
    for referral in referrals:
        referral.consent_withdrawn_at = referral.consent_withdrawn_at or now
    cases = list(db.session.scalars(select(Case).where(Case.referral_id.in_([r.id for r in referrals]),
                                                       Case.status.in_(OPEN_CASE_STATUSES)).order_by(Case.id)))
    closed, continuing = [], []
    for each in cases:
        if case_lawful_basis(each) is not None:
            continuing.append(each)
            continue
        _close(actor, each, now)
        closed.append(each)
    locking.save_case(case, expected_version)
    person_id = case.referral.person_id
    audit.record(actor, "consent-withdrawn", "person" if person_id else "referral", person_id or case.referral_id,
                 referral_id=case.referral_id, case_id=case.id, service_id=case.service_id,
                 changes={"method": method, "referral_ids": [r.id for r in referrals],
                          "closed_case_ids": [c.id for c in closed],
                          "continuing_case_ids": [c.id for c in continuing]})
    return ConsentWithdrawn(closed, continuing)


def _referrals_of(case: Case) -> list[Referral]:
    person_id = case.referral.person_id
    if person_id is None:
        return [case.referral]
    return list(db.session.scalars(select(Referral).where(Referral.person_id == person_id).order_by(Referral.id)))


def _close(actor: Actor, case: Case, now) -> None:
    before = case.status
    case.status = "closed"
    case.closed_at = now
    case.closure_reason = CONSENT_WITHDRAWN
    case.closure_requested_at = None
    case.closure_requested_by_id = None
    case.updated_at = now
    db.session.flush()
    audit_case(actor, "transition", "case", case.id, case,
               {"status": {"before": before, "after": "closed"}, "closure_reason": CONSENT_WITHDRAWN})
    events.case_closed(case)
