"""files.csv: one row per record, written as the records stream past.

The columns are one constant, `COLUMNS`, pairing each header with how its cell is read
from a Record: a new column (pdq, pdq_quality, group, shared_location...) is one more line
at the end, and
the header and rows cannot drift apart.

Cells are the values as found. In particular a path beginning with "=" is *not* altered
to defuse spreadsheet formulas: files.csv is evidence data and must say exactly what the
evidence holds (docs/report-format.md warns about opening it in a spreadsheet).
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from contextlib import AbstractContextManager, ExitStack
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, TextIO

from ..records import ARCHIVE_SEPARATOR, Record
from ._common import atomic_text, flag, iso_time

if TYPE_CHECKING:
    from _csv import Writer

Column = tuple[str, Callable[[Record], str]]

COLUMNS: tuple[Column, ...] = (
    ("evidence", lambda r: r.address.evidence),
    ("partition", lambda r: r.address.partition),
    ("filesystem", lambda r: r.address.filesystem),
    ("path", lambda r: r.address.path),
    ("archive", lambda r: ARCHIVE_SEPARATOR.join(r.address.archive)),
    ("inode", lambda r: r.address.inode),
    ("size", lambda r: str(r.size)),
    ("modified", lambda r: iso_time(r.times.modified)),
    ("accessed", lambda r: iso_time(r.times.accessed)),
    ("changed", lambda r: iso_time(r.times.changed)),
    ("created", lambda r: iso_time(r.times.created)),
    ("deleted", lambda r: flag(r.deleted)),
    ("carved", lambda r: flag(r.carved)),
    ("type", lambda r: r.file_type.value),
    ("mime", lambda r: r.mime),
    ("md5", lambda r: r.digests.get("md5", "")),
    ("sha1", lambda r: r.digests.get("sha1", "")),
    ("sha256", lambda r: r.digests.get("sha256", "")),
    ("known_good", lambda r: flag(r.known_good)),
    ("known_good_set", lambda r: r.known_good_set),
    ("hashset", lambda r: r.hashset),
    ("category", lambda r: r.category),
    ("series", lambda r: r.series),
    ("distributed", lambda r: flag(r.distributed)),
    ("victim_identified", lambda r: flag(r.victim_identified)),
    ("match", lambda r: r.match.value),
    ("distance", lambda r: "" if r.distance is None else str(r.distance)),
    ("error", lambda r: r.error),
    ("pdq", lambda r: r.pdq),
    ("pdq_quality", lambda r: "" if r.pdq_quality is None else str(r.pdq_quality)),
    ("group", lambda r: r.group),
    ("shared_location", lambda r: flag(r.shared_location)),
)

FIELDNAMES: tuple[str, ...] = tuple(name for name, _ in COLUMNS)


def csv_row(record: Record) -> list[str]:
    """The cells of one record, in `FIELDNAMES` order."""
    return [cell(record) for _, cell in COLUMNS]


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
        handle: TextIO = self._stack.enter_context(atomic_text(self.path, newline=""))
        self._out = csv.writer(handle, quoting=csv.QUOTE_MINIMAL)
        self._out.writerow(FIELDNAMES)
        return self

    def write(self, record: Record) -> None:
        if self._out is None:
            raise RuntimeError("CsvReport.write outside its `with` block")
        self._out.writerow(csv_row(record))
        self.rows += 1

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._out = None
        self._stack.__exit__(exc_type, exc, tb)
