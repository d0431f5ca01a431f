"""How long a victim's records are kept: the retention schedule, worked out per person from all their referrals
and cases together (the latest date wins).

The categories (periods are settings, ``RETENTION_*`` in config.py; see docs/data-protection.md):

- ``never-contacted``: referred but never contacted: RETENTION_NEVER_CONTACTED_DAYS after the referral was
  received, whether or not the case was closed.
- ``no-service``: contacted but no service taken up: RETENTION_CONTACTED_NO_SERVICE_DAYS after the case closed
  (support declined or not taken up). While such a case is still open there is no date yet.
- ``supported``: support taken up: RETENTION_SUPPORTED_YEARS after the later of the last contact and the
  closure, whether or not the case was formally closed.
- ``child``: a child at the offence: until their RETENTION_CHILD_UNTIL_AGE birthday or
  RETENTION_CHILD_YEARS_AFTER_CLOSURE years after closure, whichever is later.
- ``marac``: a case heard at MARAC: RETENTION_MARAC_YEARS after the later of the last contact and the closure.

Pure rules: no Flask, no database. The services gather the facts (``ReferralFacts``), this decides.
"""
from dataclasses import dataclass, field
from datetime import date, timedelta

CATEGORIES: tuple[tuple[str, str], ...] = (
    ("never-contacted", "Referred but never contacted"),
    ("no-service", "Contacted, no service taken up"),
    ("supported", "Supported"),
    ("child", "A child at the offence"),
    ("marac", "Heard at MARAC"),
)
CATEGORY_LABELS = dict(CATEGORIES)
# What a person's retention is when no date can be set yet (a case contacted but still open without support).
OPEN = "open"
CHILD_AGE = 18


@dataclass(frozen=True)
class RetentionPolicy:
    never_contacted_days: int = 183
    no_service_days: int = 42
    supported_years: int = 6
    child_until_age: int = 25
    child_years_after_closure: int = 6
    marac_years: int = 6

    @classmethod
    def from_config(cls, config) -> "RetentionPolicy":
        return cls(
            never_contacted_days=int(config["RETENTION_NEVER_CONTACTED_DAYS"]),
            no_service_days=int(config["RETENTION_CONTACTED_NO_SERVICE_DAYS"]),
            supported_years=int(config["RETENTION_SUPPORTED_YEARS"]),
            child_until_age=int(config["RETENTION_CHILD_UNTIL_AGE"]),
            child_years_after_closure=int(config["RETENTION_CHILD_YEARS_AFTER_CLOSURE"]),
            marac_years=int(config["RETENTION_MARAC_YEARS"]),
        )


@dataclass(frozen=True)
class CaseFacts:
    """One case, in London dates. ``last_contact_on``: the latest contact attempt (or first contact) recorded."""

    received_on: date
    contacted: bool = False
    last_contact_on: date | None = None
    accepted: bool = False
    closed_on: date | None = None
    open: bool = True
    marac: bool = False


@dataclass(frozen=True)
class ReferralFacts:
    received_on: date
    offence_on: date | None = None
    age_at_offence: int | None = None
    marac: bool = False
    cases: tuple[CaseFacts, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Retention:
    """A person's retention: the date after which their personal data goes, and the category that set it.
    ``until`` None: no date yet (``category`` is OPEN: a case is still open); None with no referrals at all too."""

    until: date | None
    category: str

    @property
    def label(self) -> str:
        return CATEGORY_LABELS.get(self.category, "Not yet set: a case is still open")

    def due(self, as_of: date) -> bool:
        return self.until is not None and self.until < as_of


def add_years(day: date, years: int) -> date:
    """The same day ``years`` later; 29 February falls back to 28 February in a year without it."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def was_child(referral: ReferralFacts, date_of_birth: date | None) -> bool:
    """A child at the offence: by the date of birth on the offence date (or the referral's date when the offence
    date is unknown), otherwise by the age recorded at the offence."""
    if date_of_birth is not None:
        on = referral.offence_on or referral.received_on
        return add_years(date_of_birth, CHILD_AGE) > on
    return referral.age_at_offence is not None and referral.age_at_offence < CHILD_AGE


def _end_of_case(case: CaseFacts) -> date:
    """The later of the last contact and the closure (the receipt when neither happened)."""
    return max(d for d in (case.received_on, case.last_contact_on, case.closed_on) if d is not None)


def _twenty_fifth_birthday(referral: ReferralFacts, date_of_birth: date | None, policy: RetentionPolicy) -> date:
    if date_of_birth is not None:
        return add_years(date_of_birth, policy.child_until_age)
    # Only the age is known: the latest the birthday could fall (born a year less a day before they turned that
    # age on the offence date, they reach the age the same day that many years on).
    on = referral.offence_on or referral.received_on
    return add_years(on, policy.child_until_age - (referral.age_at_offence or 0))


def case_retention(case: CaseFacts, referral: ReferralFacts, child: bool, birthday: date | None,
                   policy: RetentionPolicy) -> Retention:
    """One case's retention: every category that applies gives a date; the latest wins."""
    candidates: list[Retention] = []
    end = _end_of_case(case)
    if case.accepted:
        candidates.append(Retention(add_years(end, policy.supported_years), "supported"))
    elif not case.contacted:
        candidates.append(Retention(referral.received_on + timedelta(days=policy.never_contacted_days),
                                    "never-contacted"))
    elif case.open or case.closed_on is None:
        return Retention(None, OPEN)
    else:
        candidates.append(Retention(case.closed_on + timedelta(days=policy.no_service_days), "no-service"))
    if case.marac or referral.marac:
        candidates.append(Retention(add_years(end, policy.marac_years), "marac"))
    if child and birthday is not None:
        candidates.append(Retention(max(birthday, add_years(end, policy.child_years_after_closure)), "child"))
    return max(candidates, key=lambda r: r.until)


def person_retention(referrals: list[ReferralFacts], date_of_birth: date | None,
                     policy: RetentionPolicy) -> Retention:
    """A person's retention from all their referrals and cases together: the latest date wins, and any case
    without a date yet (contacted, still open, no support) leaves the person without one."""
    dates: list[Retention] = []
    for referral in referrals:
        child = was_child(referral, date_of_birth)
        birthday = _twenty_fifth_birthday(referral, date_of_birth, policy) if child else None
        if not referral.cases:
            # Never routed to a service (held at triage, not routed, not proceeding): never contacted.
            dates.append(Retention(referral.received_on + timedelta(days=policy.never_contacted_days),
                                   "never-contacted"))
            if child:
                dates.append(Retention(max(birthday, add_years(referral.received_on,
                                                               policy.child_years_after_closure)), "child"))
            if referral.marac:
                dates.append(Retention(add_years(referral.received_on, policy.marac_years), "marac"))
            continue
        for case in referral.cases:
            dates.append(case_retention(case, referral, child, birthday, policy))
    if not dates:
        return Retention(None, OPEN)
    if any(r.until is None for r in dates):
        return Retention(None, OPEN)
    return max(dates, key=lambda r: r.until)


def retention_text(retention: Retention, held: bool) -> str:
    """The line shown on a person's record: until when it is kept, and why."""
    if retention.until is None:
        line = "Not yet set: a case is still open without support taken up"
    else:
        line = f"Until {retention.until.day} {retention.until:%B %Y}: {retention.label.lower()}"
    return f"On legal hold, kept until the hold is lifted (otherwise: {line[0].lower()}{line[1:]})" if held else line
