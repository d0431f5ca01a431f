"""The subject access copy as files: a JSON file (every field, machine-readable) and a readable HTML document
that prints cleanly, together in a zip."""
import io
import json
import re
import zipfile
from datetime import date, datetime

from flask import render_template
from sqlalchemy import select

from ...domain import data_rights, vocab
from ...domain.clock import LONDON
from ...domain.subject_access import REDACTED
from ...extensions import db
from ...domain.report_definitions import ROUTE_LABELS
from ...models import Borough, Service
from .collect import Item, RecordCopy, Section

# Coded values shown in words in the HTML (the JSON keeps the codes, with this table's words beside it).
FIELD_VOCABULARIES = {
    "offence_category": vocab.OFFENCE_CATEGORIES, "source": vocab.REFERRAL_SOURCES,
    "consent_method": vocab.CONSENT_METHODS, "lawful_basis": vocab.LAWFUL_BASES, "method": vocab.CONTACT_METHODS,
    "outcome": vocab.CONTACT_OUTCOMES, "closure_reason": vocab.CLOSURE_REASONS, "strand": vocab.HATE_STRANDS,
    "decline_reason_code": vocab.DECLINE_REASONS, "transfer_reason_code": vocab.TRANSFER_REASONS,
    "not_proceeding_reason": vocab.NOT_PROCEEDING_REASONS, "reason_code": vocab.OVERRIDE_REASONS,
    "sex": vocab.SEX, "gender_identity": vocab.GENDER_IDENTITY, "ethnicity": vocab.ETHNICITY,
    "disability": vocab.DISABILITY, "religion": vocab.RELIGION, "sexual_orientation": vocab.SEXUAL_ORIENTATION,
    "right": vocab.VICTIMS_CODE_RIGHTS, "event": vocab.CODE_EVENTS, "decision": vocab.POLICE_DECISIONS,
    "complaint_agency": vocab.COMPLAINT_AGENCIES, "outcome_feels_safer": vocab.OUTCOME_ANSWERS,
    "outcome_better_able_to_cope": vocab.OUTCOME_ANSWERS, "outcome_better_informed": vocab.OUTCOME_ANSWERS,
    "identity_check": data_rights.IDENTITY_CHECKS, "requester": data_rights.REQUESTERS,
    "kind": data_rights.KINDS, "requester_kind": data_rights.RECORDS_REQUESTERS,
    "records_kind": data_rights.RECORDS_KINDS,
}
ROUTING_KINDS = (("rule", "A routing rule"), ("override-add", "Added by a caseworker"),
                 ("override-remove", "Removed by a caseworker"))
TABLE_VOCABULARIES = {("records_requests", "decision"): data_rights.RECORDS_DECISIONS,("cases", "status"): vocab.CASE_STATUSES, ("routing_decisions", "kind"): ROUTING_KINDS, ("data_rights_requests", "status"): data_rights.STATUSES,
                      ("record_restrictions", "reason"): vocab.RESTRICTION_REASONS,
                      ("legal_holds", "reason"): vocab.LEGAL_HOLD_REASONS,
                      ("justice_withdrawals", "stage"): vocab.WITHDRAWAL_STAGES,
                      ("justice_withdrawal_reasons", "reason"): vocab.WITHDRAWAL_REASONS,
                      ("perpetrators", "relationship_to_victim"): vocab.PERPETRATOR_RELATIONSHIPS,
                      ("parent_carers", "relationship_to_victim"): vocab.PARENT_CARER_RELATIONSHIPS}
ROLE_WORDS = dict(vocab.ROLES) | {"system": "The system (scheduled work)", None: "The public (a self-referral)"}
ACTION_WORDS = {"view": "Looked at", "list": "Saw in a list", "create": "Recorded", "update": "Changed",
                "transition": "Changed the status of", "export": "Exported", "break-glass": "Opened in an emergency",
                "permission-denied": "Was refused", "delete": "Deleted"}


FIELD_LABELS = {"rj_requested": "Restorative justice requested", "rj_consent": "Consent to restorative justice",
                "dash_level": "DASH risk level", "marac": "Heard at MARAC", "marac_reasons": "Why MARAC",
                "at": "When", "id": "Number", "consent_referral": "Consent to the referral"}
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def field_label(name: str) -> str:
    if name in FIELD_LABELS:
        return FIELD_LABELS[name]
    words = name.removesuffix("_id").removesuffix("_code").replace("_", " ")
    words = re.sub(r"\b(dash|marac|rj)\b", lambda m: m.group(1).upper(), words)
    return words[:1].upper() + words[1:]


def _services() -> dict[int, str]:
    return dict(db.session.execute(select(Service.id, Service.name)).all())


def _boroughs() -> dict[str, str]:
    return dict(db.session.execute(select(Borough.ons_code, Borough.name)).all())


def display_value(table: str, name: str, value, services: dict[int, str], boroughs: dict[str, str] | None = None
                  ) -> str:
    if value is None or value == "":
        return "Not recorded"
    if value == REDACTED:
        return REDACTED
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if name == "service_id":
        return services.get(value, "A service that has since closed")
    if name.endswith("borough_code") and boroughs is not None:
        return boroughs.get(value, value)
    if name == "rule":
        return ROUTE_LABELS.get(value, "A routing rule")
    vocabulary = TABLE_VOCABULARIES.get((table, name)) or FIELD_VOCABULARIES.get(name)
    if vocabulary and isinstance(value, str):
        return vocab.label(vocabulary, value)
    if isinstance(value, str) and len(value) >= 10 and value[4] == "-" and value[7] == "-":
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        if len(value) == 10:
            return f"{moment.day} {moment:%B %Y}"
        moment = moment.astimezone(LONDON)
        return f"{moment.day} {moment:%B %Y}, {moment:%H:%M}"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False) if value else "None"
    if isinstance(value, str) and _SLUG.match(value) and not value.isdigit():
        words = value.replace("-", " ")  # a coded value with no vocabulary here: in words, never the code
        return words[:1].upper() + words[1:]
    return str(value)


def _json_item(item: Item) -> dict:
    return {"id": item.row_id, "fields": item.fields, "for_review": item.flags, "withheld": item.redacted,
            **{section.key: [_json_item(child) for child in section.items] for section in item.children}}


def as_json(copy: RecordCopy, *, release: bool) -> dict:
    services = _services()
    return {
        "about": "Everything victimcare holds about you" + ("" if release else " (review copy, not for release)"),
        "generated_at": copy.generated_at.isoformat(),
        "copy": "release" if release else "review",
        **{section.key: [_json_item(item) for item in section.items] for section in copy.sections},
        "access_log": [{**row, "service": services.get(row["service_id"])} for row in copy.access_log],
    }


def _jsonable(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def as_html(copy: RecordCopy, *, release: bool, title: str) -> str:
    return render_template("subject_access/document.html", copy=copy, release=release, title=title,
                           **document_context(copy))


def document_context(copy: RecordCopy) -> dict:
    services, boroughs = _services(), _boroughs()

    def show(item: Item, name: str) -> str:
        return display_value(item.source, name, item.fields.get(name), services, boroughs)

    log = [{"who": ROLE_WORDS.get(row["role"], "Staff"), "service": services.get(row["service_id"], "Any service")
            if row["service_id"] else "Not tied to one service", "what": ACTION_WORDS.get(row["action"], "Used"),
            "count": row["count"], "first": display_value("", "first", row["first"], services),
            "last": display_value("", "last", row["last"], services)} for row in copy.access_log]
    return {"show": show, "label": field_label, "log": log}


def zip_bytes(copy: RecordCopy, *, release: bool, title: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("records.html", as_html(copy, release=release, title=title))
        archive.writestr("records.json", json.dumps(as_json(copy, release=release), ensure_ascii=False, indent=2,
                                                    default=_jsonable))
    return buffer.getvalue()


__all__ = ["Section", "as_html", "as_json", "document_context", "zip_bytes"]
