"""Referrals from another system's records, in bulk: each row is routed as an API referral would be, and carries
the source system's ``external_id``, so importing the same file twice creates nothing the second time.

Rows are written in batches, each row inside a savepoint: a row that fails leaves nothing behind (no person, no
case, no audit event) and the rows around it still land. The caller commits each batch.
"""
from dataclasses import dataclass, field

from sqlalchemy import select

from ...extensions import db
from ...models import Referral
from .. import audit
from ..actors import Actor
from .create import create_referral
from .inputs import ReferralInput



@dataclass
class ImportTally:
    imported: int = 0
    already_imported: int = 0
    rejected: int = 0
    routed: dict = field(default_factory=dict)


def already_imported(external_ids: list[str]) -> set[str]:
    """Which of these external ids have a referral already (one query per batch)."""
    if not external_ids:
        return set()
    return set(db.session.scalars(select(Referral.external_id).where(Referral.external_id.in_(external_ids))))


def import_referral(actor: Actor, external_id: str, data: ReferralInput) -> Referral:
    """Create and route one referral with its external id, all or nothing (a savepoint around the row)."""
    with db.session.begin_nested():
        referral = create_referral(actor, data)
        referral.external_id = external_id
        db.session.flush()
    return referral


def record_run(actor: Actor, tally: ImportTally, file_name: str) -> None:
    """One audit event for the run, with its counts (the rows' own events are recorded as each is created)."""
    audit.record(actor, "create", "referral-import", None, changes={
        "file": file_name, "imported": tally.imported, "already_imported": tally.already_imported,
        "rejected": tally.rejected,
    })

