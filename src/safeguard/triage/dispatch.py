"""Sending the walk's items away to be examined, and journalling what comes back.

The pipeline walks the evidence and hands its entries, a few dozen at a time, to a
dispatcher: the entries its workers can read (a file of a folder by its path, a disk
image's file by its address where the workers open the image themselves) go into
batches sized in bytes, a bounded number in flight; the rest stay with the pipeline's
threads. What comes back is the journal's own rows, committed in the pipeline's steps
(COMMIT_RECORDS records or COMMIT_SECONDS), an item's rows whole or not at all.

Two kinds: worker processes on this machine (workers.py, the default for folders and
loose files), and a Dask cluster's workers (cluster/, `--cluster`).
"""

from __future__ import annotations

import abc
import itertools
import multiprocessing
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .batches import Batch, BatchOutcome, DoneKeys, ExamineSettings
from .evidence import Source
from .records import FileEntry

if TYPE_CHECKING:
    from .journal import Journal, RecordRow, WarningRow
    from .outdir import OutputFolder
    from .pipeline import ProgressSink, TriageOptions


@dataclass
class RunState:
    """What a dispatcher needs of the run it serves."""

    journal: Journal
    progress: ProgressSink
    # Items examined and skipped (members done before, on a resumed run), for runs.jsonl.
    count: Callable[[int, int], None]
    done: dict[str, str]
    # A self-digesting item came back: (position, source, its digests).
    own_read: Callable[[int, Source, dict[str, str]], None]
    commit_records: int
    commit_seconds: float


class Dispatcher(abc.ABC):
    # A batch closes at this many files or bytes, whichever comes first. The first
    # batches are small, so that every worker starts at once and a small item is spread
    # over them all; they grow with what has been sent (a share of it for each worker)
    # up to the most, where the cost of a batch's round trip stops mattering.
    MIN_FILES = 16
    BATCH_FILES = 128
    MIN_BYTES = 2 * 1024 * 1024
    BATCH_BYTES = 16 * 1024 * 1024
    # Paths in batches made absolute: the workers run elsewhere.
    PORTABLE = False

    def __init__(self, run: RunState, settings: ExamineSettings) -> None:
        self.run = run
        self.settings = settings
        self.sources: dict[int, Source] = {}
        self.pending: dict[int, Batch] = {}
        # The most files and bytes of each pending batch, fixed when it was begun.
        self.limits: dict[int, tuple[int, int]] = {}
        self.numbers = itertools.count(1)
        self.done_keys = DoneKeys(run.done) if run.done else None
        self.rows: list[RecordRow] = []
        self.warnings: list[WarningRow] = []
        self.last_commit = time.monotonic()
        self.sent_files = 0
        self.sent_bytes = 0
        self.batches_sent = 0

    # -- what a kind of dispatcher provides ----------------------------------------------

    @abc.abstractmethod
    def readable(self, position: int, entry: FileEntry) -> bool:
        """Whether the workers can read this entry (of the evidence item at `position` of
        the run) themselves."""

    @abc.abstractmethod
    def _send(self, batch: Batch) -> None:
        """Send a batch; may wait (calling `_collect`) while too many are in flight."""

    @abc.abstractmethod
    def _collect(self, block: bool) -> None:
        """Take what has come back (waiting up to COMMIT_SECONDS when `block`), passing
        each outcome to `_arrived`."""

    @abc.abstractmethod
    def _busy(self) -> bool:
        """Whether any batch is still out."""

    @abc.abstractmethod
    def slots(self) -> int:
        """How many batches the workers examine at once."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Stop the workers (the run ended, or failed)."""

    def evidence_path(self, source: Source) -> str:
        """The path the workers open `source` by (its entries without a local path)."""
        return str(source.path)

    # -- the pipeline's side ------------------------------------------------------------

    def take(self, position: int, source: Source, entries: list[FileEntry]) -> list[FileEntry]:
        """Send away the entries the workers can read; return the others."""
        left: list[FileEntry] = []
        self.sources[position] = source
        readable, done_keys, portable = self.readable, self.done_keys, self.PORTABLE
        batch = self.pending.get(position)
        for entry in entries:
            if not readable(position, entry):
                left.append(entry)
                continue
            if batch is None:
                batch = self.pending[position] = Batch(
                    next(self.numbers), position, self.evidence_path(source),
                    self_digesting=source.SELF_DIGESTING)
                self.limits[position] = (self.files_limit, self.bytes_limit)
            batch.add(entry, done_keys.inside(entry.address) if done_keys else {},
                      portable=portable)
            most_files, most_bytes = self.limits[position]
            if (source.SELF_DIGESTING or len(batch.entries) >= most_files
                    or batch.nbytes >= most_bytes):
                del self.pending[position]
                self._sent(batch)
                batch = None
        return left

    @property
    def files_limit(self) -> int:
        share = self.sent_files // (2 * self.slots())
        return min(self.BATCH_FILES, max(self.MIN_FILES, share))

    @property
    def bytes_limit(self) -> int:
        share = self.sent_bytes // (2 * self.slots())
        return min(self.BATCH_BYTES, max(self.MIN_BYTES, share))

    def _sent(self, batch: Batch) -> None:
        self.sent_files += len(batch.entries)
        self.sent_bytes += batch.nbytes
        self.batches_sent += 1
        self._send(batch)

    def poll(self) -> None:
        """Journal what has come back so far, without waiting."""
        self._collect(block=False)
        self._commit(force=False)

    def finish(self) -> None:
        """Send the last batches, wait for every batch and journal the rest."""
        for position in list(self.pending):
            self._sent(self.pending.pop(position))
        while self._busy():
            self._collect(block=True)
            self._commit(force=False)
        self._commit(force=True)

    def _arrived(self, outcome: BatchOutcome, batch: Batch) -> None:
        self.rows.extend(outcome.rows)
        self.warnings.extend(outcome.warnings)
        self.run.count(outcome.examined, outcome.skipped)
        if outcome.examined or outcome.nbytes:
            self.run.progress.advance(files=outcome.examined, nbytes=outcome.nbytes)
        if outcome.final and outcome.own is not None:
            self.run.own_read(batch.position, self.sources[batch.position], outcome.own)

    def _commit(self, force: bool) -> None:
        if not self.rows and not self.warnings:
            return
        if (force or len(self.rows) >= self.run.commit_records
                or time.monotonic() - self.last_commit >= self.run.commit_seconds):
            rows, warnings, self.rows, self.warnings = self.rows, self.warnings, [], []
            self.run.journal.commit_rows(rows, warnings)
            self.last_commit = time.monotonic()


def open_dispatcher(options: TriageOptions, sources: list[tuple[int, Source]],
                    run: RunState, folder: OutputFolder) -> Dispatcher | None:
    """The dispatcher for this run: the cluster named, else worker processes when an
    evidence item has files of its own to read; None leaves everything to threads."""
    settings = ExamineSettings(
        digests=tuple(options.digests), perceptual=options.perceptual is not None,
        limits=options.limits, spool_dir=str(folder.spool))
    if options.cluster:
        from .cluster import DaskCluster

        cluster_settings = ExamineSettings(settings.digests, settings.perceptual,
                                           settings.limits, spool_dir=None)
        return DaskCluster(options.cluster, run, cluster_settings, sources,
                           keys=bool(options.keys))
    if (options.worker_processes and any(_has_local_files(s) for _, s in sources)
            and "fork" in multiprocessing.get_all_start_methods()):
        from .workers import LocalProcesses

        # More processes than cores would only take turns.
        count = max(1, min(options.workers, os.cpu_count() or 1))
        return LocalProcesses(run, settings, count, folder.lock_fd)
    return None


def _has_local_files(source: Source) -> bool:
    from .evidence.directory import DirectorySource, FileSource

    return isinstance(source, (DirectorySource, FileSource))
