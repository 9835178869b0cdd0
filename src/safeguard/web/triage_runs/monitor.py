"""The worker's eyes on a running job: the engine's ProgressSink, the heartbeat, and the
cancel switch.

The engine calls `advance()` from its worker threads many times a second; the counts
are kept in memory and written to the job row at most every `interval` seconds (default
0.5) by a small thread of the monitor's own, which also writes a heartbeat while the
engine is busy without calling back (matching, report writing, the import) so that the
job is not mistaken for abandoned. When a cancel is asked for, or the job was taken over
by another worker, the next `advance()` on the thread that runs the triage raises, and
the run stops (its journal stays, so nothing is lost for a later run).

With SQLite in memory (the tests), a second connection would fight the test's own for
table locks, so the writes happen on the triage's thread instead (`threaded=False`).
"""

from __future__ import annotations

import logging
import threading
import time
from types import TracebackType

from django.db import DatabaseError, connection

from . import run_queue
from .models import JobStage

log = logging.getLogger("safeguard.worker")


class JobStopped(Exception):
    """The run must stop: cancelled, or no longer this worker's."""


class JobCancelled(JobStopped):
    pass


class JobLost(JobStopped):
    pass


def _in_memory_database() -> bool:
    in_memory = getattr(connection, "is_in_memory_db", None)
    return connection.vendor == "sqlite" and in_memory is not None and bool(in_memory())


class JobMonitor:
    """A ProgressSink (safeguard.triage) that writes to the TriageJob row."""

    def __init__(
        self,
        job_pk: int,
        worker: str,
        *,
        interval: float = 0.5,
        heartbeat_every: float = 10.0,
        threaded: bool | None = None,
    ) -> None:
        self.job_pk = job_pk
        self.worker = worker
        self.interval = interval
        self.heartbeat_every = heartbeat_every
        self.threaded = (not _in_memory_database()) if threaded is None else threaded
        self.files = 0
        self.nbytes = 0
        self.total: int | None = None
        self.stage: str = JobStage.WAITING
        self.examiners: int | None = None
        self.examined_on = ""
        self.writes = 0
        self._lock = threading.Lock()
        self._dirty = True
        self._stop: JobStopped | None = None
        self._owner: int | None = None
        self._last_write = 0.0
        self._done = threading.Event()
        self._thread: threading.Thread | None = None

    # The job's lifetime --------------------------------------------------------------

    def __enter__(self) -> JobMonitor:
        self._owner = threading.get_ident()
        if self.threaded:
            self._thread = threading.Thread(
                target=self._run, name=f"job-{self.job_pk}-monitor", daemon=True
            )
            self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._done.set()
        if self._thread is not None:
            self._thread.join()

    def set_stage(self, stage: str) -> None:
        with self._lock:
            self.stage = stage
            self._dirty = True
        self._inline(force=True)

    def check(self) -> None:
        """Raise JobCancelled or JobLost if the run must stop."""
        if self._stop is not None:
            raise self._stop

    # ProgressSink --------------------------------------------------------------------

    def start(self, total_bytes: int | None) -> None:
        with self._lock:
            self.total = total_bytes
            self.stage = JobStage.EXAMINING
            self._dirty = True
        self._inline(force=True)

    def advance(self, files: int = 0, nbytes: int = 0) -> None:
        with self._lock:
            self.files += files
            self.nbytes += nbytes
            self._dirty = True
        if threading.get_ident() == self._owner:
            # Only the triage's own thread stops the run: an exception raised in one of
            # the engine's examine threads could be taken for a damaged file.
            self._inline()
            self.check()

    def workers(self, count: int, where: str) -> None:
        with self._lock:
            self.examiners, self.examined_on = count, where[:300]
            self._dirty = True

    def close(self) -> None:
        # The walk is over; matching and the reports follow.
        self.set_stage(JobStage.MATCHING)

    # Writing -------------------------------------------------------------------------

    def _inline(self, force: bool = False) -> None:
        # Progress is written by the monitor's thread when there is one; a change of stage
        # (forced) is written at once from the triage's own thread as well, so that what
        # a short run set (its stage, who examined it) is not lost between two ticks.
        if threading.get_ident() == self._owner and (force or not self.threaded):
            self.tick(force)

    def tick(self, force: bool = False) -> None:
        """Write progress if due (and changed) or a heartbeat if due; look for a cancel."""
        now = time.monotonic()
        since = now - self._last_write
        if not force and since < self.interval:
            return
        with self._lock:
            if not (self._dirty or force or since >= self.heartbeat_every):
                return
            fields: dict[str, object] = {
                "files_done": self.files,
                "bytes_done": self.nbytes,
                "bytes_total": self.total,
                "stage": self.stage,
                "examiners": self.examiners,
                "examined_on": self.examined_on,
            }
            self._dirty = False
        self._last_write = now
        self.writes += 1
        if run_queue.heartbeat(self.job_pk, self.worker, **fields):
            if self._stop is None and run_queue.cancel_requested(self.job_pk):
                self._stop = JobCancelled("cancelled at a user's request")
        else:
            self._stop = JobLost("the job was taken over by another worker")

    def _run(self) -> None:
        try:
            while not self._done.wait(self.interval):
                try:
                    self.tick()
                except DatabaseError as exc:  # a busy database: try again next tick
                    log.warning("job %s: progress not written: %s", self.job_pk, exc)
        finally:
            connection.close()
