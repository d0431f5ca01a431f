"""Signed checkpoints: an insider with the database's rights who inserts an event and re-hashes the chain after it
is caught by `audit verify --checkpoint`; a back-dated event is caught by every verify."""
import json
from datetime import datetime, timedelta, timezone

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select, text

from victimcare.extensions import db
from victimcare.jobs.sweeps import SWEEPS
from victimcare.models import AuditEvent
from victimcare.services import audit

from .helpers_audit import insert_raw_event, record_events, tampering


def _write_key(path):
    key = Ed25519PrivateKey.generate()
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    return path


@pytest.fixture
def signing(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "AUDIT_SIGNING_KEY_FILE", str(_write_key(tmp_path / "audit-signing.pem")))
    monkeypatch.setitem(app.config, "AUDIT_CHECKPOINT_DIR", str(tmp_path / "checkpoints"))
    return tmp_path / "checkpoints"


def _checkpoint(runner):
    result = runner.invoke(args=["audit", "checkpoint"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    return printed, result


def _verify(runner, *files):
    args = ["audit", "verify"] + (["--checkpoint", *map(str, files)] if files else [])
    result = runner.invoke(args=args)
    db.session.expire_all()
    return result


def _rechain_from(position: int, forged: dict) -> None:
    """What an insider with table rights can do: slip `forged` in at `position`, renumber and re-hash every
    later event, and move the chain head, so the chain is whole again."""
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
    contents = [{name: getattr(e, name) for name in audit.CANONICAL_FIELDS} for e in events]
    contents.insert(position - 1, forged)
    previous = events[position - 2].hash if position > 1 else audit.GENESIS_HASH
    rows = []
    for seq, content in enumerate(contents[position - 1:], start=position):
        content = {name: content[name] for name in audit.CANONICAL_FIELDS} | {"seq": seq}
        digest = audit.chain_hash(previous, audit.canonical_content(content))
        rows.append(content | {"prev_hash": previous, "hash": digest})
        previous = digest
    with tampering() as session:
        session.execute(text("DELETE FROM audit_events WHERE seq >= :s"), {"s": position})
        for row in rows:
            insert_raw_event(row)
        session.execute(text("UPDATE audit_chain_head SET seq = :s, last_hash = :h WHERE id = 1"),
                        {"s": len(contents), "h": previous})


def test_checkpoint_signs_the_last_event_writes_a_file_and_prints_it(runner, signing):
    record_events(4)
    printed, result = _checkpoint(runner)
    last = db.session.scalar(select(AuditEvent).where(AuditEvent.seq == 4))
    assert printed["seq"] == 4 and printed["hash"] == last.hash and printed["signature"]
    files = list(signing.glob("*.json"))
    assert len(files) == 1 and json.loads(files[0].read_text()) == printed
    assert "Written to" in result.stderr
    record_events(2)
    verified = _verify(runner, files[0])
    assert verified.exit_code == 0, verified.output
    assert "ok: " in verified.output and "event 4 matches" in verified.output


def test_an_insert_and_rehash_after_a_checkpoint_is_caught(runner, signing):
    record_events(5)
    _checkpoint(runner)
    checkpoint = next(signing.glob("*.json"))
    record_events(2)
    third = db.session.scalar(select(AuditEvent).where(AuditEvent.seq == 3))
    forged = {name: getattr(third, name) for name in audit.CANONICAL_FIELDS}
    forged.update(action="delete", object_id="999", occurred_at=third.occurred_at + timedelta(microseconds=1))
    _rechain_from(4, forged)

    assert _verify(runner).exit_code == 0  # the chain alone is whole again: this is what checkpoints are for
    caught = _verify(runner, checkpoint)
    assert caught.exit_code == 1
    assert "FAILED" in caught.output and "rewritten at or before event 5" in caught.output


def test_an_event_back_dated_after_the_last_checkpoint_is_caught_by_every_verify(runner, signing):
    record_events(3)
    last = db.session.scalar(select(AuditEvent).where(AuditEvent.seq == 3))
    content = {name: getattr(last, name) for name in audit.CANONICAL_FIELDS}
    content.update(seq=4, action="delete", occurred_at=datetime(2020, 1, 1, tzinfo=timezone.utc))
    digest = audit.chain_hash(last.hash, audit.canonical_content(content))
    with tampering() as session:
        insert_raw_event(content | {"prev_hash": last.hash, "hash": digest})
        session.execute(text("UPDATE audit_chain_head SET seq = 4, last_hash = :h WHERE id = 1"), {"h": digest})
    result = _verify(runner)
    assert result.exit_code == 1
    assert "event 4" in result.output and "time is before" in result.output


def test_an_edited_or_foreign_checkpoint_is_refused(runner, signing, tmp_path, app, monkeypatch):
    record_events(3)
    _checkpoint(runner)
    path = next(signing.glob("*.json"))
    edited = json.loads(path.read_text())
    edited["seq"] = 2
    edited["hash"] = db.session.scalar(select(AuditEvent.hash).where(AuditEvent.seq == 2))
    (tmp_path / "edited.json").write_text(json.dumps(edited))
    result = _verify(runner, tmp_path / "edited.json", path)
    assert result.exit_code == 1 and "signature does not match" in result.output
    monkeypatch.setitem(app.config, "AUDIT_SIGNING_KEY_FILE", str(_write_key(tmp_path / "someone-elses.pem")))
    assert _verify(runner, path).exit_code == 1


def test_no_checkpoint_is_signed_over_a_broken_chain(runner, signing):
    record_events(3)
    with tampering() as session:
        session.execute(text("UPDATE audit_events SET action = 'list' WHERE seq = 2"))
    result = runner.invoke(args=["audit", "checkpoint"])
    assert result.exit_code != 0 and "no checkpoint made" in result.output
    assert not signing.exists() or list(signing.glob("*.json")) == []


def test_checkpoint_without_a_key_says_what_to_set(runner, app, monkeypatch):
    monkeypatch.setitem(app.config, "AUDIT_SIGNING_KEY_FILE", None)
    result = runner.invoke(args=["audit", "checkpoint"])
    assert result.exit_code == 2 and "AUDIT_SIGNING_KEY_FILE" in result.output


def test_the_daily_sweep_writes_a_checkpoint_only_when_a_key_is_set(app, signing, monkeypatch):
    record_events(2)
    assert SWEEPS["audit-checkpoint"].run() == {"written": 1, "last event": 2}
    assert len(list(signing.glob("*.json"))) == 1
    monkeypatch.setitem(app.config, "AUDIT_SIGNING_KEY_FILE", None)
    assert SWEEPS["audit-checkpoint"].run() == {"written": 0}
