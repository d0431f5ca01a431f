"""Background work: the outbox's jobs run by Celery workers (with a broker) or by a thread in the app (without).

- ``registry``: job kinds and their retry delays; ``runner``: runs one job idempotently; ``dispatch``: eager,
  thread and Celery dispatchers; ``schedule``: recurring jobs; ``celery_app``: ``wsgi.celery``.
- Job kinds live beside what they do: ``staff_email`` (mail), ``sweeps``, ``webhooks``, ``messages``, ``exports``.

``register(app)`` picks the dispatcher: Celery when CELERY_BROKER_URL is set; eager when JOBS_EAGER (tests);
otherwise the in-process thread, started by the first request the app serves.
"""
from flask import Flask

from .registry import KINDS, JobFailed, Postpone, job_kind  # noqa: F401


def register(app: Flask) -> None:
    from . import exports, messages, staff_email, sweeps, webhooks  # noqa: F401  (register their job kinds)
    from .celery_app import init_celery
    from .dispatch import CeleryDispatcher, EagerDispatcher, ThreadDispatcher

    celery = init_celery(app)
    app.extensions["celery"] = celery
    if app.config.get("CELERY_BROKER_URL"):
        dispatcher = CeleryDispatcher(app, celery)
    elif app.config.get("JOBS_EAGER"):
        dispatcher = EagerDispatcher(app)
    else:
        dispatcher = ThreadDispatcher(app)

        @app.before_request
        def start_job_dispatcher():
            dispatcher.start()

    app.extensions["victimcare.jobs"] = dispatcher
    celery.conf.beat_schedule = _beat_schedule(app)


def _beat_schedule(app):
    from .schedule import beat_schedule

    with app.app_context():
        return beat_schedule()
