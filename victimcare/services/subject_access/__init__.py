"""Subject access (UK GDPR article 15): the person's whole record for the data protection officer working on the
request (each view audited with the request's id), the redactions they mark, and the released copy: a zip built
in the background, audited with its SHA-256, and deleted once downloaded. The unredacted review copy for the
command line is ``review_copy_for_reference``.

What is copied is the registry (registry.py); gathering it is collect.py; the files are document.py.
"""
import hashlib

from sqlalchemy import select

from ...domain.subject_access import item_key
from ...extensions import db
from ...models import DataRightsRequest, Referral
from .. import audit, data_rights, exports
from ..actors import Actor
from ..errors import Conflict, NotFound
from .collect import RecordCopy, collect
from .document import as_html, document_context, zip_bytes
from .registry import NOT_COPIED, SOURCES

EXPORT_KIND = "subject-access"

__all__ = ["NOT_COPIED", "SOURCES", "RecordCopy", "as_html", "collect", "document_context", "open_record",
           "review_copy_for_reference", "save_redactions", "start_release", "zip_bytes"]


def open_record(actor: Actor, request_id: int) -> tuple[DataRightsRequest, RecordCopy]:
    """The person's whole record, for the DPO working on this open request; audited as a view of the person with
    the request's id."""
    request = data_rights.get_request(actor, request_id)
    data_rights.require_record_access(actor, request)
    copy = collect(request.person_id, frozenset(request.redactions or ()))
    audit.record(actor, "view", "person", request.person_id, referral_id=request.referral_id,
                 changes={"data_rights_request": request.id, "purpose": "subject-access-review"})
    return request, copy


def save_redactions(actor: Actor, request_id: int, keys: list[str]) -> DataRightsRequest:
    """Mark which flagged fields are withheld from the released copy (a key not flagged in the record is ignored)."""
    request = data_rights.get_request(actor, request_id)
    data_rights.require_record_access(actor, request)
    flagged = {item_key(item.source, item.row_id, name) for item, name, _ in collect(request.person_id).flagged()}
    chosen = sorted(set(keys) & flagged)
    request.redactions = chosen
    db.session.flush()
    audit.record(actor, "update", "data-rights-request", request.id,
                 changes={"redactions": len(chosen), "fields": sorted({key.split(".")[0] + "." + key.split(".")[2]
                                                                      for key in chosen})})
    return request


def start_release(actor: Actor, request_id: int, back: str | None = None):
    """Build the release copy (redactions applied) in the background; the DPO downloads it from its page once."""
    request = data_rights.get_request(actor, request_id)
    data_rights.require_record_access(actor, request)
    if request.kind != "subject-access":
        raise Conflict("Only a subject access request releases a copy of the records.")
    return exports.start_export(actor, EXPORT_KIND, f"Subject access copy, request {request.id}",
                                {"request_id": request.id, "once": True, "back_text": "Back to the request",
                                 "back": back})


def _build_release(export, actor: Actor, progress) -> exports.BuiltFile:
    request = data_rights.get_request(actor, int(export.params["request_id"]))
    data_rights.require_record_access(actor, request)
    progress(0, 2, "Gathering the records")
    copy = collect(request.person_id, frozenset(request.redactions or ()))
    progress(1, 2, "Writing the files")
    data = zip_bytes(copy, release=True, title="Your records held by victimcare")
    audit.record(actor, "export", "data-rights-request", request.id, referral_id=request.referral_id, changes={
        "copy": "release", "sha256": hashlib.sha256(data).hexdigest(), "redactions": len(request.redactions or ())})
    return exports.BuiltFile(f"subject-access-request-{request.id}.zip", "application/zip", data)


exports.register_builder(EXPORT_KIND, _build_release, data_rights.PERMISSION, keep_after_download=False)


def review_copy_for_reference(actor: Actor, reference: str) -> bytes:
    """The unredacted review copy (flags shown) for the person behind a referral reference: for a DPO working
    outside the browser (`flask sar export`). Audited with the file's SHA-256."""
    referral = db.session.scalar(select(Referral).where(Referral.reference == (reference or "").strip().upper()))
    if referral is None or referral.person_id is None:
        raise NotFound(f"No referral has the reference {reference!r}", object_type="referral", object_id=reference)
    data = zip_bytes(collect(referral.person_id), release=False, title="Review copy: records held by victimcare")
    audit.record(actor, "export", "person", referral.person_id, referral_id=referral.id,
                 changes={"copy": "review", "sha256": hashlib.sha256(data).hexdigest()})
    return data
