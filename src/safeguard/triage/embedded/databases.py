"""SQLite databases: every blob that is a picture or a video (chat applications keep
thumbnails and received media there). The database is read from memory (SQLite's
deserialize): the evidence is never opened by SQLite itself, so nothing can write to it,
and no journal or WAL file is created beside it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import BinaryIO

from ..filetypes import sniff
from ..records import MEDIA_TYPES, Address, FileEntry, WarningSink
from . import item, not_read, safe_name

# A database larger than this is not read (a warning says so): it is held in memory.
MAX_DATABASE = 2 * 1024 * 1024 * 1024
# A blob shorter than this holds no picture worth reporting (a GIF of one pixel is 35).
MIN_BLOB = 64


def sqlite_items(stream: BinaryIO, address: Address, warn: WarningSink) -> Iterator[FileEntry]:
    data = stream.read(MAX_DATABASE + 1)
    if len(data) > MAX_DATABASE:
        warn(not_read(address, "SQLite database", "larger than 2 GiB"))
        return
    connection = sqlite3.connect(":memory:")
    try:
        connection.deserialize(data)
        # Read-only from here: a hostile schema cannot make us write anything.
        connection.execute("PRAGMA query_only = ON")
        tables = [row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")]
    except sqlite3.Error as exc:
        connection.close()
        warn(not_read(address, "SQLite database", exc))
        return
    try:
        for table in tables:
            yield from _table(connection, table, address, warn)
    finally:
        connection.close()


def _table(connection: sqlite3.Connection, table: str, address: Address,
           warn: WarningSink) -> Iterator[FileEntry]:
    quoted = '"' + table.replace('"', '""') + '"'
    where = f"/{safe_name(table)}"
    try:
        try:
            cursor = connection.execute(f"SELECT rowid, * FROM {quoted}")
            has_rowid = True
        except sqlite3.OperationalError:  # a WITHOUT ROWID table: rows by position
            cursor = connection.execute(f"SELECT * FROM {quoted}")
            has_rowid = False
        columns = [d[0] for d in cursor.description][1 if has_rowid else 0:]
        for position, row in enumerate(cursor, start=1):
            key = row[0] if has_rowid else position
            for column, value in zip(columns, row[1:] if has_rowid else row, strict=False):
                if isinstance(value, bytes) and len(value) >= MIN_BLOB \
                        and sniff(value[:512])[0] in MEDIA_TYPES:
                    yield item(address, f"{where}/row {key}/{safe_name(column)}", value)
    except sqlite3.Error as exc:
        warn(not_read(address.member(where), "SQLite table", exc))
