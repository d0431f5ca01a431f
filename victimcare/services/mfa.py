"""Second factors: an authenticator app (TOTP, RFC 6238, with pyotp) and ten one-time recovery codes.

Every member of staff passes a second factor after the password when MFA_REQUIRED is on (production); anyone who
has enrolled one passes it whatever the setting. There is no "remember this device": every sign-in asks. Wrong
codes count toward lockout (services/lockout.py) like wrong passwords.
"""
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

import pyotp
from flask import current_app
from sqlalchemy import delete, func, select, update

from ..domain.clock import utc_now
from ..extensions import db
from ..models import RecoveryCode, TotpCredential, User, UserSession
from . import audit, lockout
from .actors import Actor
from .errors import Forbidden, ValidationFailed

ISSUER = "victimcare"
RECOVERY_CODE_COUNT = 10
STEP_SECONDS = 30
_CODE = re.compile(r"^\d{6}$")
_BASE32 = re.compile(r"^[A-Z2-7]{23,128}$")  # at least 112 bits (NIST SP 800-63B; pyotp refuses fewer)
_RECOVERY_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"  # base32: no 0/1 to mistake for o/l


def new_secret() -> str:
    return pyotp.random_base32()  # 32 characters: 160 bits, as RFC 4226 recommends


def provisioning_uri(user: User, secret: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def normalise_secret(secret: str) -> str:
    """A base32 secret as people and scripts write it (spaces, lower case, padding) in canonical form."""
    cleaned = re.sub(r"[\s=-]", "", secret or "").upper()
    if not _BASE32.match(cleaned):
        raise ValidationFailed(errors=[{"field": "totp_secret", "message":
                                        "The TOTP secret must be base32 (letters A-Z and digits 2-7) of at least 23 characters "
                                        "(112 bits); pyotp.random_base32() makes a suitable one"}])
    return cleaned


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(16))  # 80 bits
    return "-".join(raw[i:i + 4] for i in range(0, 16, 4))


def _normalise_recovery_code(code: str) -> str:
    raw = re.sub(r"[\s-]", "", code or "").lower()
    return "-".join(raw[i:i + 4] for i in range(0, len(raw), 4))


def factors_of(user_id: int) -> dict:
    """What the user has enrolled: {"totp": bool, "recovery_codes_left": int}."""
    totp = db.session.scalar(select(TotpCredential.id).where(TotpCredential.user_id == user_id)) is not None
    left = db.session.scalar(select(func.count()).select_from(RecoveryCode).where(
        RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None)))
    return {"totp": totp, "recovery_codes_left": left}


def has_second_factor(user_id: int) -> bool:
    """An authenticator app or a security key."""
    from ..models import SecurityKey

    if db.session.scalar(select(TotpCredential.id).where(TotpCredential.user_id == user_id)) is not None:
        return True
    return db.session.scalar(select(SecurityKey.id).where(SecurityKey.user_id == user_id).limit(1)) is not None


def factor_state_at_sign_in(user: User) -> str:
    """Where a new session starts: "pending" (enrolled: asks for a code), "enrol" (required, none yet) or
    "not-needed" (MFA_REQUIRED off and nothing enrolled)."""
    if has_second_factor(user.id):
        return "pending"
    return "enrol" if current_app.config["MFA_REQUIRED"] else "not-needed"


def _matching_step(secret: str, code: str, last_used_step: int | None) -> int | None:
    """The time step (now, or one either side for clock drift) whose code is `code`, if not used before."""
    totp = pyotp.TOTP(secret)
    now_step = int(utc_now().timestamp()) // STEP_SECONDS
    for step in (now_step - 1, now_step, now_step + 1):
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code) and (last_used_step is None or step > last_used_step):
            return step
    return None


def _issue_recovery_codes(user_id: int) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(RecoveryCode(user_id=user_id, code_hash=_digest(code)) for code in codes)
    return codes


def enrol_totp(actor: Actor, secret: str, code: str, session_id: int | None = None) -> list[str]:
    """Enrol the actor's authenticator app once it has shown a correct code; returns ten new recovery codes
    (shown once). The session doing it counts as having passed the second factor."""
    if actor.user_id is None:
        raise Forbidden("Sign in first", object_type="user")
    code = re.sub(r"\s", "", code or "")
    step = _matching_step(secret, code, None) if _CODE.match(code) else None
    if step is None:
        raise ValidationFailed(errors=[{"field": "code", "message":
                                        "The code is not right: enter the 6-digit code your app shows now"}])
    db.session.execute(delete(TotpCredential).where(TotpCredential.user_id == actor.user_id))
    db.session.add(TotpCredential(user_id=actor.user_id, secret=secret, last_used_step=step))
    codes = _issue_recovery_codes(actor.user_id)
    audit.record(actor, "mfa-enrolled", "user", actor.user_id, changes={"factor": "totp"})
    if session_id is not None:
        set_factor_state(session_id, "passed")
    return codes


def enrol_totp_secret(actor: Actor, user: User, secret: str) -> None:
    """Scripted provisioning (`user create --totp-secret`): enrol a given secret without a code."""
    db.session.execute(delete(TotpCredential).where(TotpCredential.user_id == user.id))
    db.session.add(TotpCredential(user_id=user.id, secret=normalise_secret(secret)))
    audit.record(actor, "mfa-enrolled", "user", user.id, changes={"factor": "totp", "provisioned": True})


def regenerate_recovery_codes(actor: Actor) -> list[str]:
    if actor.user_id is None or not has_second_factor(actor.user_id):
        raise Forbidden("Set up an authenticator app first", object_type="user")
    codes = _issue_recovery_codes(actor.user_id)
    audit.record(actor, "update", "user", actor.user_id, changes={"recovery_codes": {"changed": True}})
    return codes


def remove_totp(actor: Actor) -> None:
    if actor.user_id is None:
        raise Forbidden("Sign in first", object_type="user")
    db.session.execute(delete(TotpCredential).where(TotpCredential.user_id == actor.user_id))
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == actor.user_id))
    audit.record(actor, "mfa-removed", "user", actor.user_id, changes={"factor": "totp"})


def reset_all(actor: Actor, user: User) -> None:
    """Remove every second factor of an account and end its sessions (a lost phone and no recovery codes).
    From the command line (whoever runs the server already holds the database), or once a second person approves
    an administrator's request (services/account_changes.py). The person enrols again at the next sign-in when
    MFA_REQUIRED is on."""
    from ..models import SecurityKey
    from . import sessions

    db.session.execute(delete(TotpCredential).where(TotpCredential.user_id == user.id))
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.execute(delete(SecurityKey).where(SecurityKey.user_id == user.id))
    audit.record(actor, "mfa-removed", "user", user.id, changes={"factor": "all"})
    sessions.end_all_sessions(user.id, "second-factor-reset", actor)


@dataclass(frozen=True)
class CodeCheck:
    ok: bool
    locked: bool = False
    used_recovery_code: bool = False
    recovery_codes_left: int | None = None


def check_code(user: User, code: str, ip_address: str | None, session_id: int) -> CodeCheck:
    """The second step of sign-in: a code from the authenticator app, or a recovery code (used up)."""
    code = (code or "").strip()
    digits = re.sub(r"\s", "", code)
    actor = Actor.from_user(user)
    if _CODE.match(digits):
        credential = db.session.scalar(select(TotpCredential).where(TotpCredential.user_id == user.id))
        step = _matching_step(credential.secret, digits, credential.last_used_step) if credential else None
        if step is not None:
            credential.last_used_step = step
            return _passed(user, actor, ip_address, session_id, "totp")
    else:
        row = db.session.scalar(select(RecoveryCode).where(
            RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _digest(_normalise_recovery_code(code)),
            RecoveryCode.used_at.is_(None)))
        if row is not None:
            row.used_at = utc_now()
            audit.record(actor, "recovery-code-used", "user", user.id)
            _passed(user, actor, ip_address, session_id, "recovery-code")
            return CodeCheck(True, used_recovery_code=True, recovery_codes_left=factors_of(user.id)["recovery_codes_left"])
    return CodeCheck(False, locked=lockout.record_failure(user, ip_address, "second-factor"))


def _passed(user: User, actor: Actor, ip_address: str | None, session_id: int, factor: str) -> CodeCheck:
    lockout.record_success(user, ip_address)
    set_factor_state(session_id, "passed")
    audit.record(actor, "mfa-verified", "user", user.id, changes={"factor": factor})
    return CodeCheck(True)


def set_factor_state(session_id: int, state: str) -> None:
    db.session.execute(update(UserSession).where(UserSession.id == session_id).values(factor_state=state))
