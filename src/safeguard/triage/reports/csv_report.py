"""files.csv, both ways: written one row per record as the records stream past, and read
back row by row (the web platform's import, a resumed review).

The columns are one constant, `FIELDNAMES`, and a row is `csv_row`, which spells out
each cell in that order (tests/triage/reports/test_csv_fast.py holds every cell to the
field it is read from). The address columns read back by `Address.from_columns()`, whose
writing twin is `Address.columns()` (the archive chain's `!` included).

Cells are the values as found. In particular a path beginning with "=" is *not* altered
to defuse spreadsheet formulas: files.csv is evidence data and must say exactly what the
evidence holds (docs/report-format.md warns about opening it in a spreadsheet).
"""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, TextIO

from ..errors import ReportError
from ..records import (
    ADDRESS_COLUMNS,
    DIGESTS,
    Address,
    FileType,
    Match,
    Record,
    Times,
    join_archive_chain,
)
from ._common import ENCODING, ERRORS, atomic_text, iso_time

if TYPE_CHECKING:
    from _csv import Writer

# The columns, in order. A new column (pdq, group, shared_location...) is one more name at
# the end here and one more cell at the end of `csv_row`; its test checks each cell against
# the field it is read from.
FIELDNAMES: tuple[str, ...] = (
    *ADDRESS_COLUMNS, "size", "modified", "accessed", "changed", "created", "deleted",
    "carved", "type", "mime", *DIGESTS, "known_good", "known_good_set", "hashset",
    "category", "series", "distributed", "victim_identified", "match", "distance", "error",
    "pdq", "pdq_quality", "group", "shared_location", "embedded", "thumbnail",
    "original_path", "original_not_found", "match_method",
)
# csv_row writes the address's columns itself (Address.columns() is their other codec,
# with from_columns): a column added to the address stops the import here.
if ADDRESS_COLUMNS != ("evidence", "partition", "filesystem", "path", "archive", "inode") \
        or DIGESTS != ("md5", "sha1", "sha256"):
    raise RuntimeError("csv_row no longer follows the address's or the digests' columns")


def csv_row(record: Record) -> list[str]:
    """The cells of one record, in `FIELDNAMES` order.

    One list display: a function a cell and the address's dict took 6.1 µs a row of
    20,000 small files' files.csv, this 2.7. A file written once has the same modified
    and changed time: its text is made once."""
    a = record.address
    times = record.times
    digests = record.digests
    modified = times.modified
    changed = times.changed
    modified_text = iso_time(modified)
    distance = record.distance
    quality = record.pdq_quality
    return [
        a.evidence, a.partition, a.filesystem, a.path,
        join_archive_chain(a.archive) if a.archive else "", a.inode,
        str(record.size),
        modified_text,
        iso_time(times.accessed),
        # Equal numbers are the same text (iso_time reads only the value).
        modified_text if changed == modified else iso_time(changed),
        iso_time(times.created),
        "true" if record.deleted else "false",
        "true" if record.carved else "false",
        record.file_type.value,
        record.mime,
        digests.get("md5", ""), digests.get("sha1", ""), digests.get("sha256", ""),
        "true" if record.known_good else "false",
        record.known_good_set,
        record.hashset,
        record.category,
        record.series,
        "true" if record.distributed else "false",
        "true" if record.victim_identified else "false",
        record.match.value,
        "" if distance is None else str(distance),
        record.error,
        record.pdq,
        "" if quality is None else str(quality),
        record.group,
        "true" if record.shared_location else "false",
        "true" if record.embedded else "false",
        "true" if record.thumbnail else "false",
        record.original_path,
        "true" if record.original_not_found else "false",
        record.match_method,
    ]


def csv_writer(handle: TextIO) -> Writer:
    """The one dialect of files.csv, for the whole file and for its parts."""
    return csv.writer(handle, quoting=csv.QUOTE_MINIMAL)


RowSink = Callable[[list[str]], None]


def row_sink(handle: TextIO) -> RowSink:
    """Rows into `handle` as `csv_writer`'s writerow writes them, byte for byte.

    A row with no comma, quote or line end in any cell (nearly every row) is its cells
    joined by commas, which QUOTE_MINIMAL leaves unquoted: 0.85 µs a row where the csv
    module took 3.7 (20,000 small files). Any other row goes to the csv module itself
    (tests/triage/reports/test_csv_fast.py holds the two to the same text)."""
    write = handle.write
    slow = csv_writer(handle).writerow

    def put(row: list[str]) -> None:
        line = ",".join(row)
        if (line.count(",") == len(row) - 1 and '"' not in line and "\n" not in line
                and "\r" not in line and len(row) > 1):
            write(line + "\r\n")
        else:
            slow(row)

    return put


@contextmanager
def csv_part(path: Path) -> Iterator[RowSink]:
    """Rows of files.csv without its header, into `path` (a part of the reports written
    in another process): the same encoding and dialect as files.csv itself."""
    with path.open("w", encoding=ENCODING, errors=ERRORS, newline="") as handle:
        yield row_sink(handle)


# Characters copied at a time from a part into files.csv.
PART_COPY = 1 << 20


class CsvReport(AbstractContextManager["CsvReport"]):
    """files.csv being written: enter, `write` each record, exit to put it in place.

    The file appears under its name only when the block ends without an error.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.rows = 0
        self._stack = ExitStack()
        self._out: Writer | None = None

    def __enter__(self) -> CsvReport:
        # newline="" is what the csv module requires: it writes its own "\r\n" row ends
        # and must see embedded newlines (a hostile file name) untranslated, to quote them.
        self._handle: TextIO = self._stack.enter_context(atomic_text(self.path, newline=""))
        self._out = csv_writer(self._handle)
        self._out.writerow(FIELDNAMES)
        self._put: RowSink = row_sink(self._handle)
        return self

    def append_part(self, part: Path, rows: int) -> None:
        """Append the `rows` rows of a part written by `csv_part` (reports/parts.py)."""
        if self._out is None:
            raise RuntimeError("CsvReport.append_part outside its `with` block")
        with part.open(encoding=ENCODING, newline="") as source:
            shutil.copyfileobj(source, self._handle, PART_COPY)
        self.rows += rows

    def write(self, record: Record) -> None:
        if self._out is None:
            raise RuntimeError("CsvReport.write outside its `with` block")
        self._put(csv_row(record))
        self.rows += 1

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._out = None
        self._stack.__exit__(exc_type, exc, tb)


# -- reading back ------------------------------------------------------------------------

# A name on the evidence can be longer than the csv module's 128 KiB default (a tar's pax
# header sets no limit, and archive chains join names): a report the engine wrote must
# read back whatever the evidence held, so the limit is raised (one setting per process).
FIELD_LIMIT = 1 << 30


def read_files_csv(path: Path) -> Iterator[dict[str, str]]:
    """files.csv's rows as {column: cell}, streamed.

    Columns are found by their header name (new columns are added at the end), so a
    files.csv from a newer engine still reads. ReportError names the file and line when
    it cannot be read.
    """
    if csv.field_size_limit() < FIELD_LIMIT:
        csv.field_size_limit(FIELD_LIMIT)
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as exc:
        raise ReportError(f"cannot read {path}: {exc}") from exc
    with handle:
        reader = csv.reader(handle)
        try:
            header = next(reader, None)
            if header is None or "path" not in header:
                raise ReportError(f"{path} has no header row")
            for cells in reader:
                yield dict(zip(header, cells, strict=False))
        except (csv.Error, UnicodeDecodeError) as exc:
            # The engine writes UTF-8 CSV (undecodable names escaped): this file is damaged.
            raise ReportError(f"{path}: line {reader.line_num + 1} is not readable: {exc}") \
                from exc


def number_from_cell(value: str, low: int = -(2**63), high: int = 2**63 - 1) -> int | None:
    """A cell's whole number within [low, high], else None (empty, damaged or hostile)."""
    try:
        number = int(value) if value else None
    except ValueError:
        return None
    return number if number is None or low <= number <= high else None


def time_from_cell(value: str) -> datetime | None:
    """An ISO 8601 time cell (iso_time's inverse; UTC when it names no zone), or None when
    empty or not a time."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _seconds(value: str) -> float | None:
    moment = time_from_cell(value)
    return None if moment is None else moment.timestamp()


def record_from_row(row: Mapping[str, str]) -> Record:
    """The Record a files.csv row was written from (csv_row's inverse, for the columns
    files.csv has). A damaged cell reads as its default rather than failing the row."""
    try:
        file_type = FileType(row.get("type", "other"))
    except ValueError:
        file_type = FileType.OTHER
    try:
        match = Match(row.get("match", "none") or "none")
    except ValueError:
        match = Match.NONE
    return Record(
        address=Address.from_columns(row),
        size=number_from_cell(row.get("size", "")) or 0,
        file_type=file_type,
        times=Times(*(_seconds(row.get(name, ""))
                      for name in ("modified", "accessed", "changed", "created"))),
        deleted=row.get("deleted") == "true",
        carved=row.get("carved") == "true",
        digests={name: row[name] for name in DIGESTS if row.get(name)},
        mime=row.get("mime", ""),
        known_good=row.get("known_good") == "true",
        known_good_set=row.get("known_good_set", ""),
        hashset=row.get("hashset", ""),
        category=row.get("category", ""),
        series=row.get("series", ""),
        distributed=row.get("distributed") == "true",
        victim_identified=row.get("victim_identified") == "true",
        match=match,
        distance=number_from_cell(row.get("distance", "")),
        error=row.get("error", ""),
        pdq=row.get("pdq", ""),
        pdq_quality=number_from_cell(row.get("pdq_quality", "")),
        group=row.get("group", ""),
        shared_location=row.get("shared_location") == "true",
        embedded=row.get("embedded") == "true",
        match_method=row.get("match_method", ""),
        thumbnail=row.get("thumbnail") == "true",
        original_path=row.get("original_path", ""),
        original_not_found=row.get("original_not_found") == "true",
    )
