"""Gathering everything held about one person, table by table from the registry: one query per table (rows of a
child table are read for all their parents at once) and one aggregate query for the access log."""
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, func, or_, select

from ...domain.clock import utc_now
from ...domain.subject_access import FLAG_SENSITIVE_NOTE, REDACTED, item_key, third_party_reason
from ...extensions import db
from ...models import AuditEvent, Case, Person, Referral
from .registry import SOURCES, Source, copied_columns


@dataclass
class Item:
    """One row: its copied fields, the fields flagged for review (field -> why) and its child sections."""

    source: str
    row_id: str
    fields: dict
    flags: dict[str, str] = field(default_factory=dict)
    redacted: list[str] = field(default_factory=list)
    children: list["Section"] = field(default_factory=list)

    def key(self, field_name: str) -> str:
        return item_key(self.source, self.row_id, field_name)


@dataclass
class Section:
    key: str
    title: str
    items: list[Item]


@dataclass
class RecordCopy:
    person_id: int
    generated_at: datetime
    sections: list[Section]
    access_log: list[dict]
    redactions: frozenset[str] = frozenset()

    def flagged(self) -> list[tuple[Item, str, str]]:
        """Every flagged field in document order: (item, field, reason)."""
        found = []

        def walk(sections):
            for section in sections:
                for item in section.items:
                    found.extend((item, name, reason) for name, reason in item.flags.items())
                    walk(item.children)

        walk(self.sections)
        return found


def _plain(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def _row_id(source: Source, row) -> str:
    return "-".join(str(getattr(row, column.key)) for column in source.model.__mapper__.primary_key)


def _item(source: Source, row, own_names: tuple[str, ...], redactions: frozenset[str]) -> Item:
    item = Item(source.key, _row_id(source, row), {name: _plain(getattr(row, name)) for name in copied_columns(source)})
    for name in source.review_fields:
        value = item.fields.get(name)
        if value in (None, "", {}, []):
            continue
        if source.review_all:
            reason = source.review_all
        elif source.sensitive_flag and getattr(row, source.sensitive_flag):
            reason = FLAG_SENSITIVE_NOTE
        else:
            reason = third_party_reason(value if isinstance(value, str) else str(value), own_names)
        if reason:
            item.flags[name] = reason
    for name in list(item.fields):
        if item.key(name) in redactions:
            item.fields[name] = REDACTED
            item.redacted.append(name)
    return item


def _rows(source: Source, parent_ids: list) -> list:
    if not parent_ids:
        return []
    column = getattr(source.model, source.link)
    order = [column.key for column in source.model.__mapper__.primary_key]
    return list(db.session.scalars(select(source.model).where(column.in_(parent_ids))
                                   .order_by(*(getattr(source.model, name) for name in order))))


def collect(person_id: int, redactions: frozenset[str] = frozenset()) -> RecordCopy:
    """Everything held about the person, with the redactions applied (none: the review copy)."""
    person = db.session.get(Person, person_id)
    own_names = (person.given_name, person.family_name) if person else ()
    by_parent: dict[str, dict] = {}  # source key -> {row's own id: item}, for linking children
    top: list[Section] = []
    for source in SOURCES:
        if source.parent is None:
            parent_ids = [person_id]
        else:
            parent_ids = list(by_parent.get(source.parent, {}))
        rows = _rows(source, parent_ids)
        items = []
        mine = {}
        for row in rows:
            item = _item(source, row, own_names, redactions)
            items.append(item)
            if hasattr(row, "id"):
                mine[row.id] = item
            if source.parent is not None:
                parent = by_parent[source.parent][getattr(row, source.link)]
                section = next((s for s in parent.children if s.key == source.key), None)
                if section is None:
                    section = Section(source.key, source.title, [])
                    parent.children.append(section)
                section.items.append(item)
        by_parent[source.key] = mine
        if source.parent is None:
            top.append(Section(source.key, source.title, items))
    return RecordCopy(person_id, utc_now(), top, access_log(person_id), redactions)


def access_log(person_id: int) -> list[dict]:
    """Who looked at or changed the person's record, by role and service: counts and first and last times, never
    staff names (aggregated in SQL)."""
    referral_ids = select(Referral.id).where(Referral.person_id == person_id).scalar_subquery()
    case_ids = select(Case.id).join(Referral, Case.referral_id == Referral.id).where(
        Referral.person_id == person_id).scalar_subquery()
    about_person = or_(AuditEvent.referral_id.in_(referral_ids), AuditEvent.case_id.in_(case_ids),
                       and_(AuditEvent.object_type == "person", AuditEvent.object_id == str(person_id)))
    rows = db.session.execute(
        select(AuditEvent.actor_role, AuditEvent.service_id, AuditEvent.action, func.count(),
               func.min(AuditEvent.occurred_at), func.max(AuditEvent.occurred_at))
        .where(about_person).group_by(AuditEvent.actor_role, AuditEvent.service_id, AuditEvent.action)
        .order_by(func.min(AuditEvent.occurred_at)))
    return [{"role": role, "service_id": service_id, "action": action, "count": count,
             "first": _plain(_aware(first)), "last": _plain(_aware(last))}
            for role, service_id, action, count, first, last in rows]


def _aware(value):
    # min()/max() bypass the column type: SQLite hands back text or a naive datetime.
    from datetime import timezone

    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value
