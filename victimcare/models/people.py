"""Victims. Contact details and equality data are personal and, for the latter, special-category data."""
from datetime import date, datetime, time

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, Time, event, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.search import phonetic_key
from ..extensions import db
from .types import UTCDateTime, utcnow

# Fields whose values never enter audit events or logs: only the fact that they changed is recorded.
PERSON_SENSITIVE_FIELDS = frozenset(
    {
        "phone", "email", "address", "safe_contact_notes", "sex", "gender_identity", "ethnicity", "disability",
        "religion", "sexual_orientation", "first_language",
    }
)


class Person(db.Model):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100), index=True)
    # How the names sound (domain/search.py phonetic_key), kept up to date on every save: the search finds a
    # misspelt or swapped name by these keys, then scores the few candidates.
    given_name_key: Mapped[str | None] = mapped_column(String(20), index=True)
    family_name_key: Mapped[str | None] = mapped_column(String(20), index=True)
    date_of_birth: Mapped[date | None] = mapped_column(Date, index=True)
    postcode: Mapped[str | None] = mapped_column(String(10))
    borough_code: Mapped[str | None] = mapped_column(ForeignKey("boroughs.ons_code"))
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(254))
    address: Mapped[str | None] = mapped_column(Text)
    # Safe-contact preferences: a wrong call or letter can put a victim in danger.
    may_phone: Mapped[bool] = mapped_column(Boolean, default=False)
    may_leave_voicemail: Mapped[bool] = mapped_column(Boolean, default=False)
    may_write: Mapped[bool] = mapped_column(Boolean, default=False)
    may_email: Mapped[bool] = mapped_column(Boolean, default=False)
    may_text: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # London wall-clock hours when a message may arrive (both empty: any time). Checked again at send time.
    safe_contact_from: Mapped[time | None] = mapped_column(Time)
    safe_contact_until: Mapped[time | None] = mapped_column(Time)
    safe_contact_notes: Mapped[str | None] = mapped_column(Text)
    # When they would rather be contacted (vocab CONTACT_TIMES slugs); a preference, the safe hours above are the rule
    preferred_contact_times: Mapped[list | None] = mapped_column(JSON)
    # Equality monitoring (optional; "prefer-not-to-say" is a value, NULL means not asked)
    sex: Mapped[str | None] = mapped_column(String(32))
    gender_identity: Mapped[str | None] = mapped_column(String(32))
    ethnicity: Mapped[str | None] = mapped_column(String(64))
    disability: Mapped[str | None] = mapped_column(String(32))
    religion: Mapped[str | None] = mapped_column(String(32))
    sexual_orientation: Mapped[str | None] = mapped_column(String(32))
    first_language: Mapped[str | None] = mapped_column(String(64))
    interpreter_needed: Mapped[bool | None] = mapped_column(Boolean)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Set when the retention schedule (or an accepted erasure request) removed this person's personal data: the
    # row stays as an anonymous statistical record (equality answers in their bands), and every page and the API
    # treat the person's referrals and cases as not found (services/retention/purge.py).
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    borough = relationship("Borough", lazy="joined")

    __mapper_args__ = {"version_id_col": version}

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


# The few people the retention schedule purged: every queue and home count leaves their cases out
# (services/queues._not_purged), and with this index that anti-join reads a handful of entries rather than
# every person (measured at 1,000,000 cases: 180 ms a count without it).
Index("ix_people_purged", Person.id, postgresql_where=Person.purged_at.is_not(None),
      sqlite_where=Person.purged_at.is_not(None))


@event.listens_for(Person, "before_insert")
@event.listens_for(Person, "before_update")
def _keep_name_keys(mapper, connection, person: Person) -> None:
    person.given_name_key = phonetic_key(person.given_name)
    person.family_name_key = phonetic_key(person.family_name)
