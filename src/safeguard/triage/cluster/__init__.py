"""Triage on a Dask cluster (`safeguard triage ... --cluster tcp://scheduler:8786`).

The coordinating process (the one the examiner started) walks the evidence, keeps the
journal, matches and writes the reports, exactly as on one machine; the cluster's
workers do the per-item work — reading, digests, picture and video hashing, archives —
in batches sized in bytes, reading the evidence themselves from shared storage at the
same path. What comes back is journal rows (batches.py), so the reports are those of a
run on one machine, byte for byte.

- Before any work, every worker fingerprints each evidence item it will read (cluster/
  evidence.py) and the run starts only if all agree; a worker that joins later checks
  on its first batch.
- A batch is journalled only when it comes back whole: a worker lost mid-batch loses
  nothing, the scheduler gives its batches to another worker (a batch that kills
  `distributed.scheduler.allowed-failures` workers stops the run, naming its items).
- The coordinator killed: `--resume` finishes the run from its journal, as on one machine.

What the workers read themselves: the files of folders and loose files, and the files of
raw and E01 disk images found again by partition and inode (the workers keep the image
open). Everything else (other image formats, encrypted volumes, carved files) is examined
on the coordinator's threads: keys never leave this machine.
"""

from __future__ import annotations

import os
import time
import uuid
from typing import Any

from ..batches import Batch, ExamineSettings
from ..dispatch import Dispatcher, RunState
from ..errors import EvidenceError, ResumeRefused, UsageError
from ..evidence import Source
from ..records import FileEntry
from .evidence import Fingerprint, difference, fingerprint, fingerprints
from .tasks import run_batch

# distributed's Client and Future are untyped (Any here): only their documented calls.
Client = Any
Future = Any

# Seconds to reach the scheduler, and to wait for a first worker.
CONNECT_SECONDS = 30
# Batches in flight: this many for each thread of the cluster's workers.
IN_FLIGHT_PER_THREAD = 2


class DaskCluster(Dispatcher):
    # A batch's round trip costs the coordinator and the scheduler milliseconds of CPU:
    # batches grow larger than a local worker's (docs/benchmarks.md, "Triage on a Dask
    # cluster").
    MIN_FILES = 32
    BATCH_FILES = 2048
    MIN_BYTES = 8 * 1024 * 1024
    BATCH_BYTES = 64 * 1024 * 1024
    PORTABLE = True

    def __init__(self, address: str, run: RunState, settings: ExamineSettings,
                 sources: list[tuple[int, Source]], *, keys: bool) -> None:
        super().__init__(run, settings)
        self.address = address
        self.client = _connect(address)
        try:
            self.items: dict[int, tuple[list[str], list[Fingerprint]]] = {}
            for position, source in sources:
                paths = _paths_to_check(source, keys)
                if paths is not None:
                    self.items[position] = (paths, fingerprints(paths))
            self._check_workers()
        except BaseException:
            self.client.close()
            raise
        self.token = uuid.uuid4().hex
        self.in_flight: dict[Future, Batch] = {}
        self.threads = 1
        self.threads_at = 0.0

    # -- checks -------------------------------------------------------------------------

    def _check_workers(self) -> None:
        for paths, mine in self.items.values():
            seen = self.client.run(fingerprints, paths, on_error="return")
            for worker, theirs in sorted(seen.items()):
                if isinstance(theirs, BaseException):
                    raise UsageError(f"the cluster's worker {worker} could not check the "
                                     f"evidence: {theirs}")
                for path, a, b in zip(paths, mine, theirs, strict=True):
                    problem = difference(path, a, b)
                    if problem:
                        raise UsageError(
                            f"the cluster's worker {worker} does not see the evidence this "
                            f"run reads: {problem}. Every worker must read the same evidence "
                            "at the same path (shared storage)")

    # -- the dispatcher -----------------------------------------------------------------

    def readable(self, position: int, entry: FileEntry) -> bool:
        if position not in self.items:
            return False
        if entry.local_path is not None:
            return True
        # A disk image's file, found again on the worker by partition and inode.
        return entry.address.inode.isdigit() and not entry.carved and not entry.address.archive

    def evidence_path(self, source: Source) -> str:
        return os.path.abspath(source.path)

    def slots(self) -> int:
        # Workers come and go: look again now and then.
        if time.monotonic() - self.threads_at > 5:
            workers = self.client.scheduler_info().get("workers", {})
            threads = max(1, sum(int(w.get("nthreads", 1)) for w in workers.values()))
            if threads != self.threads or not self.threads_at:
                self.run.progress.workers(threads, self.address)
            self.threads = threads
            self.threads_at = time.monotonic()
        return self.threads

    def _in_flight_limit(self) -> int:
        return max(2, IN_FLIGHT_PER_THREAD * self.slots())

    def _send(self, batch: Batch) -> None:
        while len(self.in_flight) >= self._in_flight_limit():
            self._collect(block=True)
        paths, expected = self.items[batch.position]
        future = self.client.submit(run_batch, batch, self.settings, paths, expected,
                                    key=f"safeguard-batch-{self.token}-{batch.number}",
                                    pure=False)
        self.in_flight[future] = batch

    def _busy(self) -> bool:
        return bool(self.in_flight)

    def _collect(self, block: bool) -> None:
        from distributed import wait

        wait_for: Any = wait
        done = [f for f in self.in_flight if f.done()]
        if not done and block and self.in_flight:
            try:
                with self.client.as_current():  # distributed.wait asks for the current one
                    wait_for(list(self.in_flight), timeout=self.run.commit_seconds,
                             return_when="FIRST_COMPLETED")
            except TimeoutError:
                return
            done = [f for f in self.in_flight if f.done()]
        if not done:
            return
        for future in done:
            if future.status != "finished":
                self._failed(future)
        # One round trip for every batch that is back.
        outcomes = self.client.gather(done)
        for future, outcome in zip(done, outcomes, strict=True):
            batch = self.in_flight.pop(future)
            future.release()
            self._arrived(outcome, batch)

    def _failed(self, future: Future) -> None:
        batch = self.in_flight[future]
        error = future.exception()
        if isinstance(error, (ResumeRefused, UsageError)):
            raise error
        from distributed import KilledWorker

        if isinstance(error, KilledWorker):
            raise EvidenceError(
                f"{batch.describe()}: the cluster's workers examining these items died, "
                "more than the scheduler's allowed failures: the run stops; what was done is "
                "journalled (--resume retries the rest)")
        raise RuntimeError(f"the cluster failed examining {batch.describe()}: "
                           f"{type(error).__name__}: {error}")

    def close(self) -> None:
        try:
            if self.in_flight:
                self.client.cancel(list(self.in_flight))
            self.in_flight.clear()
        finally:
            self.client.close()


def _connect(address: str) -> Client:
    try:
        import distributed
    except ImportError as exc:  # pragma: no cover - a dependency of the package
        raise UsageError(f"--cluster needs the dask and distributed packages ({exc})") from exc
    try:
        connect: Any = distributed.Client
        client: Client = connect(address, timeout=CONNECT_SECONDS, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise UsageError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    try:
        client.wait_for_workers(1, timeout=CONNECT_SECONDS)
    except TimeoutError:
        client.close()
        raise UsageError(f"the Dask scheduler at {address} has no workers") from None
    return client


def _paths_to_check(source: Source, keys: bool) -> list[str] | None:
    """The files (or folder) a worker reads for `source`; None: not sent to the cluster."""
    from ..evidence.directory import DirectorySource, FileSource
    from ..evidence.ewf import EwfSource
    from ..evidence.tsk import RawImageSource

    if isinstance(source, DirectorySource | FileSource):
        return [os.path.abspath(source.path)]
    if type(source) in (RawImageSource, EwfSource) and not keys:
        return [os.path.abspath(p) for p in source.files()] or None
    return None


__all__ = ["DaskCluster", "fingerprint"]
