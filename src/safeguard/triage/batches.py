"""Batches of items examined away from the walk: in a worker process of this machine
(workers.py) or on a Dask cluster's worker (cluster/).

The coordinating process walks the evidence, keeps the journal, matches and reports; a
batch carries what a worker needs to examine its items and comes back as the journal's
own rows, made by the functions the journal itself uses (journal.record_row), so the
coordinator only inserts them and the reports cannot differ from a run on threads.

Entries travel as plain tuples: pickling the FileEntry dataclasses cost about 50 µs an
entry, more than walking to it, and the coordinator's time per item is what limits a
run of small files.
"""

from __future__ import annotations

import functools
import os
import threading
import time
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from operator import attrgetter
from pathlib import Path
from typing import Any, BinaryIO

from .examine import Examiner
from .expansion import ExpansionLimits
from .filetypes import sniff
from .hashing import CHUNK_SIZE, Digested, digest_path
from .journal import RecordRow, WarningRow, plain_row, record_row, warning_row
from .readonly import open_readonly_file
from .records import Address, FileEntry, Record, Times, TriageWarning, entry_fingerprint
from .resume import already_done

# A worker sends what it has so far after this many records or seconds (a large archive
# is journalled as it is read, as on threads): the coordinator commits in the same steps.
PART_RECORDS = 512
PART_SECONDS = 0.5

_ADDRESS = tuple(f.name for f in fields(Address))
_TIMES = tuple(f.name for f in fields(Times))
# Every other field of an entry, whatever fields the sources add; not how to open it.
_REST = tuple(f.name for f in fields(FileEntry) if f.name not in ("address", "times", "opener"))
_get_address = attrgetter(*_ADDRESS)
_get_times = attrgetter(*_TIMES)
_get_rest = attrgetter(*_REST)
_LOCAL_PATH = _REST.index("local_path")
# unpack builds an entry positionally (keywords cost a dict an entry): its fields must run
# address, size, opener, times, then the rest in _REST's order.
if tuple(f.name for f in fields(FileEntry)) != ("address", "size", "opener", "times",
                                                 *_REST[1:]) or _REST[0] != "size":
    raise RuntimeError("FileEntry's fields moved: update batches.unpack")

PackedEntry = tuple[tuple[Any, ...], tuple[Any, ...], tuple[Any, ...]]


def pack(entry: FileEntry) -> PackedEntry:
    return (_get_address(entry.address), _get_times(entry.times), _get_rest(entry))


def unpack(packed: PackedEntry, opener: Callable[[FileEntry], Callable[[], BinaryIO]]
           ) -> FileEntry:
    address, times, rest = packed
    if len(rest) != len(_REST):
        raise ValueError(f"an entry of {len(rest)} fields where {len(_REST)} were packed")
    entry = FileEntry(Address(*address), rest[0], _unopened, Times(*times), *rest[1:])
    entry.opener = opener(entry)
    return entry


def _unopened() -> BinaryIO:
    raise RuntimeError("entry opened before its opener was set")


def member_prefix(address: Address) -> str:
    """The start of the journal key of every item inside the file at `address` (an
    archive's members, a document's pictures): Address.key() joins the archive chain
    and the path with "\\x1e", and ends with "\\x1f" and the inode."""
    inside = address.member("").key()
    return inside[: len(inside) - len(address.inode) - 1]


class DoneKeys:
    """A resumed run's journalled keys in order, to hand each batch the members already
    done inside its files (a killed run resumes inside a large archive, on any worker)."""

    def __init__(self, done: dict[str, str]) -> None:
        self._done = done
        self._keys = sorted(done) if done else []

    def inside(self, address: Address) -> dict[str, str]:
        if not self._keys:
            return {}
        prefix = member_prefix(address)
        found: dict[str, str] = {}
        for i in range(bisect_left(self._keys, prefix), len(self._keys)):
            key = self._keys[i]
            if not key.startswith(prefix):
                break
            found[key] = self._done[key]
        return found


@dataclass(frozen=True)
class ExamineSettings:
    """What every batch of one run shares: the examiner's options."""

    digests: tuple[str, ...]
    perceptual: bool
    limits: ExpansionLimits
    spool_dir: str | None = None


@dataclass
class Batch:
    """Entries of one evidence item for one worker.

    `evidence`: the path a worker opens the evidence by (absolute: on a cluster, the same
    path on every worker) when its entries have no `local_path` of their own (a disk
    image's files, found again by their address).
    """

    number: int
    position: int
    evidence: str
    self_digesting: bool = False
    entries: list[PackedEntry] = field(default_factory=list)
    nbytes: int = 0
    # Members already journalled inside these entries' files (a resumed run).
    done: dict[str, str] = field(default_factory=dict)

    def add(self, entry: FileEntry, done: dict[str, str], *, portable: bool = False) -> None:
        """`portable`: a path relative to this process's folder is made absolute (another
        machine reads it)."""
        packed = pack(entry)
        if portable and entry.local_path is not None and not os.path.isabs(entry.local_path):
            rest = list(packed[2])
            rest[_LOCAL_PATH] = os.path.abspath(entry.local_path)
            packed = (packed[0], packed[1], tuple(rest))
        self.entries.append(packed)
        self.nbytes += max(entry.size, 0)
        if done:
            self.done.update(done)

    def describe(self) -> str:
        """The batch's first and last items, for a message about it."""
        first, last = (Address(*self.entries[i][0]) for i in (0, -1))
        return str(first) if first == last else f"{first} … {last}"


@dataclass
class BatchOutcome:
    """What a worker made of a batch (or, with `final` False, of its first items)."""

    number: int
    rows: list[RecordRow] = field(default_factory=list)
    warnings: list[WarningRow] = field(default_factory=list)
    examined: int = 0
    skipped: int = 0
    nbytes: int = 0
    final: bool = True
    # A self-digesting item's own digests: the evidence's SHA-256 is its record's.
    own: dict[str, str] | None = None


Emit = Callable[[BatchOutcome], None]


class _RowSink:
    """The examiner's sink in a worker: records become journal rows at once."""

    def __init__(self, batch: Batch, emit: Emit | None) -> None:
        self.batch = batch
        self.emit = emit
        self.lock = threading.Lock()
        self.part = BatchOutcome(batch.number, final=False)
        self.last = time.monotonic()

    def record(self, record: Record) -> None:
        row = record_row(record)
        with self.lock:
            self.part.rows.append(row)
            self.part.examined += 1
        self._maybe_emit()

    def warn(self, warning: TriageWarning) -> None:
        row = warning_row(warning)
        with self.lock:
            self.part.warnings.append(row)

    def done(self, entry: FileEntry) -> bool:
        if not already_done(self.batch.done, entry):
            return False
        with self.lock:
            self.part.skipped += 1
        return True

    def plain(self, row: RecordRow, nbytes: int) -> None:
        """A file examined whole without its Record (`_plain_row`)."""
        with self.lock:
            self.part.rows.append(row)
            self.part.examined += 1
            self.part.nbytes += nbytes
        self._maybe_emit()

    def add_bytes(self, n: int) -> None:
        with self.lock:
            self.part.nbytes += n
        self._maybe_emit()

    def _maybe_emit(self) -> None:
        if self.emit is None:
            return
        with self.lock:
            if (len(self.part.rows) < PART_RECORDS
                    and time.monotonic() - self.last < PART_SECONDS):
                return
            part, self.part = self.part, BatchOutcome(self.batch.number, final=False)
            self.last = time.monotonic()
        self.emit(part)

    def finish(self) -> BatchOutcome:
        with self.lock:
            part, self.part = self.part, BatchOutcome(self.batch.number)
        part.final = True
        return part


def examine_batch(batch: Batch, settings: ExamineSettings, emit: Emit | None = None
                  ) -> BatchOutcome:
    """Examine every entry of `batch` here; `emit` receives what is done so far now and
    then (a worker process streams it), the return value the rest."""
    sink = _RowSink(batch, emit)
    examiner = Examiner(settings.digests, on_bytes=sink.add_bytes,
                        perceptual=settings.perceptual, limits=settings.limits,
                        spool_dir=Path(settings.spool_dir) if settings.spool_dir else None)
    extra = ("sha256",) if batch.self_digesting else ()
    own: Record | None = None
    # A loose file is its own evidence (its SHA-256 is the evidence's): not a plain file.
    names = None if batch.self_digesting else examiner.names()
    for packed in batch.entries:
        digested = None
        if names is not None and _ordinary(packed):
            journalled, digested = _plain(packed, names, examiner, sink)
            if journalled:
                continue
        entry = unpack(packed, functools.partial(_opener, batch.evidence))
        own = examiner.stream(entry, sink, extra, digested)
    outcome = sink.finish()
    if batch.self_digesting and own is not None:
        outcome.own = dict(own.digests)
    return outcome


# A plain file of a folder (most files of most folders) is examined without its FileEntry
# or Record: a worker's time beside reading and digesting a small file 17–20 → 10–13 µs
# (docs/benchmarks.md, hashing). What it writes is what `Examiner.stream` would
# (tests/triage/test_plain_rows.py holds the two to the same rows).
_EMBEDDED, _THUMBNAIL, _ORIGINAL = (_REST.index(name) for name in
                                    ("embedded", "thumbnail", "original_path"))


def _ordinary(packed: PackedEntry) -> bool:
    """A file of this machine, of a known size, not found inside another file."""
    rest = packed[2]
    return (rest[_LOCAL_PATH] is not None and rest[0] >= 0 and not rest[_EMBEDDED]
            and not rest[_THUMBNAIL] and not rest[_ORIGINAL])


def _plain(packed: PackedEntry, names: tuple[str, ...], examiner: Examiner, sink: _RowSink
           ) -> tuple[bool, Digested | None]:
    """Examine an ordinary file the quick way: (True, its digests) when its row is
    journalled; else (False, its digests, or None when it could not be read), for the
    examiner to take it from there."""
    # A large file's bytes are counted as they are digested (the progress bar moves
    # through it); a small one's with its row, in one step.
    progress = sink.add_bytes if packed[2][0] >= CHUNK_SIZE else None
    try:
        digested = digest_path(packed[2][_LOCAL_PATH], names, progress, examiner.keep)
        row = _plain_row(packed, digested, examiner)
    except Exception:  # whatever failed, the examiner meets it again and says so
        return False, None
    counted = 0 if progress is not None else digested.size
    if row is not None:
        sink.plain(row, counted)
        return True, digested
    if counted:
        sink.add_bytes(counted)
    return False, digested


def _plain_row(packed: PackedEntry, digested: Digested, examiner: Examiner
               ) -> RecordRow | None:
    """The journal row of a file read whole as the walk found it, with nothing inside
    it to examine; None for anything else (the examiner takes it from there)."""
    address, times, rest = packed
    size = rest[0]
    if digested.size != size:
        return None  # changed since the walk: the examiner warns of it
    file_type, mime = sniff(digested.head)
    if not examiner.nothing_inside(file_type, digested.head):
        return None
    return plain_row(Address(*address), times, size, file_type, mime, digested.digests,
                     rest[1], rest[2], entry_fingerprint(size, times[0]))


def _opener(evidence: str, entry: FileEntry) -> Callable[[], BinaryIO]:
    if entry.local_path is not None:
        return functools.partial(open_readonly_file, entry.local_path)
    return functools.partial(_open_item, evidence, entry.address, entry.deleted)


# The evidence a worker process has opened to read items by address (a disk image's
# tables and file system metadata are read once, not once an item).
_sources: dict[str, Any] = {}
_sources_lock = threading.Lock()


def _open_item(evidence: str, address: Address, deleted: bool) -> BinaryIO:
    from .evidence import open_evidence

    with _sources_lock:
        source = _sources.get(evidence)
        if source is None:
            source = _sources[evidence] = open_evidence(evidence)
    stream: BinaryIO = source.open_item(address, deleted=deleted)
    return stream
