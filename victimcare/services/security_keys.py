"""Security keys and passkeys (WebAuthn, with the `webauthn` package) as a second factor.

Registration and sign-in are two round trips each: the server makes options with a fresh challenge (kept in the
server-side session), the browser asks the authenticator, and the server verifies the answer against the
challenge, the page's origin and the relying party id (the host the person is on).
"""
import json

from sqlalchemy import select
from webauthn import (
    base64url_to_bytes,
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from ..domain.clock import utc_now
from ..extensions import db
from ..models import SecurityKey, User
from . import audit, lockout, mfa
from .actors import Actor
from .errors import Forbidden, ValidationFailed

RP_NAME = "victimcare"


def keys_of(user_id: int) -> list[SecurityKey]:
    return list(db.session.scalars(select(SecurityKey).where(SecurityKey.user_id == user_id).order_by(SecurityKey.id)))


def _descriptors(user_id: int):
    return [PublicKeyCredentialDescriptor(id=base64url_to_bytes(key.credential_id)) for key in keys_of(user_id)]


def registration_options(user: User, rp_id: str) -> tuple[str, str]:
    """Options for adding a key (JSON for the browser) and the challenge to keep (base64url)."""
    options = generate_registration_options(
        rp_id=rp_id, rp_name=RP_NAME, user_id=str(user.id).encode(), user_name=user.email, user_display_name=user.name,
        exclude_credentials=_descriptors(user.id),
        authenticator_selection=AuthenticatorSelectionCriteria(resident_key=ResidentKeyRequirement.DISCOURAGED,
                                                               user_verification=UserVerificationRequirement.PREFERRED),
    )
    return options_to_json(options), bytes_to_base64url(options.challenge)


def register(actor: Actor, credential_json: str, challenge: str, rp_id: str, origin: str, name: str,
             session_id: int | None = None) -> SecurityKey:
    """Keep a new key once its attestation checks out against the challenge, origin and relying party."""
    if actor.user_id is None:
        raise Forbidden("Sign in first", object_type="user")
    name = (name or "").strip()[:60] or "Security key"
    try:
        verified = verify_registration_response(credential=credential_json, expected_challenge=base64url_to_bytes(challenge),
                                                expected_rp_id=rp_id, expected_origin=origin)
    except (WebAuthnException, ValueError, KeyError, TypeError):  # any malformed or unverifiable answer
        raise ValidationFailed(errors=[{"field": "key", "message": "The security key could not be added: try again"}]) from None
    key = SecurityKey(user_id=actor.user_id, credential_id=bytes_to_base64url(verified.credential_id),
                      public_key=bytes_to_base64url(verified.credential_public_key), sign_count=verified.sign_count,
                      name=name)
    db.session.add(key)
    db.session.flush()
    audit.record(actor, "mfa-enrolled", "user", actor.user_id, changes={"factor": "security-key", "key_id": key.id})
    if session_id is not None:
        mfa.set_factor_state(session_id, "passed")
    return key


def authentication_options(user: User, rp_id: str) -> tuple[str, str]:
    options = generate_authentication_options(rp_id=rp_id, allow_credentials=_descriptors(user.id),
                                              user_verification=UserVerificationRequirement.PREFERRED)
    return options_to_json(options), bytes_to_base64url(options.challenge)


def check_key(user: User, credential_json: str, challenge: str, rp_id: str, origin: str, ip_address: str | None,
              session_id: int) -> mfa.CodeCheck:
    """The second step of sign-in with a key: its signature over the challenge, from one of the user's keys."""
    try:
        credential_id = json.loads(credential_json).get("id", "")
    except (json.JSONDecodeError, AttributeError):
        credential_id = ""
    key = db.session.scalar(select(SecurityKey).where(SecurityKey.user_id == user.id,
                                                      SecurityKey.credential_id == credential_id))
    if key is not None:
        try:
            verified = verify_authentication_response(
                credential=credential_json, expected_challenge=base64url_to_bytes(challenge), expected_rp_id=rp_id,
                expected_origin=origin, credential_public_key=base64url_to_bytes(key.public_key),
                credential_current_sign_count=key.sign_count)
        except (WebAuthnException, ValueError, KeyError, TypeError):
            verified = None
        if verified is not None:
            key.sign_count = verified.new_sign_count
            key.last_used_at = utc_now()
            lockout.record_success(user, ip_address)
            mfa.set_factor_state(session_id, "passed")
            audit.record(Actor.from_user(user), "mfa-verified", "user", user.id, changes={"factor": "security-key"})
            return mfa.CodeCheck(True)
    return mfa.CodeCheck(False, locked=lockout.record_failure(user, ip_address, "second-factor"))


def remove_key(actor: Actor, key_id: int) -> None:
    key = db.session.get(SecurityKey, key_id)
    if key is None or key.user_id != actor.user_id:
        from .errors import NotFound

        raise NotFound("No such security key", object_type="security_key", object_id=key_id)
    db.session.delete(key)
    audit.record(actor, "mfa-removed", "user", actor.user_id, changes={"factor": "security-key", "key_id": key_id})
