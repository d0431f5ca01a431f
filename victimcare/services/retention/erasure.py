"""Erasure requests: the data protection officer decides a data-rights request of kind "erasure" against the
article 17 grounds and exemptions (domain/erasure.py), with reasons. An accepted request runs the retention purge
for that person at once (purge.purge_person) and closes the request as completed; a refused one closes it as
refused with the reasons. One audit event records the decision by its codes; the reasons stay on the decision."""
from sqlalchemy import select

from ...domain.erasure import decision_problems
from ...extensions import db
from ...models import DataRightsRequest, ErasureDecision
from .. import audit, data_rights
from ..actors import Actor
from ..errors import Conflict, NotFound, ValidationFailed
from . import schedule
from .purge import purge_person

MAX_TEXT = 2000


def get_erasure_request(actor: Actor, request_id: int) -> tuple[DataRightsRequest, ErasureDecision | None]:
    """An erasure request and its decision (None: not decided yet), for the DPO; 404 for any other kind."""
    request = data_rights.get_request(actor, request_id)
    if request.kind != "erasure":
        raise NotFound("Erasure request not found", object_type="data-rights-request", object_id=request_id)
    decision = db.session.scalar(select(ErasureDecision).where(ErasureDecision.request_id == request.id))
    return request, decision


def decide(actor: Actor, request_id: int, decision: str | None, grounds: list[str], exemptions: list[str],
           reasons: str | None) -> ErasureDecision:
    request, existing = get_erasure_request(actor, request_id)
    if existing is not None or request.status != "open":
        raise Conflict("This request has already been decided.")
    if request.person_id is None:
        raise Conflict("This request names nobody whose records are held.")
    held = bool(schedule.held_person_ids([request.person_id]))
    problems = decision_problems(decision, grounds, exemptions, reasons, on_hold=held)
    if len((reasons or "").strip()) > MAX_TEXT:
        problems.append(("reasons", f"Keep the reasons to {MAX_TEXT} characters"))
    if problems:
        raise ValidationFailed(errors=[{"field": field, "message": message} for field, message in problems])
    person_id = request.person_id
    row = ErasureDecision(request_id=request.id, person_id=person_id, decision=decision, grounds=sorted(grounds),
                          exemptions=sorted(exemptions), reasons=reasons.strip(), decided_by_id=actor.user_id)
    db.session.add(row)
    status = "completed" if decision == "accepted" else "refused"
    note = ("Erasure accepted: the person's personal data was purged." if decision == "accepted"
            else "Erasure refused: see the erasure decision for the exemptions and reasons.")
    data_rights.close(actor, request.id, status, note)
    db.session.flush()
    audit.record(actor, "erasure-decided", "data-rights-request", request.id, changes={
        "decision": decision, "grounds": sorted(grounds), "exemptions": sorted(exemptions), "reasons": "recorded"})
    if decision == "accepted":
        row.records = purge_person(actor, person_id, why="erasure", request_id=request.id)
        db.session.flush()
    return row
