"""The triage run: walk each evidence item, examine files on worker threads, journal the
results, then match against hash sets and write the reports.

Threads, not processes: hashing and file reads release the GIL, so two cores stay busy
without copying file contents between processes. The walk runs on the main thread a
bounded distance ahead of the workers, so memory stays flat on a drive of millions of
files.
"""

from __future__ import annotations

import enum
import json
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from .. import TOOL_NAME, __version__
from .dispatch import Dispatcher, RunState, open_dispatcher
from .errors import EvidenceError, UsageError
from .evidence import EvidenceInfo, Source, VolumeKeys, open_evidence
from .examine import Examiner
from .expansion import ExpansionLimits
from .journal import SCHEMA_VERSION, Journal
from .outdir import OutputFolder
from .perceptual import PerceptualOptions
from .records import DIGESTS, Address, FileEntry, Record, TriageWarning, WarningSink
from .resume import already_done, check_digest, check_identity
from .shared_folders import DEFAULT_PATTERNS, SharedFolders

if TYPE_CHECKING:
    from .hashsets import HashSet
    from .reports import Summary


class ExitStatus(enum.IntEnum):
    """How a run ended. The command line maps it to its exit code (safeguard.cli's
    ExitCode); the web platform stores it with the job."""

    OK = 0
    USAGE = 2  # the request was wrong: nothing was done
    INPUT = 3  # an evidence item could not be read (the others were)
    WARNINGS = 4  # finished, with warnings about some items

# Commit the journal after this many records or seconds, whichever comes first: a killed
# run redoes at most this much.
COMMIT_RECORDS = 512
COMMIT_SECONDS = 1.0


class ProgressSink(Protocol):
    def start(self, total_bytes: int | None) -> None: ...
    def advance(self, files: int = 0, nbytes: int = 0) -> None: ...
    # Who examines the items: `count` worker processes (or a cluster's worker threads)
    # and where they are ("this machine" or the cluster's address); called when known
    # and again when a cluster's workers come or go.
    def workers(self, count: int, where: str) -> None: ...
    def close(self) -> None: ...


class _NoProgress:
    def start(self, total_bytes: int | None) -> None:
        pass

    def advance(self, files: int = 0, nbytes: int = 0) -> None:
        pass

    def workers(self, count: int, where: str) -> None:
        pass

    def close(self) -> None:
        pass


@dataclass
class TriageOptions:
    out_dir: Path
    digests: tuple[str, ...] = DIGESTS
    hashsets: Sequence[HashSet] = ()
    workers: int = (os.cpu_count() or 1) + 1
    resume: bool = False
    case_number: str = ""
    progress: ProgressSink = field(default_factory=_NoProgress)
    # None turns perceptual hashing and matching off (digests only, the fastest run).
    perceptual: PerceptualOptions | None = field(default_factory=PerceptualOptions)
    limits: ExpansionLimits = field(default_factory=ExpansionLimits)
    # Folders whose files count as "in a shared location" (shared_folders.py). Only the
    # reports use them, so a resumed run may give other folders than the interrupted one.
    shared_folders: tuple[str, ...] = DEFAULT_PATTERNS
    # Carve pictures and videos out of the unallocated space of disk images (issue 17).
    carve: bool = False
    # Credentials for encrypted volumes (evidence/keys.py): used to unlock, never written.
    keys: VolumeKeys | None = None
    # The files of folders and loose files are examined in `workers` processes
    # (workers.py); False keeps every item on threads of this process.
    worker_processes: bool = True
    # A Dask scheduler's address (tcp://host:8786): the per-item work runs on its workers
    # (cluster/); the walk, journal, matching and reports stay here.
    cluster: str | None = None


@dataclass
class TriageOutcome:
    """What `triage` returns: how it ended, where the reports are, the figures and the
    warnings, in the report's order (read_run reads the same back from the folder)."""

    status: ExitStatus
    outputs: dict[str, Path]
    summary: Summary
    warnings: list[TriageWarning]


@dataclass
class _Invocation:
    """What this invocation did, appended to runs.jsonl: a resumed run shows what it
    skipped, and the history of a case's runs stays with its reports."""

    started: float = field(default_factory=time.monotonic)
    examined: int = 0
    skipped: int = 0

    def save(self, out_dir: Path, options: TriageOptions, resumed: bool) -> None:
        line = {
            "at": _now(),
            "resumed": resumed,
            "examined": self.examined,
            "skipped": self.skipped,
            "seconds": round(time.monotonic() - self.started, 3),
            "workers": options.workers,
        }
        with (out_dir / "runs.jsonl").open("a") as f:
            f.write(json.dumps(line) + "\n")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _is_within(child: Path, parent: Path) -> bool:
    try:
        child.resolve().relative_to(parent.resolve())
    except ValueError:
        return False
    return True


class _Batch:
    """Records and warnings waiting for the next journal commit. Workers add to it as
    they go; only the main thread commits."""

    def __init__(self) -> None:
        self.records: list[Record] = []
        self.warnings: list[TriageWarning] = []
        self.lock = threading.Lock()
        self.last_commit = time.monotonic()

    def add(self, record: Record) -> None:
        with self.lock:
            self.records.append(record)

    def warn(self, warning: TriageWarning) -> None:
        with self.lock:
            self.warnings.append(warning)

    def due(self) -> bool:
        return (
            len(self.records) >= COMMIT_RECORDS
            or time.monotonic() - self.last_commit >= COMMIT_SECONDS
        )

    def flush(self, journal: Journal) -> None:
        with self.lock:
            records, warnings = self.records, self.warnings
            self.records, self.warnings = [], []
        journal.commit(records, warnings)
        self.last_commit = time.monotonic()


class _Sink:
    """The examiners' way into the batch, and the resume check of what is done."""

    def __init__(self, batch: _Batch, done: dict[str, str], progress: ProgressSink,
                 invocation: _Invocation) -> None:
        self.batch = batch
        self._done = done
        self.progress = progress
        self.invocation = invocation
        self.lock = threading.Lock()
        self._unreported = 0

    def record(self, record: Record) -> None:
        self.batch.add(record)
        with self.lock:
            self.invocation.examined += 1
            self._unreported += 1

    def report_progress(self) -> None:
        """Tell the progress sink of the files done since last time, from the main thread
        (a sink may stop the run from there: the platform's cancel button)."""
        with self.lock:
            files, self._unreported = self._unreported, 0
        self.progress.advance(files=files)

    def warn(self, warning: TriageWarning) -> None:
        self.batch.warn(warning)

    def done(self, entry: FileEntry) -> bool:
        if not already_done(self._done, entry):
            return False
        with self.lock:
            self.invocation.skipped += 1
        return True


def triage(evidence_paths: Sequence[str], options: TriageOptions) -> TriageOutcome:
    """Run triage over the evidence and write the reports into options.out_dir."""
    if not evidence_paths:
        raise UsageError("no evidence given")
    # Checked now, not after hours of examining: only the reports use them.
    SharedFolders(options.shared_folders)
    out_dir = options.out_dir
    for path in evidence_paths:
        p = Path(path)
        if p.exists() and (
            _is_within(out_dir, p) if p.is_dir() else out_dir.resolve() == p.resolve()
        ):
            raise UsageError(f"the output folder {out_dir} is inside the evidence {path}")
    with OutputFolder(out_dir) as folder:
        journal = _open_journal(evidence_paths, options)
        try:
            return _run(evidence_paths, options, journal, folder)
        finally:
            journal.close()


def _open_journal(evidence_paths: Sequence[str], options: TriageOptions) -> Journal:
    out_dir = options.out_dir
    identity = json.dumps(
        {
            "evidence": list(evidence_paths),
            "digests": list(options.digests),
            "perceptual": options.perceptual is not None,
            "limits": options.limits.describe(),
            "journal": SCHEMA_VERSION,
            # Only when on: a run without carving resumes a journal from before it existed.
            **({"carve": True} if options.carve else {}),
        }
    )
    existed = Journal.exists(out_dir)
    if existed and not options.resume:
        raise UsageError(
            f"{out_dir} already holds a triage run: add --resume to finish it, "
            "or choose another --out"
        )
    if options.resume and not existed:
        raise UsageError(f"nothing to resume in {out_dir}: no journal there")
    journal = Journal(out_dir / "journal.sqlite", check=existed)
    try:
        if existed:
            if journal.get("identity") != identity:
                raise UsageError(
                    f"{out_dir} holds a run over other evidence, digests or options, or "
                    "from another version; resume with the same evidence and options"
                )
            journal.check_records()
        else:
            journal.put("identity", identity)
            journal.put("started", _now())
    except BaseException:
        journal.close()
        raise
    return journal


def _run(evidence_paths: Sequence[str], options: TriageOptions, journal: Journal,
         folder: OutputFolder) -> TriageOutcome:
    batch = _Batch()
    invocation = _Invocation()
    done = journal.done() if options.resume else {}
    known_evidence = journal.evidence()
    sources: list[tuple[int, Source]] = []
    evidence_failed = False
    infos: dict[int, EvidenceInfo] = dict(known_evidence)
    for position, path in enumerate(evidence_paths):
        try:
            sources.append((position, open_evidence(path, options.keys)))
        except EvidenceError as exc:
            evidence_failed = True
            batch.warn(TriageWarning(Address.of_evidence(path), "open", str(exc)))
            infos[position] = EvidenceInfo(path=path, kind="unreadable", detail={"error": str(exc)})
    try:
        check_identity(journal, sources, resuming=options.resume)
        evidence_failed |= _examine_all(sources, options, journal, batch, invocation, infos,
                                        done, known_evidence, folder)
    finally:
        for _, source in sources:
            source.close()
    batch.flush(journal)
    options.progress.close()
    invocation.save(options.out_dir, options, resumed=options.resume)
    return _report(evidence_paths, options, journal, infos, evidence_failed)


def _examine_all(
    sources: list[tuple[int, Source]],
    options: TriageOptions,
    journal: Journal,
    batch: _Batch,
    invocation: _Invocation,
    infos: dict[int, EvidenceInfo],
    done: dict[str, str],
    known_evidence: dict[int, EvidenceInfo],
    folder: OutputFolder,
) -> bool:
    """Walk every source and examine its files on the workers; True if an item failed."""
    progress = options.progress

    def own_read(position: int, source: Source, digests: dict[str, str]) -> None:
        # A loose file's evidence digest is its own record's SHA-256: read once.
        info = source.describe(batch.warn)
        info.sha256 = digests.get("sha256", "")
        infos[position] = info
        journal.save_evidence(position, info)

    sink = _Sink(batch, done, progress, invocation)

    def count(examined: int, skipped: int) -> None:
        with sink.lock:
            invocation.examined += examined
            invocation.skipped += skipped

    # Before any thread starts: worker processes are forked (dispatch.py, workers.py).
    dispatcher = open_dispatcher(options, sources, RunState(
        journal, progress, count, done, own_read, COMMIT_RECORDS, COMMIT_SECONDS), folder)
    try:
        return _examine_on(dispatcher, sink, sources, options, journal, batch, infos,
                           known_evidence, folder, own_read)
    finally:
        if dispatcher is not None:
            dispatcher.close()


def _examine_on(
    dispatcher: Dispatcher | None,
    sink: _Sink,
    sources: list[tuple[int, Source]],
    options: TriageOptions,
    journal: Journal,
    batch: _Batch,
    infos: dict[int, EvidenceInfo],
    known_evidence: dict[int, EvidenceInfo],
    folder: OutputFolder,
    own_read: Callable[[int, Source, dict[str, str]], None],
) -> bool:
    evidence_failed = False
    progress = options.progress
    # The total is only worth a metadata walk when someone watches the bar.
    progress.start(None if isinstance(progress, _NoProgress) else _estimate(sources))
    examiner = Examiner(
        options.digests,
        on_bytes=lambda n: progress.advance(nbytes=n),
        perceptual=options.perceptual is not None,
        limits=options.limits,
        spool_dir=folder.spool,
    )

    def examine(work: _Work) -> Record | None:
        extra = ("sha256",) if work.self_digesting else ()
        own = None
        for entry in work.entries:
            own = examiner.stream(entry, sink, extra)
        return own

    with ThreadPoolExecutor(
        max_workers=max(1, options.workers), thread_name_prefix="examine"
    ) as pool:
        # A resumed run reads each image's digest again and checks it against the one the
        # interrupted run recorded (check_identity compared samples before any work).
        describing: dict[Future[EvidenceInfo], int] = {}
        for position, source in sources:
            if (position not in known_evidence or options.resume) and not source.SELF_DIGESTING:
                describing[pool.submit(source.describe, batch.warn)] = position
        # Work goes out in small batches and comes back in order: one future per batch
        # keeps the main thread's share of the GIL small next to the hashing.
        in_flight: deque[tuple[Future[Record | None], _Work]] = deque()
        limit = max(2, options.workers * 3)

        def take(block: bool) -> None:
            while in_flight and (block or in_flight[0][0].done()):
                future, work = in_flight[0]
                if not future.done():
                    # A large archive streams its records meanwhile: keep committing them.
                    wait([future], timeout=COMMIT_SECONDS)
                    if dispatcher is not None:
                        dispatcher.poll()
                    sink.report_progress()
                    if batch.due():
                        batch.flush(journal)
                    continue
                in_flight.popleft()
                own = future.result()
                if work.self_digesting and own is not None:
                    own_read(work.position, work.source, own.digests)
                block = False
            if dispatcher is not None:
                dispatcher.poll()
            sink.report_progress()
            if batch.due():
                batch.flush(journal)

        def send(work: _Work) -> None:
            if dispatcher is not None:
                # What its workers cannot read themselves stays on these threads.
                work.entries = dispatcher.take(work.position, work.source, work.entries)
                if not work.entries:
                    take(block=False)
                    return
            while len(in_flight) >= limit:
                take(block=True)
            in_flight.append((pool.submit(examine, work), work))
            take(block=False)

        for position, source in sources:
            work = _Work(position, source)
            try:
                for entry in _entries(source, options, batch.warn):
                    if sink.done(entry):
                        continue
                    work.add(entry)
                    if work.full():
                        send(work)
                        work = _Work(position, source)
            except EvidenceError as exc:
                evidence_failed = True
                batch.warn(TriageWarning(Address.of_evidence(source.label), "walk", str(exc)))
            if work.entries:
                send(work)
        while in_flight:
            take(block=True)
        if dispatcher is not None:
            dispatcher.finish()
        for future, position in describing.items():
            try:
                info = future.result()
            except EvidenceError as exc:
                evidence_failed = True
                label = sources_label(sources, position)
                batch.warn(TriageWarning(Address.of_evidence(label), "describe", str(exc)))
                info = EvidenceInfo(path=label, kind="unreadable")
            check_digest(known_evidence.get(position), info)
            infos[position] = info
            journal.save_evidence(position, info)
    return evidence_failed


def _entries(source: Source, options: TriageOptions, warn: WarningSink) -> Iterator[FileEntry]:
    """The source's files, then (with --carve) what is carved from its unallocated space."""
    yield from source.entries(warn)
    if options.carve:
        # Imported only when asked for: carving reads volumes through The Sleuth Kit,
        # which a folder's triage never loads.
        from .carving import carved_entries

        yield from carved_entries(source, warn)


def sources_label(sources: list[tuple[int, Source]], position: int) -> str:
    return next(source.label for p, source in sources if p == position)


class _Work:
    """A batch of entries of one source for one worker: a few dozen files, or fewer when
    they are large, so that the workers stay evenly loaded."""

    MAX_FILES = 32
    MAX_BYTES = 8 * 1024 * 1024

    def __init__(self, position: int, source: Source) -> None:
        self.position = position
        self.source = source
        self.self_digesting = source.SELF_DIGESTING
        self.entries: list[FileEntry] = []
        self.bytes = 0

    def add(self, entry: FileEntry) -> None:
        self.entries.append(entry)
        self.bytes += max(entry.size, 0)

    def full(self) -> bool:
        return len(self.entries) >= self.MAX_FILES or self.bytes >= self.MAX_BYTES


def _estimate(sources: list[tuple[int, Source]]) -> int | None:
    total = 0
    for _, source in sources:
        estimate = source.estimate()
        if estimate is None:
            return None
        total += estimate
    return total


def _report(
    evidence_paths: Sequence[str],
    options: TriageOptions,
    journal: Journal,
    infos: dict[int, EvidenceInfo],
    evidence_failed: bool,
) -> TriageOutcome:
    # Imported here, not at the top: the report writers, matching and the hash set formats
    # they load cost a triage ~30 ms before its workers are forked, and are used only now
    # (tests/triage/test_startup_imports.py).
    from .reporting import write_run_reports
    from .results import TriageResult

    # Matching raises its (rare) warnings as the records stream past: the writers read
    # `warnings` only after they have consumed the records (TriageResult's contract).
    warnings = journal.warnings()
    result = TriageResult(
        tool=TOOL_NAME,
        version=__version__,
        started=journal.get("started") or _now(),
        finished=_now(),
        evidence=[
            infos.get(i, EvidenceInfo(path=p, kind="unreadable"))
            for i, p in enumerate(evidence_paths)
        ],
        hashsets=[h.info.to_use() for h in options.hashsets],
        records=(),  # reporting.py gives them, matched
        warnings=warnings,
        digests=options.digests,
        options={"case_number": options.case_number, "digests": list(options.digests),
                 "expansion_limits": options.limits.describe(),
                 "shared_folders": list(options.shared_folders), "carve": options.carve},
    )
    outputs, summary = write_run_reports(journal, options, result)
    journal.put("finished", result.finished)
    if evidence_failed:
        status = ExitStatus.INPUT
    elif warnings:
        status = ExitStatus.WARNINGS
    else:
        status = ExitStatus.OK
    return TriageOutcome(status, outputs, summary, sorted(warnings, key=TriageWarning.sort_key))
