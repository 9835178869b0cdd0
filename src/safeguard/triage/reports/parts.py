"""The reports of a large run written in parts, one process a part, on every core.

After the last item, a run's records are matched and written out in report order: files.csv
row by row, the summary's figures and the VICS case file's media. Done by the run's own
process alone, that pass took about 30 µs a record (reading it back from the journal,
matching it, its row), on one core, while the others waited: 0.6 s of a 3.5 s run of
20,000 small files, and on a cluster the term that grows with the files and not with the
workers (docs/benchmarks.md, "Triage on a Dask cluster").

Here the records are cut into runs of consecutive journal keys, one a process (forked, so
each has the run's hash sets and what the first pass of matching decided, without a
copy). Each process writes its rows to a part file and sends back its summary figures and
its media; this process appends the parts in order, merges the figures and collects the
media in order, so every report is the same, byte for byte, as one written in one pass
(tests/triage/reports/test_parts.py checks it on a run with matches, groups, thumbnails,
carving and warnings).
"""

from __future__ import annotations

import multiprocessing
import pickle
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from ..records import Record, TriageWarning, WarningSink
from ..results import TriageResult
from ..shared_folders import SharedFolders, shared_folders
from ._common import OUTPUTS
from .csv_report import CsvReport, csv_part, csv_row
from .html_report import write_html
from .json_report import write_json
from .summary import Summary, SummaryBuilder
from .vics_export import VicsCollector, VicsItem, category_codes, vics_item

# One part of a run's records, in report order and matched, made in the process that
# writes the part; matching's warnings go to the sink it is given.
RecordsPart = Callable[[WarningSink], Iterable[Record]]


class RecordPass:
    """What every report takes of one record, in one loop (write_reports and each part):
    whether it lies in a file-sharing program's folder, its files.csv row, its share of
    the summary and, for an image or a video, of the VICS case file."""

    def __init__(self, folders: SharedFolders, row: Callable[[Record], None],
                 media: Callable[[VicsItem], None]) -> None:
        self.folders = folders
        self.row = row
        self.media = media
        self.builder = SummaryBuilder()

    def take(self, record: Record) -> None:
        record.shared_location = record.shared_location or self.folders.holds(record.address)
        self.row(record)
        self.builder.add(record)
        item = vics_item(record)
        if item is not None:
            self.media(item)


@dataclass
class _PartOutcome:
    rows: int
    builder: SummaryBuilder
    media: int = 0
    warnings: list[TriageWarning] = field(default_factory=list)


@dataclass(frozen=True)
class _PartFiles:
    """Where a part writes its rows, and its media (a run may hold millions of pictures:
    they travel through a file, a batch at a time, never as one message)."""

    rows: Path
    media: Path


class PartFailed(Exception):
    """A process writing a part died before it finished: nothing was written under the
    reports' names, and the caller may write them in one pass instead."""


# What the forked processes inherit: the parts, their files and the folder patterns. One
# run's at a time in a process (a platform worker could run two): the lock says whose.
_job: tuple[Sequence[RecordsPart], Sequence[_PartFiles], SharedFolders] | None = None
_job_lock = threading.Lock()
# Media pickled together into a part's media file.
MEDIA_BATCH = 1024


def write_reports_in_parts(out_dir: Path, result: TriageResult,
                           parts: Sequence[RecordsPart]) -> tuple[dict[str, Path], Summary]:
    """As reports.write_reports_with_summary, with the records given as `parts` (in
    report order, each written in a process of its own) rather than `result.records`.
    Matching's warnings from the parts are added to `result.warnings`."""
    with _job_lock:
        return _write_in_parts(out_dir, result, parts)


def _write_in_parts(out_dir: Path, result: TriageResult, parts: Sequence[RecordsPart]
                    ) -> tuple[dict[str, Path], Summary]:
    global _job
    codes = category_codes(result.options)
    folders = shared_folders(result.options)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {kind: out_dir / name for kind, name in OUTPUTS.items()}
    part_files = [_PartFiles(out_dir / f".files.csv.part{number}",
                             out_dir / f".media.part{number}") for number in range(len(parts))]
    _job = (parts, part_files, folders)
    try:
        # Forked after _job is set: each process finds its part by number. A process that
        # dies (killed, out of memory) breaks the pool at once rather than leaving the
        # run waiting for its part.
        with ProcessPoolExecutor(len(parts), mp_context=multiprocessing.get_context("fork")
                                 ) as pool:
            try:
                outcomes = list(pool.map(_write_part, range(len(parts))))
            except BrokenProcessPool as exc:
                raise PartFailed(f"a process writing a part of the reports died: {exc}"
                                 ) from None
        builder = SummaryBuilder()
        with CsvReport(paths["csv"]) as csv_out, VicsCollector(out_dir, codes) as vics:
            for files, outcome in zip(part_files, outcomes, strict=True):
                csv_out.append_part(files.rows, outcome.rows)
                builder.merge(outcome.builder)
                for item in _media(files.media, outcome.media):
                    vics.add_item(item)
                result.warnings.extend(outcome.warnings)
            vics.write(paths["vics"], result)
    finally:
        _job = None
        for files in part_files:
            files.rows.unlink(missing_ok=True)
            files.media.unlink(missing_ok=True)
    summary = builder.finish(len(result.warnings))
    write_json(paths["json"], result, summary)
    write_html(paths["html"], result, summary)
    return paths, summary


def _write_part(number: int) -> _PartOutcome:
    """In a forked process: part `number`'s rows into its file; its figures and media."""
    if _job is None:
        raise RuntimeError("a part of the reports was started outside write_reports_in_parts")
    parts, part_files, folders = _job
    files = part_files[number]
    outcome = _PartOutcome(0, SummaryBuilder())
    media: list[VicsItem] = []
    with csv_part(files.rows) as out, files.media.open("wb") as media_out:
        def row(record: Record) -> None:
            out(csv_row(record))

        def medium(item: VicsItem) -> None:
            media.append(item)
            outcome.media += 1
            if len(media) >= MEDIA_BATCH:
                pickle.dump(media, media_out, pickle.HIGHEST_PROTOCOL)
                media.clear()

        taking = RecordPass(folders, row, medium)
        for record in parts[number](outcome.warnings.append):
            taking.take(record)
        if media:
            pickle.dump(media, media_out, pickle.HIGHEST_PROTOCOL)
    outcome.builder = taking.builder
    # Each record taken is one row and one file of the summary: counted there once,
    # rather than a second time in `row`.
    outcome.rows = taking.builder.files
    return outcome


def _media(path: Path, count: int) -> Iterator[VicsItem]:
    """A part's media, in its order, from the file it wrote (this run's own, in its
    output folder: nothing else writes there while the run holds its lock)."""
    read = 0
    with path.open("rb") as source:
        while read < count:
            batch: list[VicsItem] = pickle.load(source)  # written by this run, just now
            read += len(batch)
            yield from batch
