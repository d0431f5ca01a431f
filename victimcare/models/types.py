"""Column types shared by the models."""
from datetime import datetime, timezone

from sqlalchemy import DateTime, Text, TypeDecorator

from ..domain.clock import utc_now


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always returned timezone-aware.

    SQLite has no time zones, so values would otherwise come back naive there and aware on PostgreSQL;
    normalising here keeps comparisons and JSON output identical on both.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; use utc_now()")
        if value.tzinfo is not timezone.utc:  # (already UTC: a bulk import binds tens of thousands)
            value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class EncryptedText(TypeDecorator):
    """Text encrypted at rest (``victimcare.crypto``): the database holds ``enc1:`` and a Fernet token, Python
    sees the plain value. Only for short secrets the app itself must use, never for anything it searches on."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        from .. import crypto

        return None if value is None else crypto.encrypt(value)

    def process_result_value(self, value, dialect):
        from .. import crypto

        return None if value is None else crypto.decrypt(value)


def utcnow() -> datetime:
    return utc_now()
