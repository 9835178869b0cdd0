"""Per-entry attributes (category, series, flags, PDQ...), in a small SQLite table by row.

Only a match needs them, so they are read one row (or a few) at a time and never held
in memory. Rows without any attribute are not stored at all: a known-good NSRL set has
no table, and a hit on it answers an empty `HashEntry`.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import fields
from pathlib import Path
from typing import Any

from ..errors import HashSetError
from .model import HashEntry

ENTRIES_FILE = "entries.sqlite"
_FIELDS = tuple(f.name for f in fields(HashEntry))
_BOOLS = frozenset({"distributed", "victim_identified", "offender_identified"})
_SCHEMA = (
    "CREATE TABLE entry (row INTEGER PRIMARY KEY, category TEXT, series TEXT, "
    "distributed INTEGER, victim_identified INTEGER, offender_identified INTEGER, "
    "media_id TEXT, pdq TEXT, vpdq TEXT, photodna TEXT, name TEXT, size INTEGER)"
)
_INSERT = (
    f"INSERT INTO entry (row, {', '.join(_FIELDS)}) VALUES ({', '.join('?' * (len(_FIELDS) + 1))})"
)


class EntryWriter:
    """Writes attributes while the index is built; creates the table on the first one."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.pdq = 0
        self._con: sqlite3.Connection | None = None

    def add(self, first_row: int, entries: Sequence[HashEntry]) -> None:
        rows = [
            (first_row + i, *(getattr(e, f) for f in _FIELDS))
            for i, e in enumerate(entries)
            if not e.is_empty()
        ]
        if not rows:
            return
        if self._con is None:
            self._con = sqlite3.connect(self.path)
            # Built in a private temporary folder and renamed into place when complete,
            # so the journal's crash safety buys nothing here.
            self._con.execute("PRAGMA journal_mode = OFF")
            self._con.execute("PRAGMA synchronous = OFF")
            self._con.execute(_SCHEMA)
        self._con.executemany(_INSERT, rows)
        self.pdq += sum(1 for e in entries if e.pdq)

    def close(self) -> None:
        if self._con is not None:
            self._con.commit()
            self._con.close()
            self._con = None


class EntryReader:
    """Reads attributes by row. Safe to share between threads (one lock, short queries)."""

    def __init__(self, path: Path, label: str) -> None:
        self._lock = threading.Lock()
        self._label = label
        self._con: sqlite3.Connection | None = None
        self._uri = ""
        self._pid = os.getpid()
        if path.exists():
            self._uri = f"{path.resolve().as_uri()}?mode=ro"
            self._con = sqlite3.connect(self._uri, uri=True, check_same_thread=False)

    def get(self, row: int) -> HashEntry:
        return self.get_many([row])[0]

    def get_many(self, rows: Iterable[int]) -> list[HashEntry]:
        wanted = [int(r) for r in rows]
        if self._con is None or not wanted:
            return [HashEntry() for _ in wanted]
        found: dict[int, HashEntry] = {}
        # SQLite limits bound parameters per statement; 500 stays far below it.
        for lo in range(0, len(wanted), 500):
            part = wanted[lo : lo + 500]
            sql = (
                f"SELECT row, {', '.join(_FIELDS)} FROM entry "
                f"WHERE row IN ({', '.join('?' * len(part))})"
            )
            for record in self._query(sql, part):
                found[int(record[0])] = _entry(record[1:])
        return [found.get(r, HashEntry()) for r in wanted]

    def pdq(self) -> Iterator[tuple[int, str]]:
        """(row, pdq) of every entry that carries a PDQ hash, in row order, a page at a time."""
        if self._con is None:
            return
        sql = (
            "SELECT row, pdq FROM entry WHERE pdq IS NOT NULL AND row > ? ORDER BY row LIMIT 10000"
        )
        last = -1
        while page := self._query(sql, [last]):
            for row, value in page:
                yield int(row), str(value)
            last = int(page[-1][0])

    def vpdq(self) -> Iterator[tuple[int, str]]:
        """(row, video signature) of every entry that carries one, in row order."""
        if self._con is None:
            return
        sql = (
            "SELECT row, vpdq FROM entry WHERE vpdq IS NOT NULL AND row > ? "
            "ORDER BY row LIMIT 1000"
        )
        last = -1
        while page := self._query(sql, [last]):
            for row, value in page:
                yield int(row), str(value)
            last = int(page[-1][0])

    def _query(self, sql: str, params: list[int]) -> list[tuple[Any, ...]]:
        try:
            with self._lock:
                if self._con is None:
                    raise HashSetError(f"hash set {self._label!r} is closed")
                if self._pid != os.getpid():
                    # A forked process (the reports written in parts) opens its own: a
                    # connection must never be used on both sides of a fork (SQLite's
                    # rule). The parent's is left alone, not closed from here.
                    self._con = sqlite3.connect(self._uri, uri=True, check_same_thread=False)
                    self._pid = os.getpid()
                return self._con.execute(sql, params).fetchall()
        except sqlite3.DatabaseError as exc:
            raise HashSetError(f"hash set {self._label!r}: entry table damaged: {exc}") from None

    def close(self) -> None:
        with self._lock:
            if self._con is not None:
                self._con.close()
                self._con = None


def _entry(values: Sequence[Any]) -> HashEntry:
    data = dict(zip(_FIELDS, values, strict=True))
    for name in _BOOLS:
        if data[name] is not None:
            data[name] = bool(data[name])
    return HashEntry(**data)
