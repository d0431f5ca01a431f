"""The ``victim-message`` job kind: check the safe-contact rules again and send through GOV.UK Notify."""
from ..services import messages
from .registry import JobFailed, job_kind


def _failed(job, message, gave_up):
    if gave_up:
        messages.give_up(int(job.payload["message_id"]), message)


@job_kind("victim-message", retry_seconds=(60, 300, 1800), on_failure=_failed)
def send_victim_message(payload: dict, job) -> None:
    try:
        messages.send(int(payload["message_id"]))
    except messages.NotifyUnavailable as error:
        raise JobFailed(str(error)) from None
