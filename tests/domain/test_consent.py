"""Consent withdrawal: which cases continue on a lawful basis, and what a case page says."""
import pytest

from victimcare.domain.consent import consent_state, lawful_basis_to_continue


@pytest.mark.parametrize("child, marac, consent, basis, expected", [
    (False, False, True, None, None),                          # held on consent: closes
    (True, False, True, None, "child-safeguarding"),           # a child-safeguarding case continues
    (False, True, True, None, "marac"),                        # a MARAC case continues, consent or not
    (False, False, None, "vital-interests", "vital-interests"),  # referred without consent on a lawful basis
    (False, False, True, "vital-interests", None),             # consent was given, so the case is held on it
    (True, True, None, "marac", "child-safeguarding"),         # child safeguarding is named first
])
def test_lawful_basis_to_continue(child, marac, consent, basis, expected):
    assert lawful_basis_to_continue(child_safeguarding=child, marac=marac, referral_consent=consent,
                                    referral_lawful_basis=basis) == expected


def test_consent_state_says_why():
    assert consent_state(False, None, "1 May 2026") is None
    stopped = consent_state(True, None, "1 May 2026")
    assert not stopped.contact_allowed and "no further contact" in stopped.message
    continuing = consent_state(True, "marac", "1 May 2026")
    assert continuing.contact_allowed and "MARAC" in continuing.message and "continues" in continuing.message
