"""Secrets the app must keep readable but that nobody reading the database should see (a partner's webhook
signing secret; later, referral drafts) are encrypted at rest with Fernet (AES-128-CBC and HMAC-SHA256).

Keys come from ``DATA_ENCRYPTION_KEYS``: a comma-separated list of Fernet keys (make one with
``python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"``). The first key
encrypts; every key is tried to decrypt, so a new key is rotated in by putting it first and re-saving. Without
the setting, one key is derived from ``SECRET_KEY`` (HKDF-SHA256), which suits development; production should
set its own keys so that changing ``SECRET_KEY`` does not make stored secrets unreadable.
"""
import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

# Stored values start with this marker, so a value that was stored before encryption can be recognised.
PREFIX = "enc1:"


class UnreadableSecret(RuntimeError):
    """A stored value that none of the configured keys can decrypt (a key was removed or SECRET_KEY changed)."""


def _fernet() -> MultiFernet:
    configured = [k.strip() for k in (current_app.config.get("DATA_ENCRYPTION_KEYS") or "").split(",") if k.strip()]
    if configured:
        return MultiFernet([Fernet(k.encode()) for k in configured])
    secret = current_app.config.get("SECRET_KEY")
    if not secret:
        raise UnreadableSecret("Set DATA_ENCRYPTION_KEYS (or SECRET_KEY) to store encrypted values")
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                   info=b"victimcare data encryption").derive(str(secret).encode())
    return MultiFernet([Fernet(base64.urlsafe_b64encode(derived))])


def encrypt(text: str) -> str:
    return PREFIX + _fernet().encrypt(text.encode()).decode()


def decrypt(stored: str) -> str:
    if not stored.startswith(PREFIX):
        raise UnreadableSecret("The stored value is not encrypted")
    try:
        return _fernet().decrypt(stored[len(PREFIX):].encode()).decode()
    except InvalidToken:
        raise UnreadableSecret("No key in DATA_ENCRYPTION_KEYS decrypts this value; was a key removed?") from None
