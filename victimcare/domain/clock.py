"""The clock: the one place victimcare reads the time, and the London calendar it counts days on.

Victims' Code deadlines, "overdue" and "due today" are London dates: between midnight and 1 am in summer (BST)
the UTC date is still yesterday's. Everything asks here, so one idea of "today" holds everywhere. Tests freeze
time with time-machine, which moves this clock and every other reader of the system time together.
"""
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def utc_now() -> datetime:
    """Now, as an aware UTC datetime (what the database stores)."""
    return datetime.now(timezone.utc)


def london_now() -> datetime:
    """Now on London's wall clock (GMT or BST)."""
    return utc_now().astimezone(LONDON)


def london_date(moment: datetime) -> date:
    """The London calendar date of a moment; a naive datetime is taken to be UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(LONDON).date()


def london_today() -> date:
    """Today's date in London."""
    return london_date(utc_now())


def london_datetime(day: date, hour: int = 0, minute: int = 0) -> datetime:
    """A London wall-clock time on a London date, as an aware datetime."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)
