"""Sealing off the response path: one sealer thread per app process, woken after each commit that recorded an
audit event, seals everything waiting in one batch (``audit_chain.seal_pending``).

A request that recorded an event only sets a flag for this thread once it has committed, so its response does not
wait for the chain (before: three to five statements and a commit after every audited request, in the request).
While the thread seals, more requests commit and wake it again; it then seals all of theirs in the next batch, so
under load one sealing serves many requests. Sealers of several processes and servers take turns through the
chain's advisory lock exactly as before (the holder looks again once it lets go).

``AUDIT_SEAL_MODE`` chooses: ``background`` (this thread; the default), ``inline`` (seal straight after the commit,
in the request: the tests, which want the chain sealed when the request returns) or ``off`` (only the
``audit-seal`` sweep and ``flask audit seal``, for measuring). The sweep is the backstop in every mode: events whose
sealer died with its process (a crash, a kill) are sealed by it within minutes, and until then they are counted by
``audit verify`` and protected by the append-only trigger.
"""
import atexit
import logging
import os
import threading
import time

log = logging.getLogger(__name__)

MODES = ("background", "inline", "off")


def seal_mode(config) -> str:
    """The configured mode; the older switch AUDIT_SEAL_AFTER_COMMIT=0 still means off."""
    if not config.get("AUDIT_SEAL_AFTER_COMMIT", True):
        return "off"
    mode = config.get("AUDIT_SEAL_MODE", "background")
    return mode if mode in MODES else "background"


class BackgroundSealer:
    """A daemon thread sealing whatever waits each time it is woken. Started on the first wake in each process
    (a thread does not survive gunicorn's fork, so one started before it would be lost)."""

    gather_seconds = 0.05

    def __init__(self, engine):
        self.engine = engine
        self._wanted = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._lock = threading.Lock()
        self._requests = 0  # wakes asked for; the thread is idle only once it has sealed after the last one
        self._requests_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pid: int | None = None

    def wake(self) -> None:
        self._ensure_running()
        with self._requests_lock:
            self._requests += 1
            self._idle.clear()
        self._wanted.set()

    def _ensure_running(self) -> None:
        if self._thread is not None and self._pid == os.getpid() and self._thread.is_alive():
            return
        with self._lock:
            if self._thread is not None and self._pid == os.getpid() and self._thread.is_alive():
                return
            self._pid = os.getpid()
            self._wanted = threading.Event()
            self._thread = threading.Thread(target=self._run, name="audit-sealer", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        from .audit_chain import seal_pending

        while True:
            self._wanted.wait()
            # Let the next few requests' events arrive, and seal them in the same batch: one sealing (four or
            # five round trips and a commit) for several requests rather than one each, competing less with the
            # requests of this process for its CPU. Events wait this much longer; until sealed they are guarded
            # by the append-only trigger like any other.
            time.sleep(self.gather_seconds)
            self._wanted.clear()
            with self._requests_lock:
                asked = self._requests
            try:
                seal_pending(self.engine)
            except Exception as error:  # noqa: BLE001 (logged without event content; the sweep seals them)
                log.error("audit events not sealed by the sealer thread (%s); the audit-seal sweep will seal them",
                          type(error).__name__)
            with self._requests_lock:
                if self._requests == asked:  # no wake since this batch began: all asked for is sealed
                    self._idle.set()

    def drain(self, timeout: float = 10.0) -> bool:
        """Wait until everything this process asked to seal has been sealed (tests; process exit)."""
        if self._thread is None or self._pid != os.getpid():
            return True
        return self._idle.wait(timeout)


_SEALERS: dict[int, BackgroundSealer] = {}
_SEALERS_LOCK = threading.Lock()


def sealer_for(engine) -> BackgroundSealer:
    """The one sealer of this process for a database engine."""
    key = id(engine)
    sealer = _SEALERS.get(key)
    if sealer is None or sealer.engine is not engine:
        with _SEALERS_LOCK:
            sealer = _SEALERS.get(key)
            if sealer is None or sealer.engine is not engine:
                sealer = _SEALERS[key] = BackgroundSealer(engine)
    return sealer


def drain_all(timeout: float = 10.0) -> bool:
    return all([sealer.drain(timeout) for sealer in list(_SEALERS.values())])


@atexit.register
def _seal_before_exit() -> None:
    """A worker stopping gracefully (gunicorn's SIGTERM) finishes the sealing it was asked for."""
    drain_all(timeout=5.0)
