"""Referral drafts: the answers of a journey not yet submitted, in the database, encrypted.

The caller (``referrals/drafts.py``) keeps a random draft id in the user's server-side session and passes it in;
the table holds only its SHA-256 and the owner, so a draft is found only by its owner with its id. A draft
untouched for longer than IDLE_TIMEOUT reads as empty and is deleted by the ``referral-drafts`` sweep. These
functions flush; the request's unit of work commits, so a draft is deleted with the referral it became, or not.
"""
import hashlib
import json
from datetime import datetime

from flask import current_app
from sqlalchemy import delete, select

from ...domain.clock import utc_now
from ...extensions import db
from ...models import ReferralDraft
from ..errors import Conflict


def _digest(draft_id: str) -> str:
    return hashlib.sha256(draft_id.encode("ascii")).hexdigest()


def _cutoff(now: datetime | None = None) -> datetime:
    return (now or utc_now()) - current_app.config["IDLE_TIMEOUT"]


def load_draft(user_id: int, draft_id: str) -> dict:
    """The owner's answers for a draft id; an empty dict when there is none, it is another user's, or it expired."""
    row = db.session.scalar(select(ReferralDraft).where(ReferralDraft.token_hash == _digest(draft_id)))
    if row is None or row.user_id != user_id or row.updated_at < _cutoff():
        return {}
    return json.loads(row.answers) or {}


def save_draft(user_id: int, draft_id: str, answers: dict) -> None:
    """Replace the draft's answers, creating it on first save. Another user's draft under the same id is left
    alone (the caller's id is random, so this means a forged id) and a fresh row cannot be made under it."""
    digest = _digest(draft_id)
    row = db.session.scalar(select(ReferralDraft).where(ReferralDraft.token_hash == digest))
    if row is None:
        row = ReferralDraft(token_hash=digest, user_id=user_id, created_at=utc_now())
        db.session.add(row)
    elif row.user_id != user_id:
        raise Conflict("draft id belongs to another user")
    row.answers = json.dumps(answers)
    row.updated_at = utc_now()
    db.session.flush()


def discard_draft(draft_id: str) -> None:
    db.session.execute(delete(ReferralDraft).where(ReferralDraft.token_hash == _digest(draft_id)))


def delete_user_drafts(user_id: int) -> int:
    """Every draft the user started, in any browser or on any server (at sign-out). Returns how many."""
    result = db.session.execute(delete(ReferralDraft).where(ReferralDraft.user_id == user_id))
    return result.rowcount or 0


def sweep_expired_drafts(now: datetime | None = None) -> int:
    """Delete drafts untouched for longer than the idle timeout (their journey's session has ended)."""
    result = db.session.execute(delete(ReferralDraft).where(ReferralDraft.updated_at < _cutoff(now)))
    return result.rowcount or 0
