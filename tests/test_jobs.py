"""Background jobs: the outbox runs through the same task functions eagerly (tests), in a thread (no broker), or
through Celery; a rolled-back change sends nothing, a broker that is down loses nothing, a job runs once."""
import time
from datetime import datetime, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import func, select

from victimcare.extensions import db
from victimcare.jobs import dispatch, runner, schedule
from victimcare.models import NotificationOptOut, OutboxJob
from victimcare.services import notifications, outbox
from victimcare.uow import unit_of_work

from .factories import make_user
from .mailbox import text_of


def _email(user_ids, **context):
    return outbox.enqueue("staff-email", {"template": "test", "user_ids": user_ids, "context": context})


def test_a_committed_email_arrives_over_smtp_with_a_link_under_the_base_url(app, mailbox):
    user = make_user("advocate", service="domestic-abuse")
    before = len(mailbox.messages)
    with unit_of_work():
        _email([user.id], note="hello")
    [message] = mailbox.since(before)
    assert message["Subject"] == "A test email from victimcare"
    assert user.email in message["To"]
    assert "This is a test message: hello." in text_of(message)
    assert "https://victimcare.example/account/notifications" not in text_of(message)  # essential: no opt-out link
    job = db.session.scalar(select(OutboxJob))
    assert job.done_at is not None and job.attempts == 1
    assert "context" not in job.payload  # a sent email's context (it may hold a one-time link) is not kept


def test_a_rolled_back_change_sends_no_email(app, mailbox):
    user = make_user("advocate", service="domestic-abuse")
    before = len(mailbox.messages)
    with pytest.raises(RuntimeError):
        with unit_of_work():
            _email([user.id])
            raise RuntimeError("the change failed")
    assert mailbox.since(before) == []
    assert db.session.scalar(select(func.count()).select_from(OutboxJob)) == 0


def test_the_same_job_processed_twice_sends_one_email(app, mailbox):
    user = make_user("advocate", service="domestic-abuse")
    dispatcher = app.extensions["victimcare.jobs"]
    app.extensions["victimcare.jobs"] = None  # record only
    try:
        with unit_of_work():
            job_id = _email([user.id]).id
    finally:
        app.extensions["victimcare.jobs"] = dispatcher
    before = len(mailbox.messages)
    assert runner.run_job(job_id) == "done"
    assert runner.run_job(job_id) == "skipped"
    assert len(mailbox.since(before)) == 1


def test_several_recipients_fan_out_so_a_retry_never_emails_anyone_twice(app, mailbox):
    users = [make_user("advocate", service="hate-crime") for _ in range(3)]
    before = len(mailbox.messages)
    mailbox.refuse_next(1)  # the first recipient's email meets a busy server
    with unit_of_work():
        _email([u.id for u in users])
    assert len(mailbox.since(before)) == 2
    waiting = db.session.scalar(select(OutboxJob).where(OutboxJob.done_at.is_(None)))
    assert waiting.attempts == 1 and "SMTP 451" in waiting.last_error
    with time_machine.travel(datetime.now(timezone.utc) + timedelta(seconds=61)):
        assert runner.run_due() == 1
    received = sorted(str(m["To"]) for m in mailbox.since(before))
    assert len(received) == 3 and all(any(u.email in to for to in received) for u in users)


def test_a_job_that_keeps_failing_is_given_up_and_kept_with_its_error(app, mailbox):
    user = make_user("advocate", service="hate-crime")
    with unit_of_work():
        job_id = outbox.enqueue("staff-email", {"template": "no-such-template", "user_ids": [user.id]}).id
    moment = datetime.now(timezone.utc)
    for _ in range(4):
        moment += timedelta(hours=3)
        with time_machine.travel(moment):
            runner.run_due()
    job = db.session.get(OutboxJob, job_id)
    assert job.failed_at is not None and job.attempts == 5
    assert "no-such-template" in job.last_error and "could not be rendered" in job.last_error


def test_people_who_turned_a_kind_off_do_not_get_it_but_essential_ones_always_arrive(app, mailbox):
    wants, declines = make_user("advocate", service="hate-crime"), make_user("advocate", service="hate-crime")
    db.session.add(NotificationOptOut(user_id=declines.id, kind="task-assigned"))
    db.session.add(NotificationOptOut(user_id=declines.id, kind="urgent-referral"))  # cannot be turned off
    db.session.commit()
    before = len(mailbox.messages)
    with unit_of_work():
        notifications.email_users("task-assigned", "test", [wants.id, declines.id])
        notifications.email_users("urgent-referral", "test", [wants.id, declines.id])
    received = [str(m["To"]) for m in mailbox.since(before)]
    assert sum(wants.email in to for to in received) == 2
    assert sum(declines.email in to for to in received) == 1
    optional = [m for m in mailbox.since(before) if wants.email in str(m["To"])]
    assert any("https://victimcare.example/account/notifications" in text_of(m) for m in optional)


def test_a_broker_that_is_down_loses_nothing(app, mailbox):
    """The job is committed with the change; publishing fails quietly; the relay (or a worker) sends it later."""
    from celery import Celery

    user = make_user("advocate", service="hate-crime")
    down = Celery("down", broker="redis://127.0.0.1:1/0")
    down.conf.update(broker_connection_timeout=1, broker_connection_retry=False,
                     broker_transport_options={"socket_connect_timeout": 1})
    eager = app.extensions["victimcare.jobs"]
    app.extensions["victimcare.jobs"] = dispatch.CeleryDispatcher(app, down)
    before = len(mailbox.messages)
    try:
        with unit_of_work():
            job_id = _email([user.id]).id
        assert app.extensions["victimcare.jobs"].relay(grace_seconds=0) == 0  # still down: nothing sent, nothing lost
    finally:
        app.extensions["victimcare.jobs"] = eager
    job = db.session.get(OutboxJob, job_id)
    assert job.done_at is None and job.dispatched_at is None and mailbox.since(before) == []
    assert runner.run_due() == 1  # the broker is back: a worker runs it
    assert len(mailbox.since(before)) == 1


def test_beat_catches_up_on_a_nightly_sweep_it_missed_while_it_was_down(app):
    celery = app.extensions["celery"]
    assert celery.conf.beat_schedule["catch-up-schedules"]["task"] == "victimcare.catch_up_schedules"
    catch_up = celery.tasks["victimcare.catch_up_schedules"]
    key = "schedule:sweep:staff-digest:2027-03-10"
    with time_machine.travel(datetime(2027, 3, 10, 10, 30, tzinfo=timezone.utc), tick=False):
        catch_up.apply()  # beat was down at 08:00; its first catch-up afterwards records the digest
        catch_up.apply()  # and a second records nothing more
    assert list(db.session.scalars(select(OutboxJob.dedupe_key).where(OutboxJob.dedupe_key == key))) == [key]
    with time_machine.travel(datetime(2027, 3, 11, 7, 30, tzinfo=timezone.utc), tick=False):
        catch_up.apply()  # before the next day's 08:00: the 11th's digest is not due yet
    assert db.session.scalar(select(OutboxJob).where(
        OutboxJob.dedupe_key == "schedule:sweep:staff-digest:2027-03-11")) is None


def test_the_in_process_dispatcher_thread_sends_after_the_commit(app, mailbox):
    user = make_user("advocate", service="hate-crime")
    eager = app.extensions["victimcare.jobs"]
    thread = dispatch.ThreadDispatcher(app)
    app.extensions["victimcare.jobs"] = thread
    thread.start()
    before = len(mailbox.messages)
    try:
        with unit_of_work():
            _email([user.id])
        deadline = time.monotonic() + 10
        while not mailbox.since(before) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        thread.stop()
        app.extensions["victimcare.jobs"] = eager
    assert len(mailbox.since(before)) == 1


def test_the_thread_dispatcher_is_not_started_by_cli_commands_or_before_the_first_request(app):
    thread = dispatch.ThreadDispatcher(app)
    thread([1])  # a commit in a CLI command wakes nobody: its jobs wait for a serving process or a worker
    assert not thread.running


def test_a_daily_schedule_fires_once_per_day_from_its_london_time(app):
    digest = schedule.SCHEDULES["sweep:staff-digest"]
    winter_morning = datetime(2026, 12, 7, 7, 59, tzinfo=timezone.utc)  # 07:59 in London (GMT)
    assert schedule.occurrence(digest, winter_morning) is None
    assert schedule.occurrence(digest, winter_morning + timedelta(minutes=1)) == "2026-12-07"
    summer_morning = datetime(2026, 6, 8, 7, 0, tzinfo=timezone.utc)  # 08:00 in London (BST)
    assert schedule.occurrence(digest, summer_morning) == "2026-06-08"
    with unit_of_work():
        assert schedule.fire("sweep:staff-digest", winter_morning + timedelta(hours=2))
        assert not schedule.fire("sweep:staff-digest", winter_morning + timedelta(hours=3))
    keys = list(db.session.scalars(select(OutboxJob.dedupe_key).where(OutboxJob.kind == "sweep")))
    assert keys == ["schedule:sweep:staff-digest:2026-12-07"]


def test_celery_beat_runs_the_same_schedules_in_london_time_and_relays_due_jobs(app):
    celery = app.extensions["celery"]
    beat = celery.conf.beat_schedule
    assert celery.conf.timezone == "Europe/London"
    assert beat["sweep:staff-digest"]["schedule"].hour == {8} and beat["sweep:staff-digest"]["schedule"].minute == {0}
    assert beat["relay-due-jobs"]["task"] == "victimcare.relay"
    assert {"victimcare.run_job", "victimcare.relay", "victimcare.fire_schedule"} <= set(celery.tasks)


def test_a_service_chooses_whether_all_advocates_or_only_leads_hear_of_new_cases(runner):
    from victimcare.models import AuditEvent, Service

    result = runner.invoke(args=["jobs", "new-case-emails", "hate-crime", "leads"])
    assert result.exit_code == 0 and "emailed to its leads" in result.output
    assert db.session.scalar(select(Service.new_case_notify).where(Service.slug == "hate-crime")) == "leads"
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.object_type == "service")) is not None
    assert runner.invoke(args=["jobs", "new-case-emails", "no-such-service", "leads"]).exit_code == 1


def test_a_sweep_that_fails_is_recorded_retried_and_reported_to_administrators(app, mailbox):
    from victimcare.jobs import sweeps
    from victimcare.models import SweepRun

    admin = make_user("admin")

    def broken():
        raise RuntimeError("the disk is full")

    sweeps.SWEEPS["broken"] = sweeps.Sweep("broken", "A broken sweep", "For a test", broken)
    try:
        with unit_of_work():
            outbox.enqueue("sweep", {"sweep": "broken"})
        moment = datetime.now(timezone.utc)
        for _ in range(4):
            moment += timedelta(hours=3)
            with time_machine.travel(moment):
                runner.run_due()
    finally:
        del sweeps.SWEEPS["broken"]
    runs = list(db.session.scalars(select(SweepRun).order_by(SweepRun.id)))
    assert [r.status for r in runs] == ["failed"] * 4 + ["gave-up"]
    assert runs[0].error == "RuntimeError (details in the application log)"
    [alert] = mailbox.to(admin.email)
    assert alert["Subject"] == "A scheduled sweep failed: A broken sweep"


def test_the_digest_tells_each_advocate_their_due_work_and_each_lead_the_service(app, mailbox):
    from victimcare.domain.clock import london_today
    from victimcare.jobs.sweeps import SWEEPS
    from victimcare.models import Task

    from .factories import make_referral_with_case

    today = london_today()
    advocate = make_user("advocate", service="domestic-abuse")
    lead = make_user("advocate", service="domestic-abuse", is_lead=True)
    idle = make_user("advocate", service="domestic-abuse")
    overdue = make_referral_with_case("domestic-abuse", assigned_to_id=advocate.id,
                                      first_contact_due=today - timedelta(days=2))
    make_referral_with_case("domestic-abuse", assigned_to_id=advocate.id, first_contact_due=today)
    make_referral_with_case("domestic-abuse", first_contact_due=today + timedelta(days=3))  # new, unassigned
    db.session.add(Task(case_id=overdue.id, title="Ring back", due_on=today, assigned_to_id=advocate.id))
    db.session.commit()
    before = len(mailbox.messages)
    with unit_of_work():
        counts = SWEEPS["staff-digest"].run()
    assert counts == {"emails": 2, "advocates": 1, "leads": 1}
    sent = {str(m["To"]): m for m in mailbox.since(before)}
    mine = next(m for to, m in sent.items() if advocate.email in to)
    body = text_of(mine)
    assert mine["Subject"] == "Your victimcare digest: 3 things due today or overdue"
    assert "First contacts due today: 1" in body and "First contacts overdue: 1" in body
    assert "Tasks due today: 1" in body
    summary = text_of(next(m for to, m in sent.items() if lead.email in to))
    assert "New cases not yet assigned: 1" in summary and "First contacts overdue: 1" in summary
    assert not any(idle.email in to for to in sent)
    with unit_of_work():  # a retried sweep sends nobody a second digest
        SWEEPS["staff-digest"].run()
    assert len(mailbox.since(before)) == 2


def test_looking_for_due_jobs_ends_its_read_with_a_commit_not_a_rollback(app):
    """psycopg forgets every statement it has prepared on a connection when that connection rolls back: the
    in-process dispatcher's look for due jobs, every few seconds, must not undo the pool's prepared statements."""
    from sqlalchemy import event

    from victimcare import uow

    rolled_back = []

    def on_rollback(connection):
        rolled_back.append(connection)

    event.listen(db.engine, "rollback", on_rollback)
    try:
        assert runner.run_due() == 0
        db.session.scalar(select(func.min(OutboxJob.available_at)))
        uow.end_read()
    finally:
        event.remove(db.engine, "rollback", on_rollback)
    assert rolled_back == []


def test_ending_a_read_refuses_to_commit_unsaved_changes(app):
    from victimcare import uow

    db.session.add(NotificationOptOut(user_id=1, kind="new-case"))
    with pytest.raises(RuntimeError):
        uow.end_read()
    db.session.rollback()
