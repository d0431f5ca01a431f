"""Facts about a person that rules depend on."""
from datetime import date


def age_on(date_of_birth: date | None, on: date) -> int | None:
    """Age in whole years on a day (None when the date of birth is not known)."""
    if date_of_birth is None:
        return None
    return on.year - date_of_birth.year - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))


def safe_contact_instructions(person) -> list[str]:
    """What an advocate must (not) do when contacting the victim, in plain words, most dangerous first.

    ``person`` is anything with the four may_* contact permissions (None: no contact details recorded)."""
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
    return lines
