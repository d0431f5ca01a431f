"""The agenda shared with partner agencies, marked OFFICIAL-SENSITIVE: only what the meeting needs (name, date of
birth, borough, risk level, reason for referral, whether repeat). Making a share and every download are audited
with the meeting's and the share's ids, never a value."""
import csv
import io
from dataclasses import dataclass
from datetime import date

from ...domain.marac import REFERRAL_CRITERIA, RISK_LEVELS
from ...domain.spreadsheet import spreadsheet_text
from ...domain.vocab import label
from ...extensions import db
from ...models import MaracShare
from .. import audit
from ..actors import Actor
from ..errors import NotFound
from .access import load_meeting
from .meetings import agenda

MARKING = "OFFICIAL-SENSITIVE"
SHARE_COLUMNS = ("Name", "Date of birth", "Borough", "Risk level", "Reason for referral", "Repeat")


@dataclass(frozen=True)
class ShareRow:
    name: str
    date_of_birth: date | None
    borough: str
    risk_level: str
    reason: str
    repeat: bool | None
    restricted: bool = False  # a restricted record that does not open for the coordinator: nothing of it is shared


def create_share(actor: Actor, meeting_id: int) -> MaracShare:
    meeting = load_meeting(actor, meeting_id)
    share = MaracShare(meeting_id=meeting.id, created_by_id=actor.user_id)
    db.session.add(share)
    db.session.flush()
    audit.record(actor, "create", "marac_share", share.id, service_id=meeting.service_id,
                 changes={"meeting_id": meeting.id})
    return share


def share_rows(actor: Actor, meeting_id: int, share_id: int, file_format: str):
    """The share's rows (cases not deferred), audited as an export of the share in this format."""
    meeting = load_meeting(actor, meeting_id)
    share = db.session.get(MaracShare, share_id) if 0 < share_id < 2**31 else None
    if share is None or share.meeting_id != meeting.id:
        raise NotFound("Share not found", object_type="marac_share", object_id=share_id)
    _, rows = agenda(actor, meeting.id)
    result = [_restricted_row(r) if r.restricted else ShareRow(
        name=f"{r.given_name} {r.family_name}".strip(), date_of_birth=r.date_of_birth, borough=r.borough or "Not recorded",
        risk_level=label(RISK_LEVELS, r.item.risk_level) if r.item.risk_level else "Not assessed",
        reason="; ".join(label(REFERRAL_CRITERIA, c) for c in r.item.criteria or ()) or "Not recorded",
        repeat=r.item.repeat) for r in rows if r.item.deferred_at is None]
    audit.record(actor, "export", "marac_share", share.id, service_id=meeting.service_id,
                 changes={"meeting_id": meeting.id, "format": file_format, "rows": len(result)})
    return meeting, share, result


def _restricted_row(row) -> ShareRow:
    """A restricted person's line, for a coordinator it does not open for: the row counts, nothing of it is shared."""
    return ShareRow(name=row.given_name, date_of_birth=None, borough="", risk_level="", reason="", repeat=None,
                    restricted=True)


def share_csv(meeting, rows: list[ShareRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([MARKING])
    writer.writerow([f"MARAC agenda for {meeting.held_on.isoformat()}"])
    writer.writerow(SHARE_COLUMNS)
    for row in rows:
        writer.writerow([spreadsheet_text(cell) for cell in (
            row.name, row.date_of_birth.isoformat() if row.date_of_birth else "", row.borough, row.risk_level,
            row.reason, "" if row.repeat is None else "Yes" if row.repeat else "No")])
    writer.writerow([MARKING])
    return out.getvalue()

