"""What happened for a victim under the Victims' Code: one row per event (told about the Code, a police decision
told, a Victim Personal Statement offered...). The rules that turn events into each right's state are the
domain's (domain/code_rights.py)."""
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow


class CodeEvent(db.Model):
    __tablename__ = "code_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    right: Mapped[str] = mapped_column(String(40))
    event: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    # A police decision told to the victim: when it was made and which decision (POLICE_DECISIONS; the API
    # does not send it, the case page may). The deadline is worked out once, in working days (bank holidays),
    # when the event is recorded, so the report can aggregate it in SQL.
    decision_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision: Mapped[str | None] = mapped_column(String(32))
    working_days: Mapped[int | None] = mapped_column(Integer)
    in_time: Mapped[bool | None] = mapped_column(Boolean)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


# The case's tab reads a case's events; the report reads them by right for the cases of a period.
Index("ix_code_events_case_right", CodeEvent.case_id, CodeEvent.right)
