"""Attrition: recording a victim's withdrawal from the investigation or prosecution on a case.

The rules (which stages and reasons, when "other" needs details, whether the victim was supported by an advocate)
are domain/attrition.py. The audit event names the stage, the reasons and whether details were given, never the
details themselves.
"""
from collections.abc import Sequence
from datetime import date

from sqlalchemy import select

from ..domain.attrition import OTHER_REASON, supported_by_advocate, withdrawal_problems
from ..domain.clock import london_date, london_today
from ..extensions import db
from ..models import Case, JusticeWithdrawal, JusticeWithdrawalReason
from .actors import Actor
from .cases import locking
from .cases.locking import audit_case, load_case
from .errors import Conflict, ValidationFailed


def withdrawal_of(case: Case) -> JusticeWithdrawal | None:
    """The withdrawal recorded on a case the caller has already loaded (and so may see), if any."""
    return db.session.scalar(select(JusticeWithdrawal).where(JusticeWithdrawal.case_id == case.id))


def record_withdrawal(actor: Actor, case_id: int, *, stage: str | None, reasons: Sequence[str],
                      withdrawn_on: date | None, other_details: str | None = None,
                      expected_version: int | None = None) -> JusticeWithdrawal:
    """Record that the victim withdrew from the investigation or prosecution: once per case."""
    case = load_case(actor, case_id, "case.work")
    locking.check_version(case, expected_version)
    if withdrawal_of(case) is not None:
        raise Conflict("A withdrawal is already recorded on this case.")
    reasons = sorted(set(reasons))
    problems = withdrawal_problems(stage, reasons, other_details, withdrawn_on, london_today())
    if problems:
        raise ValidationFailed(errors=[{"field": p.field, "message": p.message} for p in problems])
    first_contacted_on = london_date(case.first_contacted_at) if case.first_contacted_at else None
    withdrawal = JusticeWithdrawal(
        case_id=case.id, stage=stage, withdrawn_on=withdrawn_on,
        supported_by_advocate=supported_by_advocate(first_contacted_on, withdrawn_on),
        other_details=(other_details or "").strip() or None if OTHER_REASON in reasons else None,
        recorded_by_id=actor.user_id,
        reasons=[JusticeWithdrawalReason(reason=reason) for reason in reasons],
    )
    db.session.add(withdrawal)
    locking.save_case(case, expected_version)
    audit_case(actor, "create", "justice_withdrawal", withdrawal.id, case, {
        "stage": stage, "reasons": reasons, "withdrawn_on": withdrawn_on,
        "supported_by_advocate": withdrawal.supported_by_advocate,
        "other_details": "given" if withdrawal.other_details else None,
    })
    return withdrawal
