"""Idempotency-Key replies for the referrals API: a retry of a request gets the first reply again.

The key is claimed (a row with the caller and the key) before any work, in the same transaction as the work, and
the reply is stored on it before that transaction commits: a retry finds both the referral and its reply, or
neither. A twin request racing the first waits on the unique (user, key) index and fails it.
"""
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select

from ..domain.clock import utc_now
from ..extensions import db
from ..models import IdempotencyRecord
from .actors import Actor


def _cutoff() -> datetime:
    """Keys are remembered for IDEMPOTENCY_KEY_HOURS; after that a retry is a new request."""
    return utc_now() - timedelta(hours=current_app.config["IDEMPOTENCY_KEY_HOURS"])


def find_reply(actor: Actor, key: str) -> IdempotencyRecord | None:
    """The stored reply to this caller's earlier request with this key, while it is remembered."""
    return db.session.scalar(
        select(IdempotencyRecord).where(IdempotencyRecord.user_id == actor.user_id, IdempotencyRecord.key == key,
                                        IdempotencyRecord.created_at >= _cutoff())
    )


def claim_key(actor: Actor, key: str, request_hash: str) -> IdempotencyRecord:
    """Claim the key for this request, forgetting the caller's expired keys so an old key can be used again.

    Flushed at once: a concurrent twin blocks or fails (IntegrityError) here, before doing any work.
    """
    db.session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.user_id == actor.user_id,
                                                       IdempotencyRecord.created_at < _cutoff()))
    record = IdempotencyRecord(user_id=actor.user_id, key=key, request_hash=request_hash, status_code=0,
                               response_body="", created_at=utc_now())
    db.session.add(record)
    db.session.flush()
    return record


def store_reply(record: IdempotencyRecord, status_code: int, body: str, location: str | None) -> None:
    """Keep the reply on the claimed key, in the transaction of the work it describes."""
    record.status_code = status_code
    record.response_body = body
    record.location = location
    db.session.flush()
