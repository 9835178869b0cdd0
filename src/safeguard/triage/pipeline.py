"""The triage run: walk each evidence item, examine files on worker threads, journal the
results, then match against hash sets and write the reports.

Threads, not processes: hashing and file reads release the GIL, so two cores stay busy
without copying file contents between processes. The walk runs on the main thread a
bounded distance ahead of the workers, so memory stays flat on a drive of millions of
files.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections import deque
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from .. import TOOL_NAME, __version__
from .errors import EvidenceError, UsageError
from .evidence import EvidenceInfo, Source, open_evidence
from .examine import Examiner
from .hashing import DIGESTS
from .journal import SCHEMA_VERSION, Journal
from .matching import Matcher, match_run
from .perceptual import PerceptualOptions
from .records import FileEntry, Record, TriageWarning
from .results import TriageResult

if TYPE_CHECKING:
    from .hashsets import HashSet

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_INPUT = 3
EXIT_WARNINGS = 4

# Commit the journal after this many records or seconds, whichever comes first: a killed
# run redoes at most this much.
COMMIT_RECORDS = 512
COMMIT_SECONDS = 1.0


class ProgressSink(Protocol):
    def start(self, total_bytes: int | None) -> None: ...
    def advance(self, files: int = 0, nbytes: int = 0) -> None: ...
    def close(self) -> None: ...


class _NoProgress:
    def start(self, total_bytes: int | None) -> None:
        pass

    def advance(self, files: int = 0, nbytes: int = 0) -> None:
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


@dataclass
class TriageOutcome:
    status: int
    outputs: dict[str, Path]
    summary: dict[str, Any]
    warnings: int


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
    """Records and warnings waiting for the next journal commit."""

    def __init__(self) -> None:
        self.records: list[Record] = []
        self.warnings: list[TriageWarning] = []
        self.lock = threading.Lock()
        self.last_commit = time.monotonic()

    def warn(self, warning: TriageWarning) -> None:
        with self.lock:
            self.warnings.append(warning)

    def warn_all(self, warnings: list[TriageWarning]) -> None:
        if warnings:
            with self.lock:
                self.warnings.extend(warnings)

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


def triage(evidence_paths: Sequence[str], options: TriageOptions) -> TriageOutcome:
    """Run triage over the evidence and write the reports into options.out_dir."""
    if not evidence_paths:
        raise UsageError("no evidence given")
    out_dir = options.out_dir
    for path in evidence_paths:
        p = Path(path)
        if p.exists() and (
            _is_within(out_dir, p) if p.is_dir() else out_dir.resolve() == p.resolve()
        ):
            raise UsageError(f"the output folder {out_dir} is inside the evidence {path}")
    journal = _open_journal(evidence_paths, options)
    try:
        return _run(evidence_paths, options, journal)
    finally:
        journal.close()


def _open_journal(evidence_paths: Sequence[str], options: TriageOptions) -> Journal:
    out_dir = options.out_dir
    identity = json.dumps(
        {
            "evidence": list(evidence_paths),
            "digests": list(options.digests),
            "perceptual": options.perceptual is not None,
            "journal": SCHEMA_VERSION,
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
    out_dir.mkdir(parents=True, exist_ok=True)
    journal = Journal(out_dir / "journal.sqlite")
    if existed:
        if journal.get("identity") != identity:
            journal.close()
            raise UsageError(
                f"{out_dir} holds a run over other evidence, digests or options, or from "
                "another version; resume with the same evidence and options"
            )
    else:
        journal.put("identity", identity)
        journal.put("started", _now())
    return journal


def _run(evidence_paths: Sequence[str], options: TriageOptions, journal: Journal) -> TriageOutcome:
    batch = _Batch()
    invocation = _Invocation()
    done = journal.done_keys()
    known_evidence = journal.evidence()
    sources: list[tuple[int, Source]] = []
    evidence_failed = False
    infos: dict[int, EvidenceInfo] = dict(known_evidence)
    for position, path in enumerate(evidence_paths):
        try:
            sources.append((position, open_evidence(path)))
        except EvidenceError as exc:
            evidence_failed = True
            batch.warn(TriageWarning(path, "open", str(exc)))
            infos[position] = EvidenceInfo(path=path, kind="unreadable", detail={"error": str(exc)})

    progress = options.progress
    # The total is only worth a metadata walk when someone watches the bar.
    progress.start(None if isinstance(progress, _NoProgress) else _estimate(sources))
    examiner = Examiner(
        options.digests,
        on_bytes=lambda n: progress.advance(nbytes=n),
        perceptual=options.perceptual is not None,
    )

    def examine(work: _Work) -> tuple[list[Record], list[TriageWarning]]:
        records: list[Record] = []
        warnings: list[TriageWarning] = []
        extra = ("sha256",) if work.self_digesting else ()
        for entry in work.entries:
            records.extend(examiner.examine(entry, warnings.append, extra))
        return records, warnings

    with ThreadPoolExecutor(
        max_workers=max(1, options.workers), thread_name_prefix="examine"
    ) as pool:
        describing: dict[Future[EvidenceInfo], int] = {}
        for position, source in sources:
            if position not in known_evidence and not _self_digesting(source):
                describing[pool.submit(source.describe, batch.warn)] = position
        # Work goes out in small batches and comes back in order: one future per batch
        # keeps the main thread's share of the GIL small next to the hashing.
        in_flight: deque[tuple[Future[tuple[list[Record], list[TriageWarning]]], _Work]] = deque()
        limit = max(2, options.workers * 3)

        def take(block: bool) -> None:
            while in_flight and (block or in_flight[0][0].done()):
                future, work = in_flight.popleft()
                records, warnings = future.result()
                batch.records.extend(records)
                batch.warn_all(warnings)
                progress.advance(files=len(records))
                if work.self_digesting and records:
                    info = work.source.describe(batch.warn)
                    info.sha256 = records[0].digests.get("sha256", "")
                    infos[work.position] = info
                    journal.save_evidence(work.position, info)
                block = False
            if batch.due():
                batch.flush(journal)

        def send(work: _Work) -> None:
            while len(in_flight) >= limit:
                take(block=True)
            in_flight.append((pool.submit(examine, work), work))
            take(block=False)

        for position, source in sources:
            work = _Work(position, source)
            try:
                for entry in source.entries(batch.warn):
                    if entry.address.key() in done:
                        invocation.skipped += 1
                        continue
                    invocation.examined += 1
                    work.add(entry)
                    if work.full():
                        send(work)
                        work = _Work(position, source)
            except EvidenceError as exc:
                evidence_failed = True
                batch.warn(TriageWarning(source.label, "walk", str(exc)))
            if work.entries:
                send(work)
        while in_flight:
            take(block=True)
        for future, position in describing.items():
            try:
                info = future.result()
            except EvidenceError as exc:
                evidence_failed = True
                batch.warn(TriageWarning(evidence_paths[position], "describe", str(exc)))
                info = EvidenceInfo(path=evidence_paths[position], kind="unreadable")
            infos[position] = info
            journal.save_evidence(position, info)
    batch.flush(journal)
    for _, source in sources:
        source.close()
    progress.close()
    invocation.save(options.out_dir, options, resumed=options.resume)
    return _report(evidence_paths, options, journal, infos, evidence_failed)


def _self_digesting(source: Source) -> bool:
    return bool(getattr(source, "SELF_DIGESTING", False))


class _Work:
    """A batch of entries of one source for one worker: a few dozen files, or fewer when
    they are large, so that the workers stay evenly loaded."""

    MAX_FILES = 32
    MAX_BYTES = 8 * 1024 * 1024

    def __init__(self, position: int, source: Source) -> None:
        self.position = position
        self.source = source
        self.self_digesting = _self_digesting(source)
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
        estimate = getattr(source, "estimate", None)
        if estimate is None:
            return None
        total += int(estimate())
    return total


def _report(
    evidence_paths: Sequence[str],
    options: TriageOptions,
    journal: Journal,
    infos: dict[int, EvidenceInfo],
    evidence_failed: bool,
) -> TriageOutcome:
    from .reports import write_reports

    # Matching raises its (rare) warnings as the records stream past: the writers read
    # `warnings` only after they have consumed the records (TriageResult's contract).
    warnings = journal.warnings()
    matcher = Matcher(options.hashsets, options.perceptual)
    records = match_run(
        journal.records, lambda: journal.records(media_only=True), matcher, warnings.append
    )
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
        records=records,
        warnings=warnings,
        digests=options.digests,
        options={"case_number": options.case_number, "digests": list(options.digests)},
    )
    outputs = write_reports(options.out_dir, result)
    summary = json.loads((options.out_dir / "report.json").read_text())["summary"]
    journal.put("finished", result.finished)
    warnings_count = len(warnings)
    if evidence_failed:
        status = EXIT_INPUT
    elif warnings_count:
        status = EXIT_WARNINGS
    else:
        status = EXIT_OK
    return TriageOutcome(status, outputs, summary, warnings_count)
