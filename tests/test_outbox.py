"""The transactional outbox: a job commits with the change that asked for it, or not at all."""
import pytest
from sqlalchemy import func, select

from victimcare.extensions import db
from victimcare.models import OutboxJob
from victimcare.services import outbox
from victimcare.uow import unit_of_work


def _jobs():
    return db.session.scalar(select(func.count()).select_from(OutboxJob))


def test_a_job_is_dispatched_only_after_its_transaction_commits():
    woken = []
    outbox.register_dispatcher(woken.append)
    try:
        with unit_of_work():
            job = outbox.enqueue("staff-email", {"template": "test", "user_ids": [1], "context": {}})
            assert woken == []
        assert woken == [[job.id]]
    finally:
        outbox.unregister_dispatcher(woken.append)
    assert _jobs() == 1


def test_a_rolled_back_change_leaves_no_job_and_wakes_nobody():
    woken = []
    outbox.register_dispatcher(woken.append)
    try:
        with pytest.raises(RuntimeError):
            with unit_of_work():
                outbox.enqueue("staff-email", {"template": "test", "user_ids": [1], "context": {}})
                raise RuntimeError("the change failed")
    finally:
        outbox.unregister_dispatcher(woken.append)
    assert woken == [] and _jobs() == 0


def test_a_job_with_a_dedupe_key_is_recorded_once():
    with unit_of_work():
        assert outbox.enqueue("digest", {}, dedupe_key="digest:2026-12-01") is not None
    with unit_of_work():
        assert outbox.enqueue("digest", {}, dedupe_key="digest:2026-12-01") is None
    assert _jobs() == 1
