"""Signed checkpoints of the audit chain, so that an insider with the database's rights cannot rewrite it unseen.

The hash chain shows an edited or deleted event, but whoever can write the table can also rewrite every hash after
the change and the chain head with it: the chain is then whole again. A checkpoint is the last sequence number,
its hash and the time, signed with an Ed25519 key the database's users do not hold (AUDIT_SIGNING_KEY_FILE), and
shipped to a store they cannot write (docs/database-roles.md). `audit verify --checkpoint FILE...` checks each
checkpoint's signature and that the chain still holds the same hash at that sequence number: an event inserted,
edited or deleted before it, however carefully re-hashed, changes that hash. Every verify also checks that event
times never go backwards (beyond AUDIT_CLOCK_SKEW_SECONDS), so an event back-dated after the last checkpoint
shows as well.
"""
import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import timezone
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask import current_app
from sqlalchemy import select

from ..domain.clock import utc_now
from ..extensions import db
from ..models import AuditChainHead, AuditEvent
from . import audit

FORMAT = "victimcare-audit-checkpoint/1"


class CheckpointError(Exception):
    """A checkpoint cannot be made (no key, a broken chain) or read (not a checkpoint file)."""


@dataclass(frozen=True)
class CheckpointCheck:
    path: str
    ok: bool
    message: str


def signing_key() -> Ed25519PrivateKey:
    path = current_app.config.get("AUDIT_SIGNING_KEY_FILE")
    if not path:
        raise CheckpointError("AUDIT_SIGNING_KEY_FILE is not set: make a key with "
                              "`openssl genpkey -algorithm ed25519 -out audit-signing.pem` and point it there")
    key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise CheckpointError(f"{path} is not an Ed25519 private key")
    return key


def verify_key() -> Ed25519PublicKey:
    """The public key checkpoints are checked with: AUDIT_VERIFY_KEY_FILE (a PEM public key, for verifying where
    the private key is not kept), else the public half of AUDIT_SIGNING_KEY_FILE. Never a key in the file."""
    path = current_app.config.get("AUDIT_VERIFY_KEY_FILE")
    if path:
        key = serialization.load_pem_public_key(Path(path).read_bytes())
        if not isinstance(key, Ed25519PublicKey):
            raise CheckpointError(f"{path} is not an Ed25519 public key")
        return key
    return signing_key().public_key()


def _key_id(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def _signed_bytes(body: dict) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode("utf-8")


def make_checkpoint() -> dict:
    """Seal what is waiting, verify the chain, then sign its head (the last sealed event). Refuses a broken
    chain (signing it would vouch for the damage)."""
    key = signing_key()
    audit.seal_in_transaction()
    result = audit.verify_chain()
    if not result.ok:
        raise CheckpointError(f"no checkpoint made: {result.message}")
    head = db.session.get(AuditChainHead, 1)
    last_at = db.session.scalar(select(AuditEvent.occurred_at).where(AuditEvent.seq == head.seq))
    body = {
        "format": FORMAT, "seq": head.seq, "hash": head.last_hash,
        "last_event_at": last_at.astimezone(timezone.utc).isoformat() if last_at else None,
        "signed_at": utc_now().astimezone(timezone.utc).isoformat(),
        "key_id": _key_id(key.public_key()),
    }
    return {**body, "signature": base64.b64encode(key.sign(_signed_bytes(body))).decode("ascii")}


def write_checkpoint(checkpoint: dict, directory: str | None = None) -> Path:
    folder = Path(directory or current_app.config["AUDIT_CHECKPOINT_DIR"])
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = checkpoint["signed_at"][:19].replace(":", "").replace("-", "")
    path = folder / f"audit-checkpoint-{checkpoint['seq']:012d}-{stamp}.json"
    path.write_text(json.dumps(checkpoint, indent=2) + "\n", encoding="utf-8")
    return path


def check_checkpoint(path: str) -> CheckpointCheck:
    """Is the file a checkpoint signed by our key, and does the chain still hold its hash at its seq?"""
    try:
        checkpoint = json.loads(Path(path).read_text(encoding="utf-8"))
        body = {name: checkpoint[name] for name in ("format", "seq", "hash", "last_event_at", "signed_at", "key_id")}
        signature = base64.b64decode(checkpoint["signature"], validate=True)
    except (OSError, ValueError, KeyError, TypeError) as error:
        return CheckpointCheck(path, False, f"{path}: not a readable checkpoint ({type(error).__name__})")
    try:
        verify_key().verify(signature, _signed_bytes(body))
    except InvalidSignature:
        return CheckpointCheck(path, False, f"{path}: the signature does not match (forged or edited checkpoint)")
    at_seq = db.session.scalar(select(AuditEvent.hash).where(AuditEvent.seq == body["seq"]))
    if at_seq is None and body["seq"] > 0:
        return CheckpointCheck(path, False, f"{path}: event {body['seq']} it vouches for is missing")
    if body["seq"] > 0 and at_seq != body["hash"]:
        return CheckpointCheck(path, False, f"{path}: the chain was rewritten at or before event {body['seq']} "
                                            "(its hash is not the one signed)")
    return CheckpointCheck(path, True, f"{path}: event {body['seq']} matches the checkpoint signed {body['signed_at']}")
