"""Answers kept between the pages of the referral journey, on the server, in the database.

Why not in the session cookie: the journey collects criminal-offence data, DASH answers (health, pregnancy,
suicidal thoughts) and equality data (special category), none of which belongs in a browser. Why not a file on
the app server: with several app servers, the next page may be served by another one.

So each draft is a row of ``referral_drafts`` (``services/referrals/drafts.py``), its answers encrypted with
DATA_ENCRYPTION_KEYS. The user's server-side session holds only a random 256-bit draft id; the table holds its
SHA-256 and the user who started it, so another user who somehow obtained the id gets nothing. Drafts are deleted
when the referral is submitted or restarted, every draft of a user when they sign out, and any draft untouched
for longer than the idle timeout by the ``referral-drafts`` sweep (and it reads as empty before then).
"""
import secrets

from flask import session

from ..services import referrals as referral_service
from ..services.errors import Conflict

SESSION_KEY = "referral_draft_id"


def _valid_id(draft_id) -> bool:
    return isinstance(draft_id, str) and len(draft_id) == 64 and all(c in "0123456789abcdef" for c in draft_id)


def load(user_id: int) -> dict:
    """The signed-in user's draft answers; an empty dict when there is none (or it expired)."""
    draft_id = session.get(SESSION_KEY)
    if not _valid_id(draft_id):
        return {}
    return referral_service.load_draft(user_id, draft_id)


def save(user_id: int, answers: dict) -> None:
    """Replace the user's draft answers (creating the draft on first save)."""
    draft_id = session.get(SESSION_KEY)
    if not _valid_id(draft_id):
        draft_id = secrets.token_hex(32)
        session[SESSION_KEY] = draft_id
    try:
        referral_service.save_draft(user_id, draft_id, answers)
    except Conflict:  # the id in the session is another user's: start a draft of this user's own
        draft_id = secrets.token_hex(32)
        session[SESSION_KEY] = draft_id
        referral_service.save_draft(user_id, draft_id, answers)


def discard() -> None:
    """Delete the current draft, if any, and forget its id."""
    draft_id = session.pop(SESSION_KEY, None)
    if _valid_id(draft_id):
        referral_service.discard_draft(draft_id)


def delete_for_user(user_id: int) -> int:
    """Delete every draft the user started, in this browser or another (at sign-out). Returns how many."""
    session.pop(SESSION_KEY, None)
    return referral_service.delete_user_drafts(user_id)
