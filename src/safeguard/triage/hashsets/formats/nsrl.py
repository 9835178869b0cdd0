"""NSRL Reference Data Set: RDS v2 (`NSRLFile.txt`, CSV) and RDS v3 (SQLite).

Real sets hold hundreds of millions of rows, so both stream. RDS v2 lines almost always
start `"<40 hex>","<32 hex>"`: those are found and decoded with numpy over a whole block,
without a Python call per line; any other line takes the `csv` path on its own.
Known-good sets only filter, so no per-entry attributes are kept (file name, size and
product stay in the kept copy of the list).
"""

from __future__ import annotations

import csv
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ...errors import NotThisFormat
from ..model import HashEntry
from . import base
from .base import Chunk, HashSetFormat, ReadContext, build_chunk, first_line, read_head

if TYPE_CHECKING:
    from ..hexcodec import U8, Bools

V2_HEADER = '"SHA-1","MD5","CRC32","FileName","FileSize","ProductCode","OpSystemCode","SpecialCode"'
# '"' + 40 hex + '","' + 32 hex + '"' : the fixed start of a well-formed RDS v2 line.
_FIXED = 77
_QUOTE, _COMMA, _NL, _CR = 34, 44, 10, 13
# Bytes per RDS v2 line, to size a block at about base.CHUNK_ROWS lines.
_LINE_BYTES = 96

_V2_EXAMPLE = (
    V2_HEADER
    + "\n"
    + '"A14BC8609E0C9BE98F7FD1AE6348417FC4B6ED3A","8F398C463A6DF480210A1459F81409D5",'
    '"0E2A6F36","one.dll",1234,1001,"358",""\n'
    + '"089E0B355E42624E02B9E1F995E03AAB7922C369","96EB219993FCB121E5D8576140DFAB1C",'
    '"5B1C7D22","two, with comma.dll",99,1002,"358",""\r\n'
    + '"919B23E10A5037E78363AB41B9B03F35BB5E8337","EF642E8DD765BCB24AEA25ED0168AC48",'
    '"77AA0C01","three.exe",7,1003,"362",""\n'
)


class NsrlV2(HashSetFormat):
    NAME = "nsrl-v2"
    DESCRIPTION = "NSRL RDS v2 NSRLFile.txt (CSV: SHA-1, MD5, CRC32, ...)"
    EXAMPLE = _V2_EXAMPLE
    EXAMPLE_ENTRIES = 3
    EXAMPLE_HITS = (
        ("sha1", "a14bc8609e0c9be98f7fd1ae6348417fc4b6ed3a"),
        ("md5", "8f398c463a6df480210a1459f81409d5"),
        ("sha1", "089e0b355e42624e02b9e1f995e03aab7922c369"),
        ("md5", "ef642e8dd765bcb24aea25ed0168ac48"),
    )
    EXAMPLE_ENTRY = HashEntry()

    @classmethod
    def sniff(cls, path: Path) -> None:
        line = first_line(path).strip().replace(" ", "")
        if not line.upper().startswith('"SHA-1","MD5"'):
            raise NotThisFormat(f"the first line is not the RDS v2 header {V2_HEADER}")

    @classmethod
    def read(cls, path: Path, ctx: ReadContext) -> Iterator[Chunk]:
        block_size = max(base.CHUNK_ROWS * _LINE_BYTES, 4096)
        with path.open("rb") as stream:
            header = stream.readline().decode("utf-8-sig", errors="replace").strip()
            if not header.replace(" ", "").upper().startswith('"SHA-1","MD5"'):
                raise ctx.error(1, f"missing the RDS v2 header {V2_HEADER}")
            line_no = 2  # the number of the block's first line
            carry = b""
            while True:
                block = stream.read(block_size)
                data = carry + block
                if block:
                    cut = data.rfind(b"\n")
                    if cut < 0:
                        carry = data
                        continue
                    data, carry = data[: cut + 1], data[cut + 1 :]
                elif not data:
                    break
                else:
                    data, carry = data + b"\n", b""
                chunk, lines = _v2_block(data, line_no, ctx)
                line_no += lines
                if chunk is not None:
                    yield chunk
                if not block:
                    break


def _v2_block(data: bytes, first: int, ctx: ReadContext) -> tuple[Chunk | None, int]:
    """Decode every line of `data` (which ends with a newline); return the chunk and the
    number of lines it held."""
    # numpy here and below, not at the top: the formats load on every triage's start-up,
    # and a run without hash sets never reads one.
    import numpy as np
    from numpy.lib.stride_tricks import sliding_window_view

    buf = np.frombuffer(data, dtype=np.uint8)
    ends = np.flatnonzero(buf == _NL)
    starts = np.empty_like(ends)
    starts[0] = 0
    starts[1:] = ends[:-1] + 1
    lines = len(ends)
    # Strip a carriage return, then leave out blank lines.
    ends = ends - (buf[np.maximum(ends - 1, 0)] == _CR) * (ends > starts)
    length = ends - starts
    nonblank = length > 0
    fast = nonblank & (length >= _FIXED)
    fast_idx = np.flatnonzero(fast)
    rows = sliding_window_view(buf, _FIXED)[starts[fast_idx]] if len(buf) >= _FIXED else None
    if rows is not None and len(fast_idx):
        after = buf[np.minimum(starts[fast_idx] + _FIXED, len(buf) - 1)]
        shape_ok = (
            (rows[:, 0] == _QUOTE)
            & (rows[:, 41] == _QUOTE)
            & (rows[:, 42] == _COMMA)
            & (rows[:, 43] == _QUOTE)
            & (rows[:, 76] == _QUOTE)
            & ((length[fast_idx] == _FIXED) | (after == _COMMA))
        )
        fast[fast_idx[~shape_ok]] = False
        rows = rows[shape_ok]
        fast_idx = fast_idx[shape_ok]
    sha1, sha1_ok = _decode(rows, 1, 41)
    md5, md5_ok = _decode(rows, 44, 76)
    good = sha1_ok & md5_ok
    for i in np.flatnonzero(~good).tolist():
        line = int(fast_idx[i])
        ctx.bad_row(first + line, _v2_problem(data, int(starts[line]), int(ends[line])))
    chunks: list[Chunk] = []
    if good.any():
        n = int(good.sum())
        chunks.append(Chunk(n, {"sha1": (sha1[good], _ones(n)), "md5": (md5[good], _ones(n))}))
    slow = np.flatnonzero(nonblank & ~fast).tolist()
    if slow:
        columns: tuple[list[str], list[str]] = ([], [])
        where: list[int] = []
        for i in slow:
            text = data[starts[i] : ends[i]].decode("utf-8", errors="replace")
            try:
                fields = next(csv.reader([text]), [])
            except csv.Error as exc:  # a field over the csv module's 128 KiB limit
                ctx.bad_row(first + i, f"not a readable RDS v2 row: {exc}")
                continue
            if problem := base.oversized(fields[:2]):
                ctx.bad_row(first + i, problem)
                continue
            if len(fields) < 2:
                ctx.bad_row(first + i, "not an RDS v2 row (fewer than two fields)")
                continue
            # Spaces around a quoted field leave its quotes in the value: take both off.
            columns[0].append(fields[0].strip().strip('"'))
            columns[1].append(fields[1].strip().strip('"'))
            where.append(first + i)
        extra = build_chunk(ctx, ("sha1", "md5"), columns, where.__getitem__)
        if extra is not None:
            chunks.append(extra)
    return _concat(chunks), lines


def _decode(rows: U8 | None, start: int, stop: int) -> tuple[U8, Bools]:
    import numpy as np  # not at the top: see _v2_block

    from ..hexcodec import decode_hex_matrix

    if rows is None or len(rows) == 0:
        size = (stop - start) // 2
        return np.zeros((0, size), dtype=np.uint8), np.zeros(0, dtype=np.bool_)
    return decode_hex_matrix(rows[:, start:stop])


def _ones(n: int) -> Bools:
    import numpy as np  # not at the top: see _v2_block

    return np.ones(n, dtype=np.bool_)


def _v2_problem(data: bytes, start: int, end: int) -> str:
    line = data[start:end].decode("utf-8", errors="replace")
    shown = line if len(line) <= 90 else line[:87] + "..."
    return f"bad SHA-1 or MD5 (not hexadecimal) in {shown!r}"


def _concat(chunks: list[Chunk]) -> Chunk | None:
    if not chunks:
        return None
    if len(chunks) == 1:
        return chunks[0]
    import numpy as np  # not at the top: see _v2_block

    names = chunks[0].digests.keys()
    return Chunk(
        sum(c.count for c in chunks),
        {
            name: (
                np.concatenate([c.digests[name][0] for c in chunks]),
                np.concatenate([c.digests[name][1] for c in chunks]),
            )
            for name in names
        },
    )


_V3_EXAMPLE = """
CREATE TABLE FILE (sha256 VARCHAR NOT NULL, sha1 VARCHAR NOT NULL, md5 VARCHAR NOT NULL,
                   crc32 VARCHAR, file_name VARCHAR, file_size INTEGER, package_id INTEGER);
INSERT INTO FILE VALUES
 ('1A60F3F6C1EDA4E13C0D850BE22708F82BBFA1EF2921456A203A80F56106E957',
  'A14BC8609E0C9BE98F7FD1AE6348417FC4B6ED3A', '8F398C463A6DF480210A1459F81409D5',
  '0E2A6F36', 'one.dll', 1234, 1),
 ('E198D9BE94AAD6CE4EB41AB20A10486E0314AD0D2BED697B10AE960338D5C9B7',
  '089E0B355E42624E02B9E1F995E03AAB7922C369', '96EB219993FCB121E5D8576140DFAB1C',
  '5B1C7D22', 'two.dll', 99, 1),
 ('1A60F3F6C1EDA4E13C0D850BE22708F82BBFA1EF2921456A203A80F56106E957',
  'A14BC8609E0C9BE98F7FD1AE6348417FC4B6ED3A', '8F398C463A6DF480210A1459F81409D5',
  '0E2A6F36', 'one.dll', 1234, 2),
 ('EA643EC57C5D132E73ADF7FCB592D62919FAD09B57CC5576093AFFB6D2038ED1',
  '919B23E10A5037E78363AB41B9B03F35BB5E8337', 'EF642E8DD765BCB24AEA25ED0168AC48',
  '77AA0C01', 'three.exe', 7, 2);
CREATE TABLE PKG (package_id INTEGER PRIMARY KEY, name VARCHAR);
INSERT INTO PKG VALUES (1, 'Example package'), (2, 'Example package, next version');
CREATE VIEW DISTINCT_HASH AS SELECT DISTINCT sha256, sha1, md5 FROM FILE;
"""

_SQLITE_MAGIC = b"SQLite format 3\x00"
_V3_DIGESTS = ("sha256", "sha1", "md5")


class NsrlV3(HashSetFormat):
    NAME = "nsrl-v3"
    DESCRIPTION = "NSRL RDS v3 SQLite (table FILE: sha256, sha1, md5, ...)"
    EXAMPLE = _V3_EXAMPLE
    EXAMPLE_SUFFIX = ".db"
    EXAMPLE_ENTRIES = 4  # one row repeats another under a second package: a duplicate
    EXAMPLE_HITS = (
        ("sha256", "1a60f3f6c1eda4e13c0d850be22708f82bbfa1ef2921456a203a80f56106e957"),
        ("sha1", "089e0b355e42624e02b9e1f995e03aab7922c369"),
        ("md5", "ef642e8dd765bcb24aea25ed0168ac48"),
    )
    EXAMPLE_ENTRY = HashEntry()

    @classmethod
    def write_example(cls, path: Path) -> None:
        con = sqlite3.connect(path)
        try:
            con.executescript(cls.EXAMPLE)
            con.commit()
        finally:
            con.close()

    @classmethod
    def sniff(cls, path: Path) -> None:
        if read_head(path, len(_SQLITE_MAGIC)) != _SQLITE_MAGIC:
            raise NotThisFormat("not an SQLite database")
        try:
            con = _connect(path)
            try:
                _columns(con)
            finally:
                con.close()
        except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
            # UnicodeDecodeError: SQLite's message about a damaged file can quote bytes
            # that are not UTF-8 (found by fuzzing).
            raise NotThisFormat(f"an SQLite database that cannot be read: {exc}") from None

    @classmethod
    def read(cls, path: Path, ctx: ReadContext) -> Iterator[Chunk]:
        try:
            con = _connect(path)
        except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
            raise ctx.error(None, f"cannot open the SQLite database: {exc}") from None
        try:
            try:
                names = _columns(con)
            except NotThisFormat as exc:
                raise ctx.error(None, str(exc)) from None
            select = ", ".join(f"ifnull(trim({n}), '')" for n in names)
            cursor = con.execute(f"SELECT {select} FROM FILE")  # names are from a fixed list
            done = 0
            while rows := cursor.fetchmany(base.CHUNK_ROWS):
                columns = list(zip(*rows, strict=True))
                first = done + 1
                chunk = build_chunk(ctx, names, columns, _row_label(first))
                done += len(rows)
                if chunk is not None:
                    yield chunk
        except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
            raise ctx.error(None, f"the SQLite database is damaged: {exc}") from None
        finally:
            con.close()


def _row_label(first: int) -> Callable[[int], str]:
    return lambda i: f"FILE row {first + i}"


def _connect(path: Path) -> sqlite3.Connection:
    # Read-only and immutable: never a journal or lock file beside the list being read.
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    # Text that is not UTF-8 (a damaged file; found by fuzzing) reads with replacement
    # characters: a digest holding one is then a bad row, a table name no table.
    con.text_factory = lambda raw: raw.decode("utf-8", "replace")
    return con


def _columns(con: sqlite3.Connection) -> tuple[str, ...]:
    """The digest columns of table FILE, in canonical order; NotThisFormat if none."""
    tables = con.execute(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND lower(name) = 'file'"
    ).fetchall()
    if not tables:
        raise NotThisFormat("an SQLite database without the RDS v3 table FILE")
    present = {str(row[1]).lower() for row in con.execute("PRAGMA table_info(FILE)")}
    names = tuple(n for n in _V3_DIGESTS if n in present)
    if not names:
        raise NotThisFormat("table FILE has none of the columns sha256, sha1, md5")
    return names
