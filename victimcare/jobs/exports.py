"""The ``export`` job kind: build a file for the person who asked (services/exports.py)."""
from .. import uow
from ..services import exports
from .registry import job_kind


def _failed(job, message, gave_up):
    exports.mark_failed(int(job.payload["export_id"]), message, gave_up)


@job_kind("export", retry_seconds=(10, 60), on_failure=_failed)
def build_export(payload: dict, job) -> None:
    # Progress commits as it goes so the progress page sees it; the job's own row is marked done at the end.
    exports.build(int(payload["export_id"]), uow.commit)
