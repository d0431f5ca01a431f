"""Files built in the background for the person who asked: report exports now, the subject access export later.

``start_export`` records the request (audited) and an ``export`` job in the caller's transaction; the job calls
the kind's builder, which reports progress as it goes; the file is kept under EXPORT_DIR for EXPORT_FILE_MINUTES
after it is ready, downloaded only by its requester (audited), then deleted by the ``export-files`` sweep.

A kind is registered with ``register_builder(KIND, build, permission)``: ``build(export, actor, progress)`` returns
a ``BuiltFile``; ``progress(done, total, label)`` may be called as often as useful (each call commits, so the
progress page sees it).
"""
import hashlib
import io
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from ..domain.clock import utc_now
from ..extensions import db
from ..models import ExportFile
from ..uow import after_commit
from . import audit, outbox
from .actors import Actor, require
from .errors import NotFound, ServiceError


@dataclass(frozen=True)
class BuiltFile:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class ExportKind:
    kind: str
    build: Callable[[ExportFile, Actor, Callable[[int, int, str], None]], BuiltFile]
    permission: str
    # False: the file is deleted as soon as it has been downloaded (a subject access copy is not kept).
    keep_after_download: bool = True


KINDS: dict[str, ExportKind] = {}


def register_builder(kind: str, build, permission: str, *, keep_after_download: bool = True) -> None:
    KINDS[kind] = ExportKind(kind, build, permission, keep_after_download)


class ExportGone(ServiceError):
    """The file existed but has expired (or was never made): 410 on the download."""

    status_code = 410


def export_dir() -> Path:
    return Path(current_app.config["EXPORT_DIR"])


def start_export(actor: Actor, kind: str, title: str, params: dict) -> ExportFile:
    """Record an export for ``actor`` and the job that builds it (after the commit). Params: ids and filters only."""
    spec = KINDS[kind]
    require(actor, spec.permission)
    export = ExportFile(kind=kind, title=title, params=params, requested_by_id=actor.user_id, status="queued",
                        created_at=utc_now())
    db.session.add(export)
    db.session.flush()
    audit.record(actor, "export", "export_file", export.id, changes={"kind": kind, "status": {"after": "queued"}})
    outbox.enqueue("export", {"export_id": export.id})
    return export


def get_export(actor: Actor, export_id: int) -> ExportFile:
    """The requester's own export; anyone else gets 404 (audited by the error handler)."""
    export = db.session.get(ExportFile, export_id)
    if export is None or export.requested_by_id != actor.user_id:
        raise NotFound("There is no such export", object_type="export_file", object_id=export_id)
    if export.status == "ready" and export.expires_at and export.expires_at <= utc_now():
        export.status = "expired"
    return export


def open_download(actor: Actor, export_id: int) -> tuple[ExportFile, Path | io.BytesIO]:
    """The file to send, audited; ExportGone once it has expired. A kind not kept after download is read into
    memory and its file deleted once the download is committed: it can be downloaded only once."""
    export = get_export(actor, export_id)
    path = export_dir() / export.storage_name if export.storage_name else None
    if export.status != "ready" or path is None or not path.exists():
        raise ExportGone("This file has expired or is not ready: make the export again from its page")
    export.downloaded_at = utc_now()
    audit.record(actor, "export", "export_file", export.id,
                 changes={"downloaded": True, "kind": export.kind, "sha256": export.sha256})
    spec = KINDS.get(export.kind)
    if spec is not None and not spec.keep_after_download:
        data = io.BytesIO(path.read_bytes())
        export.storage_name, export.status = None, "expired"
        after_commit(lambda: path.unlink(missing_ok=True))
        return export, data
    return export, path


def recent_exports(actor: Actor, limit: int = 10) -> list[ExportFile]:
    return list(db.session.scalars(select(ExportFile).where(ExportFile.requested_by_id == actor.user_id)
                                   .order_by(ExportFile.id.desc()).limit(limit)))


def build(export_id: int, commit_progress: Callable[[], None]) -> None:
    """The ``export`` job: build the file as its requester, keep it, and record it as ready (audited)."""
    from .. import uow  # noqa: F401  (the caller's unit of work commits progress through commit_progress)
    from ..models import User

    export = db.session.get(ExportFile, export_id)
    if export is None or export.status not in ("queued", "running"):
        return
    user = db.session.get(User, export.requested_by_id)
    actor = Actor.from_user(user)
    export.status = "running"
    commit_progress()

    def progress(done: int, total: int, label: str = "") -> None:
        export.progress_done, export.progress_total, export.progress_label = int(done), int(total), label[:120]
        commit_progress()

    built = KINDS[export.kind].build(export, actor, progress)
    folder = export_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    storage_name = f"{export.id}-{secrets.token_hex(8)}"
    path = folder / storage_name
    path.write_bytes(built.data)
    path.chmod(0o600)
    now = utc_now()
    export.storage_name = storage_name
    export.filename = built.filename
    export.content_type = built.content_type
    export.size_bytes = len(built.data)
    export.sha256 = hashlib.sha256(built.data).hexdigest()
    export.status = "ready"
    export.progress_done = export.progress_total = max(export.progress_total, 1)
    export.finished_at = now
    export.expires_at = now + timedelta(minutes=current_app.config["EXPORT_FILE_MINUTES"])
    from .actors import SYSTEM

    audit.record(SYSTEM, "update", "export_file", export.id,
                 changes={"status": {"before": "running", "after": "ready"}, "size_bytes": export.size_bytes,
                          "sha256": export.sha256})
    db.session.flush()


def mark_failed(export_id: int, message: str, final: bool) -> None:
    export = db.session.get(ExportFile, export_id)
    if export is not None and final:
        export.status = "failed"
        export.error = message
        export.finished_at = utc_now()


def expire_files() -> int:
    """Delete every kept file whose hour is up (the ``export-files`` sweep). The rows stay, marked expired."""
    now = utc_now()
    expired = list(db.session.scalars(select(ExportFile).where(ExportFile.storage_name.is_not(None),
                                                               ExportFile.expires_at <= now)))
    for export in expired:
        (export_dir() / export.storage_name).unlink(missing_ok=True)
        export.storage_name = None
        export.status = "expired"
    db.session.flush()
    return len(expired)
