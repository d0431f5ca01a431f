"""Facts about a person that rules depend on."""
from dataclasses import dataclass
from datetime import date

from .contact_details import phone_for_display


def age_on(date_of_birth: date | None, on: date) -> int | None:
    """Age in whole years on a day (None when the date of birth is not known)."""
    if date_of_birth is None:
        return None
    return on.year - date_of_birth.year - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))


def safe_contact_instructions(person) -> list[str]:
    """What an advocate must (not) do when contacting the victim, in plain words, most dangerous first.

    ``person`` is anything with the may_* contact permissions (None: no contact details recorded)."""
    if person is None:
        return ["No contact details recorded"]
    lines = []
    if not person.may_phone:
        lines.append("Do not phone")
    elif not person.may_leave_voicemail:
        lines.append("Do not leave voicemail")
    if not person.may_write:
        lines.append("Do not send letters")
    if not person.may_email:
        lines.append("Do not email")
    if not getattr(person, "may_text", False):
        lines.append("Do not text")
    return lines


def _clock(value) -> str:
    return f"{value:%H:%M}"


def safe_hours_phrase(person) -> str:
    """"between 18:00 and 21:00", or "at any time" when no safe hours are recorded."""
    start, end = getattr(person, "safe_contact_from", None), getattr(person, "safe_contact_until", None)
    if start is None or end is None:
        return "at any time"
    return f"only between {_clock(start)} and {_clock(end)}"


@dataclass(frozen=True)
class ContactRoute:
    """One way of reaching the victim, with the victim's rule for it beside it (``allowed``: may be used at all)."""

    kind: str
    detail: str | None
    rule: str
    allowed: bool


def contact_routes(person) -> list[ContactRoute]:
    """How to reach the victim safely: phone, email and address, each with its rule, in the order an advocate
    tries them. A detail that is not recorded is listed as such, so its absence is seen, not guessed."""
    if person is None:
        return []
    hours = safe_hours_phrase(person)
    if person.may_phone:
        phone_rule = f"Safe to call {hours}"
        phone_rule += ", voicemail is fine" if person.may_leave_voicemail else ", do not leave voicemail"
    else:
        phone_rule = "Do not phone"
    phone_rule += f"; texts {hours}" if getattr(person, "may_text", False) else "; do not text"
    return [
        ContactRoute("Phone", phone_for_display(person.phone) or None, phone_rule, bool(person.may_phone or getattr(person, "may_text", False))),
        ContactRoute("Email", person.email, f"Safe to email {hours}" if person.may_email else "Do not email",
                     bool(person.may_email)),
        ContactRoute("Postal address", person.address, "Safe to write" if person.may_write else "Do not send letters",
                     bool(person.may_write)),
    ]


# The victim's rules a recorded contact can break: slug (kept in the audit) and the words shown to people.
UNSAFE_CONTACT_RULES = {
    "no-phone": "Do not phone", "no-voicemail": "Do not leave voicemail", "no-letters": "Do not send letters",
    "no-email": "Do not email", "no-texts": "Do not text",
}


def unsafe_contact_rule(method: str, outcome: str, person) -> str | None:
    """The slug of the victim's rule that a contact by ``method`` with ``outcome`` went against (None: none).

    A call when they said "do not phone", a voicemail when "do not leave voicemail", a letter, email or text they
    did not agree to. In person and video calls are arranged with the victim, so no rule covers them."""
    if person is None:
        return None
    if method == "phone":
        if not person.may_phone:
            return "no-phone"
        if outcome == "left-message" and not person.may_leave_voicemail:
            return "no-voicemail"
        return None
    rules = {"letter": ("may_write", "no-letters"), "email": ("may_email", "no-email"),
             "text-message": ("may_text", "no-texts")}
    if method in rules and not getattr(person, rules[method][0], False):
        return rules[method][1]
    return None
