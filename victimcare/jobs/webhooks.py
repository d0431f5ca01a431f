"""The ``webhook-delivery`` job kind: one signed POST of one event to one partner endpoint."""
from flask import current_app

from .. import uow
from ..services import webhooks
from .registry import JobFailed, job_kind


def _failed(job, message, gave_up):
    webhooks.record_gave_up(int(job.payload["delivery_id"]), job.available_at, gave_up)


@job_kind("webhook-delivery", retry_seconds=lambda: current_app.config["WEBHOOK_RETRY_SECONDS"], on_failure=_failed)
def deliver(payload: dict, job) -> None:
    outcome, error = webhooks.deliver(int(payload["delivery_id"]))
    if outcome == "failed":
        uow.commit()  # keep the failed attempt in the delivery log, then let the runner schedule the retry
        raise JobFailed(error)
