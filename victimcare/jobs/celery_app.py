"""The Celery app (``wsgi.celery``): ``celery -A wsgi.celery worker`` and ``celery -A wsgi.celery beat``.

Tasks are thin: each runs in the Flask app's context and calls the same functions the in-process dispatcher calls.
The outbox stays the record of what must happen; the broker only carries job ids.
"""
from celery import Celery, Task

from .. import uow


def init_celery(app) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                try:
                    return self.run(*args, **kwargs)
                finally:
                    uow.rollback()
                    from ..extensions import db

                    db.session.remove()

    broker = app.config.get("CELERY_BROKER_URL")
    celery = Celery("victimcare", task_cls=FlaskTask)
    celery.conf.update(
        broker_url=broker or "memory://",
        result_backend=app.config.get("CELERY_RESULT_BACKEND") or broker,
        task_ignore_result=True,
        task_default_queue=app.config["CELERY_QUEUE"],
        task_acks_late=True,
        worker_prefetch_multiplier=1,
        timezone="Europe/London",
        enable_utc=True,
        broker_connection_retry_on_startup=True,
        broker_connection_timeout=3,
        broker_transport_options={"socket_connect_timeout": 3, "socket_timeout": 10},
        worker_hijack_root_logger=False,
    )

    @celery.task(name="victimcare.run_job", shared=False)
    def run_job(job_id: int) -> str:
        from .runner import run_job as run

        return run(int(job_id))

    @celery.task(name="victimcare.relay", shared=False)
    def relay() -> int:
        return app.extensions["victimcare.jobs"].relay()

    @celery.task(name="victimcare.catch_up_schedules", shared=False)
    def catch_up_schedules() -> int:
        """Record any occurrence that has come but was not recorded: beat fires each schedule at its time, and a
        beat that was down at 03:00 would otherwise skip that night's sweeps. Firing is deduplicated per
        occurrence, so this does nothing when beat did fire."""
        from .schedule import fire_due

        with uow.unit_of_work():
            return fire_due()

    @celery.task(name="victimcare.fire_schedule", shared=False)
    def fire_schedule(name: str) -> bool:
        from .schedule import fire

        with uow.unit_of_work():
            return fire(name)

    return celery
