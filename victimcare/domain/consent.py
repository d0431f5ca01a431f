"""A victim withdrawing consent to referral or support, and the cases that continue without it.

When a victim withdraws consent, every open case held on their consent closes ("consent withdrawn") and no further
contact is made on it. A case held on a lawful basis instead (child safeguarding, MARAC, or the lawful basis a
referral was made on without consent) continues, and says why.
"""
from dataclasses import dataclass

from .vocab import LAWFUL_BASES, label

CONSENT_WITHDRAWN = "consent-withdrawn"  # the closure reason, and the contact stop's rule
NO_CONTACT_MESSAGE = ("The victim has withdrawn their consent to support: no further contact may be made on this "
                      "case.")
_WHY = {
    "child-safeguarding": "a child safeguarding referral does not need the child's or the family's consent",
    "marac": "a high-risk domestic abuse victim referred to MARAC is supported without needing consent",
    "vital-interests": "there is a risk to someone's life",
}


def lawful_basis_to_continue(*, child_safeguarding: bool, marac: bool, referral_consent: bool | None,
                             referral_lawful_basis: str | None) -> str | None:
    """The lawful basis a case is held on instead of consent, or None when it is held on consent.

    A child-safeguarding case and a MARAC case continue whatever the victim's consent; so does a case whose
    referral was made without consent on a recorded lawful basis."""
    if child_safeguarding:
        return "child-safeguarding"
    if marac:
        return "marac"
    if referral_consent is not True and referral_lawful_basis:
        return referral_lawful_basis
    return None


@dataclass(frozen=True)
class ConsentState:
    """What a case page says once the victim has withdrawn consent."""

    contact_allowed: bool
    message: str


def consent_state(withdrawn: bool, basis: str | None, withdrawn_on_text: str) -> ConsentState | None:
    """None while consent stands; otherwise whether contact may continue on this case, and why, in words."""
    if not withdrawn:
        return None
    if basis is None:
        return ConsentState(False, f"The victim withdrew their consent to referral and support on "
                                   f"{withdrawn_on_text}. This case was closed and no further contact may be made. "
                                   "The record is kept until the retention schedule's date, then deleted.")
    why = _WHY.get(basis, "the law allows it without consent")
    return ConsentState(True, f"The victim withdrew their consent on {withdrawn_on_text}, but this case continues "
                              f"on the lawful basis of {label(LAWFUL_BASES, basis).lower()}: {why}.")
