"""Facts about a person that rules depend on."""
from datetime import date


def age_on(date_of_birth: date | None, on: date) -> int | None:
    """Age in whole years on a day (None when the date of birth is not known)."""
    if date_of_birth is None:
        return None
    return on.year - date_of_birth.year - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))
