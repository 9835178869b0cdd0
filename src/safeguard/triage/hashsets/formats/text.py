"""Text lists: md5sum/sha1sum/sha256sum output, CSV with a header, and Interpol ICSE CSV."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from ...errors import NotThisFormat
from ...hashing import DIGEST_SIZES
from ...records import DIGESTS
from ..model import HashEntry
from .base import (
    Chunk,
    HashSetFormat,
    ReadContext,
    RowBuffer,
    clean_pdq,
    csv_rows,
    first_line,
    flag,
    head_text,
)

# Digest kind by hex length, for lists that do not say (md5sum-style text). Here rather
# than in hexcodec, whose numpy a triage without hash sets never loads.
DIGEST_BY_HEX_LENGTH = {2 * size: name for name, size in DIGEST_SIZES.items()}
_LENGTHS = ", ".join(f"{k} ({v})" for k, v in DIGEST_BY_HEX_LENGTH.items())


def _open_text(path: Path) -> IO[str]:
    # Undecodable bytes become U+FFFD, which then fails as "not hexadecimal" on its row
    # instead of stopping the whole import.
    return path.open(encoding="utf-8-sig", errors="replace", newline="")


# GNU coreutils: "<hex>  <name>" (text mode) or "<hex> *<name>" (binary mode); a leading
# backslash marks a name with escaped characters. A bare hex per line is accepted too.
_GNU = re.compile(r"^\\?([0-9A-Za-z]+)(?:[ \t]\*?(.*))?$")
# BSD and `--tag` style: "SHA256 (name) = <hex>".
_BSD = re.compile(r"^(?:MD5|SHA-?1|SHA-?256) ?\((.*)\) ?= ?([0-9A-Za-z]+)$", re.IGNORECASE)

_SUMS_EXAMPLE = """# example checksum list (comment lines and blank lines are ignored)
8f398c463a6df480210a1459f81409d5  example-one.jpg
089E0B355E42624E02B9E1F995E03AAB7922C369 *example-two.jpg

ea643ec57c5d132e73adf7fcb592d62919fad09b57cc5576093affb6d2038ed1
"""


class Sums(HashSetFormat):
    NAME = "sums"
    DESCRIPTION = "md5sum / sha1sum / sha256sum lists, or bare hex per line"
    EXAMPLE = _SUMS_EXAMPLE
    EXAMPLE_ENTRIES = 3
    EXAMPLE_HITS = (
        ("md5", "8f398c463a6df480210a1459f81409d5"),
        ("sha1", "089e0b355e42624e02b9e1f995e03aab7922c369"),
        ("sha256", "ea643ec57c5d132e73adf7fcb592d62919fad09b57cc5576093affb6d2038ed1"),
    )
    EXAMPLE_ENTRY = HashEntry(name="example-one.jpg")

    @classmethod
    def sniff(cls, path: Path) -> None:
        for line in head_text(path).splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parsed = _sums_line(line)
            if parsed is None or parsed[0] not in DIGEST_BY_HEX_LENGTH.values():
                raise NotThisFormat("the first line is not '<hex>  <name>' or a bare hex digest")
            return
        raise NotThisFormat("no checksum lines")

    @classmethod
    def read(cls, path: Path, ctx: ReadContext) -> Iterator[Chunk]:
        buffer = RowBuffer(ctx, DIGESTS, with_entries=True)
        hexes = ["", "", ""]
        with _open_text(path) as stream:
            for number, raw in enumerate(stream, start=1):
                line = raw.strip()
                if not line or line.startswith("#"):
                    continue
                parsed = _sums_line(line)
                if parsed is None:
                    ctx.bad_row(number, f"not a checksum line: {line[:80]!r}")
                    continue
                kind, value, name = parsed
                if kind not in DIGESTS:
                    ctx.bad_row(number, f"{len(value)} hex characters fit no digest: {_LENGTHS}")
                    continue
                hexes[0] = hexes[1] = hexes[2] = ""
                hexes[DIGESTS.index(kind)] = value
                buffer.add(number, hexes, HashEntry(name=name) if name else None)
                if buffer.full and (chunk := buffer.take()):
                    yield chunk
        if chunk := buffer.take():
            yield chunk


def _sums_line(line: str) -> tuple[str, str, str | None] | None:
    """(digest kind or "?", hex, name) for one non-blank line, or None if it is not one."""
    # BSD first: "SHA1 (x) = ..." would otherwise read as a GNU line whose hex is "SHA1".
    match = _BSD.match(line)
    if match:
        name, value = match.group(1), match.group(2)
    elif match := _GNU.match(line):
        value, name = match.group(1), match.group(2)
    else:
        return None
    return DIGEST_BY_HEX_LENGTH.get(len(value), "?"), value, (name or "").strip() or None


def _key(label: str) -> str:
    """Header labels compared loosely: "SHA-1", "sha_1" and "Sha1" are one column."""
    return re.sub(r"[\s_\-\"']", "", label).lower()


def _header(line: str, delimiters: str) -> tuple[str, dict[str, int]]:
    """The delimiter and the {column key: index} of a header line that names a digest."""
    for delimiter in delimiters:
        cells = next(csv.reader([line], delimiter=delimiter), [])
        columns: dict[str, int] = {}
        for i, cell in enumerate(cells):
            columns.setdefault(_key(cell), i)
        if any(d in columns for d in DIGESTS):
            return delimiter, columns
    raise NotThisFormat("no md5, sha1 or sha256 column in the header line")


def _cell(row: list[str], index: int | None) -> str:
    return row[index].strip() if index is not None and index < len(row) else ""


_CSV_EXAMPLE = """MD5,SHA1,Category,Series,PDQ,Notes
8F398C463A6DF480210A1459F81409D5,,A,Example series,\
1a60f3f6c1eda4e13c0d850be22708f82bbfa1ef2921456a203a80f56106e957,ignored column
96eb219993fcb121e5d8576140dfab1c,089e0b355e42624e02b9e1f995e03aab7922c369,b,,,
,919b23e10a5037e78363ab41b9b03f35bb5e8337,3,"Series, with comma",,
"""


class CsvList(HashSetFormat):
    NAME = "csv"
    DESCRIPTION = "CSV with a header naming md5, sha1, sha256 and optionally category, series, pdq"
    EXAMPLE = _CSV_EXAMPLE
    EXAMPLE_SUFFIX = ".csv"
    EXAMPLE_ENTRIES = 3
    EXAMPLE_HITS = (
        ("md5", "8f398c463a6df480210a1459f81409d5"),
        ("sha1", "089e0b355e42624e02b9e1f995e03aab7922c369"),
        ("sha1", "919b23e10a5037e78363ab41b9b03f35bb5e8337"),
    )
    EXAMPLE_ENTRY = HashEntry(
        category="A",
        series="Example series",
        pdq="1a60f3f6c1eda4e13c0d850be22708f82bbfa1ef2921456a203a80f56106e957",
    )
    DELIMITERS = ",\t;|"

    @classmethod
    def sniff(cls, path: Path) -> None:
        _header(first_line(path), cls.DELIMITERS)

    @classmethod
    def read(cls, path: Path, ctx: ReadContext) -> Iterator[Chunk]:
        with _open_text(path) as stream:
            line, offset = _header_line(stream)
            try:
                delimiter, columns = _header(line, cls.DELIMITERS)
            except NotThisFormat as exc:
                raise ctx.error(max(offset, 1), f"missing header: {exc}") from None
            digests = [columns.get(d) for d in DIGESTS]
            category, series, pdq = (columns.get(k) for k in ("category", "series", "pdq"))
            with_entries = any(i is not None for i in (category, series, pdq))
            buffer = RowBuffer(ctx, DIGESTS, with_entries=with_entries)
            reader = csv.reader(stream, delimiter=delimiter)
            for row in csv_rows(reader, ctx, offset):
                if not any(cell.strip() for cell in row):
                    continue
                where = reader.line_num + offset  # + the lines read before the reader
                entry = None
                if with_entries:
                    entry = HashEntry(
                        category=ctx.category(_cell(row, category) or None, where),
                        series=_cell(row, series) or None,
                        pdq=clean_pdq(_cell(row, pdq), ctx, where),
                    )
                buffer.add(where, [_cell(row, i) for i in digests], entry)
                if buffer.full and (chunk := buffer.take()):
                    yield chunk
            if chunk := buffer.take():
                yield chunk


def _header_line(stream: IO[str]) -> tuple[str, int]:
    """The first non-blank line, and how many lines were read to find it."""
    lines = 0
    while line := stream.readline():
        lines += 1
        if line.strip():
            return line, lines
    return "", lines


_ICSE_HEADER = (
    "MD5;SHA1;PhotoDNA;Image ID;Is distributed;Victim identified;Offender identified;Series name"
)
_ICSE_EXAMPLE = (
    _ICSE_HEADER
    + ";Notes\n"
    + "8f398c463a6df480210a1459f81409d5;A14BC8609E0C9BE98F7FD1AE6348417FC4B6ED3A;;"
    "IMG-0001;Yes;true;False;Example series;synthetic\n"
    + "96eb219993fcb121e5d8576140dfab1c;;;IMG-0002;no;;;;\n"
)


class Icse(HashSetFormat):
    NAME = "icse"
    DESCRIPTION = "Interpol ICSE CSV (';'-separated: MD5;SHA1;PhotoDNA;Image ID;...)"
    EXAMPLE = _ICSE_EXAMPLE
    EXAMPLE_SUFFIX = ".csv"
    EXAMPLE_ENTRIES = 2
    EXAMPLE_HITS = (
        ("md5", "8f398c463a6df480210a1459f81409d5"),
        ("sha1", "a14bc8609e0c9be98f7fd1ae6348417fc4b6ed3a"),
        ("md5", "96eb219993fcb121e5d8576140dfab1c"),
    )
    EXAMPLE_ENTRY = HashEntry(
        series="Example series",
        distributed=True,
        victim_identified=True,
        offender_identified=False,
        media_id="IMG-0001",
    )

    @classmethod
    def sniff(cls, path: Path) -> None:
        if not _key(first_line(path)).startswith("md5;sha1;"):
            raise NotThisFormat(f"the first line is not the ICSE header {_ICSE_HEADER}")

    @classmethod
    def read(cls, path: Path, ctx: ReadContext) -> Iterator[Chunk]:
        with _open_text(path) as stream:
            line, offset = _header_line(stream)
            if not _key(line).startswith("md5;sha1;"):
                raise ctx.error(max(offset, 1), f"missing the ICSE header {_ICSE_HEADER}")
            columns: dict[str, int] = {}
            for i, cell in enumerate(next(csv.reader([line], delimiter=";"))):
                columns.setdefault(_key(cell), i)
            col = columns.get
            buffer = RowBuffer(ctx, ("md5", "sha1"), with_entries=True)
            reader = csv.reader(stream, delimiter=";")
            for row in csv_rows(reader, ctx, offset):
                if not any(cell.strip() for cell in row):
                    continue
                where = reader.line_num + offset
                entry = HashEntry(
                    category=(
                        ctx.category(_cell(row, col("category")) or None, where)
                        if "category" in columns
                        else None
                    ),
                    series=_cell(row, col("seriesname")) or None,
                    distributed=_flag(row, col("isdistributed"), ctx, where, "Is distributed"),
                    victim_identified=_flag(
                        row, col("victimidentified"), ctx, where, "Victim identified"
                    ),
                    offender_identified=_flag(
                        row, col("offenderidentified"), ctx, where, "Offender identified"
                    ),
                    media_id=_cell(row, col("imageid")) or None,
                    photodna=_cell(row, col("photodna")) or None,
                )
                buffer.add(where, [_cell(row, col("md5")), _cell(row, col("sha1"))], entry)
                if buffer.full and (chunk := buffer.take()):
                    yield chunk
            if chunk := buffer.take():
                yield chunk


def _flag(
    row: list[str], index: int | None, ctx: ReadContext, where: int, name: str
) -> bool | None:
    return flag(_cell(row, index) or None, ctx, where, name)
