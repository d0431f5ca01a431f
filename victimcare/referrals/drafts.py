"""Answers kept between the pages of the referral journey, on the server.

Why not in the session cookie: Flask's cookie is signed, not encrypted, so anything in it can be read by whoever
holds the browser or a copy of the cookie, and it persists on disk for the session's life. The journey collects
criminal-offence data, DASH answers (health, pregnancy, suicidal thoughts) and equality data (special category),
none of which belongs there. Why not a table: drafts are short-lived scratch data that must not show up in
reports or retention, and the data model is fixed for this release.

So each draft is a small JSON file in a private directory on the server (REFERRAL_DRAFT_DIR, default
``instance/referral-drafts``, mode 0700, files 0600). The session holds only a random 256-bit draft id, and the
draft records the user who started it, so another user who somehow obtained the id gets nothing. Drafts are
deleted when the referral is submitted or restarted, every draft of a user when they sign out, and any draft
untouched for longer than the idle timeout by the ``referral-drafts`` sweep (and on the next write). All gunicorn workers on one host share the directory; a multi-host deployment
needs it on shared storage (or a Redis-backed store with the same three functions).
"""
import json
import os
import secrets
import time
from pathlib import Path

from flask import current_app, session

SESSION_KEY = "referral_draft_id"


def _directory() -> Path:
    configured = current_app.config.get("REFERRAL_DRAFT_DIR")
    path = Path(configured) if configured else Path(current_app.instance_path) / "referral-drafts"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _path(draft_id: str) -> Path:
    return _directory() / f"{draft_id}.json"


def _valid_id(draft_id) -> bool:
    return isinstance(draft_id, str) and len(draft_id) == 64 and all(c in "0123456789abcdef" for c in draft_id)


def load(user_id: int) -> dict:
    """The signed-in user's draft answers; an empty dict when there is none (or it expired)."""
    draft_id = session.get(SESSION_KEY)
    if not _valid_id(draft_id):
        return {}
    path = _path(draft_id)
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if stored.get("user_id") != user_id or time.time() - path.stat().st_mtime > _max_age():
        return {}
    return stored.get("answers") or {}


def save(user_id: int, answers: dict) -> None:
    """Replace the user's draft answers (creating the draft on first save)."""
    draft_id = session.get(SESSION_KEY)
    if not _valid_id(draft_id):
        draft_id = secrets.token_hex(32)
        session[SESSION_KEY] = draft_id
    path = _path(draft_id)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump({"user_id": user_id, "answers": answers}, handle)
    os.replace(tmp, path)
    _sweep()


def discard() -> None:
    """Delete the current draft, if any, and forget its id."""
    draft_id = session.pop(SESSION_KEY, None)
    if _valid_id(draft_id):
        _path(draft_id).unlink(missing_ok=True)


def _max_age() -> float:
    return current_app.config["IDLE_TIMEOUT"].total_seconds()


def delete_for_user(user_id: int) -> int:
    """Delete every draft the user started, in this browser or another (at sign-out). Returns how many."""
    deleted = 0
    for path in _directory().glob("*.json"):
        try:
            owner = json.loads(path.read_text(encoding="utf-8")).get("user_id")
        except (OSError, ValueError):
            continue
        if owner == user_id:
            path.unlink(missing_ok=True)
            deleted += 1
    session.pop(SESSION_KEY, None)
    return deleted


def sweep_expired() -> int:
    """Delete drafts untouched for longer than the idle timeout (their session has ended). Returns how many."""
    return _sweep()


def _sweep() -> int:
    cutoff = time.time() - _max_age()
    deleted = 0
    for path in [*_directory().glob("*.json"), *_directory().glob("*.tmp")]:
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                deleted += 1
        except OSError:
            continue
    return deleted
