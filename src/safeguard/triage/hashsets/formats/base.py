"""The `HashSetFormat` capability, and what every reader shares.

A format recognises its files (`sniff` raises NotThisFormat otherwise, so detection tries
the next) and reads them as a stream of `Chunk`s of about a million rows: digests already
decoded to bytes in numpy arrays, plus the entries' attributes where the format has any.
Nothing here holds a whole set in Python objects.

Bad-row policy (docs/hashsets.md): a file that cannot be parsed at all (bad JSON, missing
header, unknown VICS context) aborts the import with a HashSetError naming the file. A
single bad row (bad hex, wrong digest length, no digest) is skipped and counted, and the
first few are kept as warnings naming the file and line; with `strict` it aborts instead.
"""

from __future__ import annotations

import abc
import csv
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from ...errors import HashSetError
from ...hashing import DIGEST_SIZES
from ..categories import CategoryMapper, Scheme, get_scheme
from ..model import HashEntry

if TYPE_CHECKING:
    from ..hexcodec import U8, Bools

# Rows per chunk: big enough that numpy's per-call overhead vanishes, small enough that a
# chunk's temporaries (~25 MB for NSRL lines) stay under glibc's 32 MiB mmap threshold and
# reuse heap pages instead of faulting in fresh ones every chunk: measured, a quarter
# million rows parse RDS v2 1.6 times faster than a million. Tests lower it.
CHUNK_ROWS = 1 << 18
HEAD_BYTES = 64 * 1024
# Warnings kept in the manifest; the count of skipped rows is always exact.
# No digest, category or name in a hash set comes near this; the csv module's own default.
FIELD_LIMIT = 128 * 1024
# Longer than any category name or code a scheme uses.
MAX_CATEGORY = 64
MAX_WARNINGS = 20
DEFAULT_SCHEME = "uk"

Where = int | str  # a line number, or a path inside a JSON document


NO_ATTRIBUTES = HashEntry()


def describe(where: Where) -> str:
    return f"line {where}" if isinstance(where, int) else where


@dataclass(slots=True)
class Chunk:
    """Consecutive good rows: per digest the bytes and a mask of rows that carry it."""

    count: int
    digests: dict[str, tuple[U8, Bools]]
    entries: list[HashEntry] | None = None  # one per row, or None: the format has none


class ReadContext:
    """What a reader needs besides the file: the bad-row policy and the category map."""

    def __init__(
        self,
        display: str,
        *,
        strict: bool = False,
        scheme: str | None = None,
        category_map: Mapping[int, str] | None = None,
    ) -> None:
        self.display = display  # the file as the person named it, for every message
        self.strict = strict
        self.skipped = 0
        self.warnings: list[str] = []
        self.warning_count = 0
        self._scheme_option = scheme
        self._suggested: str | None = None
        self._category_map = dict(category_map or {})
        self._mapper: CategoryMapper | None = None

    def error(self, where: Where | None, message: str) -> HashSetError:
        """A structural error: the caller raises it and the import stops."""
        at = f"{describe(where)}: " if where is not None else ""
        return HashSetError(f"{self.display}: {at}{message}")

    def bad_row(self, where: Where, message: str) -> None:
        """One row cannot be used: skip and count it, or stop in strict mode."""
        if self.strict:
            raise self.error(where, f"{message} (strict import stops at the first bad row)")
        self.skipped += 1
        self._note(f"{self.display}: {describe(where)}: {message}")

    def warn(self, where: Where | None, message: str) -> None:
        """Something odd that does not cost the row (an unreadable flag, say)."""
        at = f"{describe(where)}: " if where is not None else ""
        self._note(f"{self.display}: {at}{message}")

    def _note(self, text: str) -> None:
        self.warning_count += 1
        if len(self.warnings) < MAX_WARNINGS:
            self.warnings.append(text)

    def suggest_scheme(self, name: str) -> None:
        """The file says which scheme it uses (a VICS profile); an explicit option wins."""
        self._suggested = name

    def category(self, raw: object, where: Where | None = None) -> str | None:
        text = str(raw).strip() if isinstance(raw, (str, int)) and raw is not True else ""
        if len(text) > MAX_CATEGORY:
            # No scheme has such a category (a 5,000-digit number was seen): the row is
            # kept, uncategorised, and the examiner told.
            self.warn(where, f"a category of {len(text):,} characters ({text[:20]}...) is not "
                             "a category: ignored")
            return None
        if self._mapper is None:
            name = self._scheme_option or self._suggested or DEFAULT_SCHEME
            self._mapper = CategoryMapper(
                get_scheme(name), self._category_map, lambda m: self.warn(None, m)
            )
        return self._mapper(raw)

    @property
    def scheme(self) -> Scheme | None:
        """The scheme categories were mapped with; None when no entry had a category."""
        return self._mapper.scheme if self._mapper else None

    @property
    def category_map(self) -> dict[int, str]:
        return dict(self._mapper.map) if self._mapper else {}


def oversized(cells: Sequence[str]) -> str:
    """Why a row with a field over FIELD_LIMIT is refused, or "" when none is."""
    longest = max((len(cell) for cell in cells), default=0)
    if longest <= FIELD_LIMIT:
        return ""
    return f"a field larger than the {FIELD_LIMIT:,}-character limit ({longest:,})"


def csv_rows(reader: Any, ctx: ReadContext, offset: int = 0) -> Iterator[list[str]]:
    """The rows of a csv.reader; a row the csv module refuses, or with a field over
    FIELD_LIMIT, is a bad row, skipped and counted, and the reading goes on after it.

    The limit is checked here as well as by the csv module, whose limit is one setting for
    the whole process (another part of the program may have raised it)."""
    while True:
        try:
            row: list[str] = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            ctx.bad_row(reader.line_num + offset, f"not a readable CSV row: {exc}")
            continue
        if problem := oversized(row):
            ctx.bad_row(reader.line_num + offset, problem)
            continue
        yield row


def parse_bool(value: object) -> bool | None:
    """A flag as JSON boolean or text ("true", "False", "yes", "1"); ValueError otherwise."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower()
    if text in ("true", "yes", "y", "1"):
        return True
    if text in ("false", "no", "n", "0"):
        return False
    if text == "":
        return None
    raise ValueError(f"{value!r} is not true or false")


def clean_pdq(value: object, ctx: ReadContext, where: Where) -> str | None:
    """A PDQ hash is 64 hex characters; anything else is dropped with a warning."""
    if value is None:
        return None
    text = str(value).strip().lower()
    if not text:
        return None
    if len(text) == 64 and all(c in "0123456789abcdef" for c in text):
        return text
    ctx.warn(where, f"PDQ value {text[:80]!r} is not 64 hex characters; ignored")
    return None


def flag(value: object, ctx: ReadContext, where: Where, field: str) -> bool | None:
    try:
        return parse_bool(value)
    except ValueError as exc:
        ctx.warn(where, f"{field}: {exc}; stored as not stated")
        return None


class RowBuffer:
    """Collects rows of hex text from a row-by-row parser and decodes them a chunk at a time.

    Each digest column is decoded in one vectorised call; rows with a bad value or no
    digest at all are reported through the context and left out of the chunk.
    """

    def __init__(
        self, ctx: ReadContext, digests: Sequence[str], with_entries: bool = False
    ) -> None:
        self.ctx = ctx
        self.names = tuple(digests)
        self.with_entries = with_entries
        self._columns: list[list[str]] = [[] for _ in self.names]
        self._where: list[Where] = []
        self._entries: list[HashEntry] = []

    @property
    def full(self) -> bool:
        return len(self._where) >= CHUNK_ROWS

    def add(self, where: Where, hexes: Sequence[str], entry: HashEntry | None = None) -> None:
        """`hexes` is aligned with the digest names; "" where the row lacks that digest."""
        for column, value in zip(self._columns, hexes, strict=True):
            column.append(value)
        self._where.append(where)
        if self.with_entries:
            self._entries.append(entry or NO_ATTRIBUTES)

    def take(self) -> Chunk | None:
        if not self._where:
            return None
        columns, where, entries = self._columns, self._where, self._entries
        self._columns, self._where, self._entries = [[] for _ in self.names], [], []
        return build_chunk(
            self.ctx,
            self.names,
            columns,
            where.__getitem__,
            entries if self.with_entries else None,
        )


def build_chunk(
    ctx: ReadContext,
    names: Sequence[str],
    columns: Sequence[Sequence[str]],
    where: Callable[[int], Where],
    entries: list[HashEntry] | None = None,
) -> Chunk | None:
    """Decode hex columns ("" = absent) in one vectorised call each; report bad rows.

    A row is kept when it carries at least one digest and every digest it carries is good.
    """
    # Here, not at the top: the formats load with the package on every triage's start-up,
    # and a run without hash sets never reads one.
    import numpy as np

    from ..hexcodec import decode_hex_strings

    n = len(columns[0]) if columns else 0
    if n == 0:
        return None
    bad = np.zeros(n, dtype=np.bool_)
    anything = np.zeros(n, dtype=np.bool_)
    decoded: dict[str, tuple[U8, Bools]] = {}
    problems: dict[int, str] = {}
    for name, column in zip(names, columns, strict=True):
        values, ok = decode_hex_strings(column, DIGEST_SIZES[name])
        present = np.fromiter(map(bool, column), dtype=np.bool_, count=n)
        wrong = present & ~ok
        for i in np.flatnonzero(wrong).tolist():
            problems.setdefault(i, _bad_value(name, column[i]))
        bad |= wrong
        anything |= present
        decoded[name] = (values, present)
    for i in np.flatnonzero(~anything & ~bad).tolist():
        problems[i] = "no digest on this row"
    for i in sorted(problems):
        ctx.bad_row(where(i), problems[i])
    keep = anything & ~bad
    count = int(keep.sum())
    if count == 0:
        return None
    if count < n:
        idx = np.flatnonzero(keep)
        decoded = {k: (v[idx], p[idx]) for k, (v, p) in decoded.items()}
        entries = [entries[i] for i in idx.tolist()] if entries is not None else None
    return Chunk(count, decoded, entries)


def _bad_value(name: str, value: str) -> str:
    size = 2 * DIGEST_SIZES[name]
    shown = value if len(value) <= 80 else value[:77] + "..."
    if len(value) != size:
        return f"bad {name} {shown!r}: {len(value)} characters, expected {size}"
    return f"bad {name} {shown!r}: not hexadecimal"


def read_head(path: Path, size: int = HEAD_BYTES) -> bytes:
    with path.open("rb") as stream:
        return stream.read(size)


def head_text(path: Path) -> str:
    """The file's first bytes as text, a leading byte-order mark removed."""
    return read_head(path).decode("utf-8-sig", errors="replace")


def first_line(path: Path) -> str:
    """The first line that is not blank ("" for an empty file)."""
    for line in head_text(path).splitlines():
        if line.strip():
            return line
    return ""


class HashSetFormat(abc.ABC):
    """One hash-set file format. Stored names are the NAME constant, never the class name.

    Each format carries a tiny example of itself; one contract test runs over all of them.
    """

    NAME: ClassVar[str]
    DESCRIPTION: ClassVar[str]
    EXAMPLE: ClassVar[str]  # the example file's text (an SQL script for SQLite formats)
    EXAMPLE_SUFFIX: ClassVar[str] = ".txt"
    EXAMPLE_ENTRIES: ClassVar[int]
    EXAMPLE_HITS: ClassVar[tuple[tuple[str, str], ...]]  # (digest, hex) found in the example
    EXAMPLE_ENTRY: ClassVar[HashEntry]  # the entry of the first hit, default scheme

    @classmethod
    def write_example(cls, path: Path) -> None:
        path.write_text(cls.EXAMPLE, encoding="utf-8")

    @classmethod
    @abc.abstractmethod
    def sniff(cls, path: Path) -> None:
        """Return if `path` looks like this format; raise NotThisFormat(reason) if not."""

    @classmethod
    @abc.abstractmethod
    def read(cls, path: Path, ctx: ReadContext) -> Iterator[Chunk]:
        """Stream the file's good rows; bad rows go to `ctx`; structural errors raise."""
