"""Scheduled sweeps: a registry other areas add to, each run recorded with its counts for administrators.

A sweep is ``run() -> {"what": count, ...}`` registered with ``@sweep(NAME, LABEL, daily_at="03:00")`` (or
``every_minutes=15``). It runs as an outbox job of kind ``sweep`` inside a unit of work: what it changes commits
with its SweepRun row, or not at all. A failed attempt is recorded (status "failed", with a safe message) and
retried; after the last retry the run is "gave-up" and the administrators are emailed. Nothing fails silently.

Planned entries from other areas plug in the same way (``retention``, ``audit-checkpoint``, ``invitation-links``,
``referral-drafts``): import their module from ``register_sweeps`` below.
"""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete

from ..domain.clock import london_today, utc_now
from ..extensions import db
from ..models import IdempotencyRecord, OutboxJob, SweepRun
from ..services import account_links, digest, exports, lockout, notifications, sessions
from .registry import job_kind
from .schedule import add_schedule

SWEEP_RETRY_SECONDS = (60, 300, 1800, 7200)


@dataclass(frozen=True)
class Sweep:
    name: str
    label: str
    description: str
    run: Callable[[], dict]


SWEEPS: dict[str, Sweep] = {}


def sweep(name: str, label: str, description: str = "", *, daily_at=None, every_minutes: int | None = None):
    """Register ``run() -> counts`` as a sweep with its schedule (London time)."""

    def decorator(run):
        SWEEPS[name] = Sweep(name, label, description, run)
        add_schedule(f"sweep:{name}", "sweep", {"sweep": name}, daily_at=daily_at, every_minutes=every_minutes)
        return run

    return decorator


def _sweep_failed(job: OutboxJob, message: str, gave_up: bool) -> None:
    name = (job.payload or {}).get("sweep", "?")
    db.session.add(SweepRun(sweep=name, job_id=job.id, attempt=job.attempts, started_at=utc_now(),
                            finished_at=utc_now(), status="gave-up" if gave_up else "failed", error=message))
    current_app.logger.error("sweep %s failed (attempt %s): %s", name, job.attempts, message)
    if gave_up:
        label = SWEEPS[name].label if name in SWEEPS else name
        notifications.email_users("system-alert", "sweep_failed", notifications.users_with_role("admin"),
                                  {"sweep": label, "attempts": job.attempts, "error": message},
                                  dedupe_key=f"sweep-failed:{job.id}")


@job_kind("sweep", retry_seconds=SWEEP_RETRY_SECONDS, on_failure=_sweep_failed)
def run_sweep(payload: dict, job: OutboxJob) -> None:
    entry = SWEEPS[payload["sweep"]]
    started = utc_now()
    counts = entry.run() or {}
    db.session.add(SweepRun(sweep=entry.name, job_id=job.id, attempt=job.attempts, started_at=started,
                            finished_at=utc_now(), status="succeeded", counts=counts))
    db.session.flush()


# --- The sweeps of this version -------------------------------------------------------------------------------

@sweep("staff-digest", "Daily digest to staff", "Emails each advocate their due first contacts and tasks, and "
       "each lead the service's summary.", daily_at=lambda: current_app.config["DIGEST_TIME"])
def staff_digest() -> dict:
    return digest.send_digest(london_today())


@sweep("subject-access-due", "Data-rights requests due soon", "Emails each data protection officer the open "
       "requests they work on that are due within 5 working days (request numbers and deadlines only).",
       daily_at="07:30")
def subject_access_due() -> dict:
    from ..services import data_rights

    return data_rights.remind_due(london_today())


@sweep("idempotency-replies", "Expired API idempotency replies",
       "Deletes stored replies to Idempotency-Key requests older than IDEMPOTENCY_KEY_HOURS.", daily_at="03:10")
def expired_idempotency_replies() -> dict:
    cutoff = utc_now() - timedelta(hours=current_app.config["IDEMPOTENCY_KEY_HOURS"])
    result = db.session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.created_at < cutoff))
    return {"deleted": result.rowcount or 0}


@sweep("finished-jobs", "Finished background jobs", "Deletes outbox jobs done more than 7 days ago (failed ones "
       "stay for administrators).", daily_at="03:20")
def finished_jobs() -> dict:
    cutoff = utc_now() - timedelta(days=7)
    result = db.session.execute(delete(OutboxJob).where(OutboxJob.done_at < cutoff))
    return {"deleted": result.rowcount or 0}


@sweep("expired-sessions", "Ended sign-in sessions", "Deletes sign-in sessions past the idle timeout or "
       "SESSION_ABSOLUTE_HOURS that nobody came back to, and day-old counts of failed sign-ins.", every_minutes=60)
def expired_sessions() -> dict:
    return {"deleted": sessions.sweep_expired(), "stale lockout counts": lockout.sweep_stale()}


@sweep("export-files", "Expired export files", "Deletes export files an hour (EXPORT_FILE_MINUTES) after they "
       "were made, downloaded or not.", every_minutes=15)
def expired_export_files() -> dict:
    return {"deleted": exports.expire_files()}


@sweep("referral-drafts", "Expired referral drafts", "Deletes half-written referrals (encrypted rows of "
       "referral_drafts) untouched for longer than the idle timeout; a user's drafts are also deleted when they "
       "sign out.", every_minutes=15)
def expired_referral_drafts() -> dict:
    from ..services import referrals

    return {"deleted": referrals.sweep_expired_drafts()}


@sweep("audit-seal", "Audit events sealed into the chain", "Seals audit events that were not sealed straight "
       "after their commit (a sealer failed or the app stopped), so `audit verify` covers them.", every_minutes=5)
def audit_seal() -> dict:
    from ..services import audit

    return {"sealed": audit.seal_in_transaction()}


@sweep("audit-checkpoint", "Signed audit checkpoint", "Verifies the audit chain and writes a checkpoint signed "
       "with AUDIT_SIGNING_KEY_FILE to AUDIT_CHECKPOINT_DIR, for shipping to a store the database's users cannot "
       "write. Does nothing while AUDIT_SIGNING_KEY_FILE is unset.", daily_at="02:30")
def audit_checkpoint() -> dict:
    from ..services import audit_checkpoints

    if not current_app.config.get("AUDIT_SIGNING_KEY_FILE"):
        return {"written": 0}
    checkpoint = audit_checkpoints.make_checkpoint()  # a broken chain raises: the run fails and admins hear
    audit_checkpoints.write_checkpoint(checkpoint)
    return {"written": 1, "last event": checkpoint["seq"]}


@sweep("invitation-links", "Expired invitation and password reset links",
       "Deletes one-time account links a day after they expired or were used (INVITE_HOURS, PASSWORD_RESET_HOURS).",
       daily_at="03:30")
def expired_account_links() -> dict:
    return account_links.sweep_expired()


@sweep("retention", "Retention schedule", "Purges the personal data of everyone past their retention date "
       "(RETENTION_* settings) who is not on a legal hold, keeping the anonymous figures the reports need; the same "
       "as `flask retention run`.", daily_at="02:00")
def retention_schedule() -> dict:
    from ..services import retention

    summary = retention.run(london_today(), dry_run=False)
    # People whose purge failed were left untouched (and logged) while the rest were purged: raising would roll
    # the whole run back, so the failures show in the run's counts on the background jobs page instead.
    return {"people": summary.people, "records": summary.records, "held": len(summary.held),
            "failed": summary.failed}
