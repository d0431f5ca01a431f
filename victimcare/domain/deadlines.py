"""Working-day arithmetic for Victims' Code and first-contact deadlines.

A working day is Monday to Friday, excluding bank holidays in England and Wales. Deadlines are counted on the
London calendar: a referral received at 23:30 UTC on 30 June is received on 1 July in London (BST).

Bank holidays come from the data bundled with the ``govuk-bank-holidays`` package, read offline so that a
deadline never depends on GOV.UK being reachable. That data only covers a range of years (version 0.19 bundles
2012 to 2028). Outside the covered years we cannot tell a bank holiday from a working day, so the functions
raise ``HolidayDataUnavailable`` rather than silently treating every weekday as working: upgrade the package
(or pass your own ``holidays``) when that happens.
"""
from collections.abc import Collection
from datetime import date, datetime, timedelta
from functools import lru_cache

from govuk_bank_holidays.bank_holidays import BankHolidays

from .clock import LONDON, london_date  # noqa: F401  (callers count deadlines on the London calendar)

DEFAULT_DIVISION = BankHolidays.ENGLAND_AND_WALES


class HolidayDataUnavailable(LookupError):
    """The bundled bank holiday data does not cover the year a calculation needs."""


@lru_cache(maxsize=None)
def bank_holidays(division: str = DEFAULT_DIVISION) -> frozenset[date]:
    """Bank holidays for a UK division ("england-and-wales" by default) from the package's bundled data."""
    data = BankHolidays(use_cached_holidays=True).get_holidays(division=division)
    return frozenset(holiday["date"] for holiday in data)


@lru_cache(maxsize=None)
def covered_years(division: str = DEFAULT_DIVISION) -> frozenset[int]:
    """The years for which the bundled data lists bank holidays.

    Every year in England and Wales has at least eight bank holidays, so a year with none listed means the data
    is missing, not that the year is holiday-free.
    """
    return frozenset(holiday.year for holiday in bank_holidays(division))


def _check_covered(d: date) -> None:
    years = covered_years()
    if d.year not in years:
        raise HolidayDataUnavailable(
            f"Cannot count working days in {d.year}: the bundled bank holiday data covers only "
            f"{min(years)} to {max(years)}. Upgrade the govuk-bank-holidays package."
        )


def is_working_day(d: date, holidays: Collection[date] | None = None) -> bool:
    """True for Monday to Friday when not a bank holiday.

    With ``holidays=None`` the bundled England and Wales data is used, and a date outside the years it covers
    raises HolidayDataUnavailable. Pass ``holidays`` to use your own list (no coverage check then).
    """
    if holidays is None:
        _check_covered(d)
        holidays = bank_holidays()
    return d.weekday() < 5 and d not in holidays


def add_working_days(start: date, n: int, holidays: Collection[date] | None = None) -> date:
    """The ``n``th working day after ``start``.

    ``start`` itself never counts, so 2 working days from a Thursday is the following Monday (no holidays).
    With ``n == 0`` the result is ``start`` if it is a working day, otherwise the next working day.
    """
    if n < 0:
        raise ValueError(f"The number of working days cannot be negative (got {n}).")
    day = start
    if n == 0:
        while not is_working_day(day, holidays):
            day += timedelta(days=1)
        return day
    remaining = n
    while remaining:
        day += timedelta(days=1)
        if is_working_day(day, holidays):
            remaining -= 1
    return day


def working_days_between(start: date, end: date, holidays: Collection[date] | None = None) -> int:
    """How many working days fall after ``start`` up to and including ``end``; 0 when ``end`` is not after ``start``.

    This is the inverse of ``add_working_days`` for n >= 1: ``working_days_between(s, add_working_days(s, n)) == n``.
    """
    count = 0
    day = start + timedelta(days=1)
    while day <= end:
        if is_working_day(day, holidays):
            count += 1
        day += timedelta(days=1)
    return count


def first_contact_due(received_at: datetime, working_days: int, holidays: Collection[date] | None = None) -> date:
    """The date by which a service must first contact a victim: ``working_days`` after the London date received."""
    return add_working_days(london_date(received_at), working_days, holidays)
