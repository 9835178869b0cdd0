"""The run journal: what a triage run has finished, so a killed run can resume.

A SQLite file in the output folder. Records and the warnings raised while producing them
are committed together in batches; a `kill -9` loses at most the batch in flight, whose
files are simply examined again. Matching against hash sets is not journalled: it is
cheap, vectorised, and done once at the end, so a resumed run reports exactly as an
uninterrupted one.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from .evidence.base import EvidenceInfo
from .records import Address, FileType, Match, Record, Times, TriageWarning

JOURNAL_NAME = "journal.sqlite"
SCHEMA_VERSION = "2"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (
    key TEXT PRIMARY KEY, data TEXT NOT NULL, media INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS warnings (
    address TEXT NOT NULL, stage TEXT NOT NULL, message TEXT NOT NULL,
    PRIMARY KEY (address, stage, message)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS evidence (position INTEGER PRIMARY KEY, data TEXT NOT NULL);
"""


def record_to_dict(record: Record) -> dict[str, Any]:
    a = record.address
    t = record.times
    return {
        "a": [a.evidence, a.path, a.partition, a.filesystem, a.inode, list(a.archive)],
        "t": [t.modified, t.accessed, t.changed, t.created],
        "s": record.size,
        "y": record.file_type.value,
        "m": record.mime,
        "d": record.digests,
        "del": record.deleted,
        "car": record.carved,
        "e": record.error,
        **_perceptual_fields(record),
    }


def _perceptual_fields(record: Record) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if record.pdq:
        fields["p"] = [record.pdq, record.pdq_quality, list(record.pdq_variants)]
    if record.vpdq:
        fields["v"] = record.vpdq
    return fields


def record_from_dict(data: dict[str, Any]) -> Record:
    evidence, path, partition, filesystem, inode, archive = data["a"]
    pdq, quality, variants = data.get("p", ("", None, ()))
    return Record(
        address=Address(evidence, path, partition, filesystem, inode, tuple(archive)),
        size=data["s"],
        file_type=FileType(data["y"]),
        mime=data["m"],
        times=Times(*data["t"]),
        deleted=data["del"],
        carved=data["car"],
        digests=data["d"],
        error=data["e"],
        match=Match.NONE,
        pdq=pdq,
        pdq_quality=quality,
        pdq_variants=tuple(variants),
        vpdq=data.get("v", ""),
    )


class Journal:
    """One run's journal. Not thread-safe: only the pipeline's main thread writes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        # NORMAL in WAL mode survives a killed process (not a power cut, which a re-run
        # after restart covers).
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(_SCHEMA)

    @classmethod
    def exists(cls, out_dir: Path) -> bool:
        return (out_dir / JOURNAL_NAME).exists()

    def get(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def put(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def done_keys(self) -> set[str]:
        return {row[0] for row in self.db.execute("SELECT key FROM records")}

    def commit(self, records: Iterable[Record], warnings: Iterable[TriageWarning]) -> None:
        """Write a batch in one transaction (records with the warnings they raised)."""
        with self.db:
            self.db.execute("BEGIN")
            self.db.executemany(
                "INSERT OR REPLACE INTO records VALUES (?, ?, ?)",
                (
                    (
                        r.address.key(),
                        json.dumps(record_to_dict(r), separators=(",", ":")),
                        int(r.is_media),
                    )
                    for r in records
                ),
            )
            self.db.executemany(
                "INSERT OR IGNORE INTO warnings VALUES (?, ?, ?)",
                ((w.address, w.stage, w.message) for w in warnings),
            )

    def save_evidence(self, position: int, info: EvidenceInfo) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO evidence VALUES (?, ?)",
            (position, json.dumps(info.as_dict())),
        )

    def evidence(self) -> dict[int, EvidenceInfo]:
        out = {}
        for position, data in self.db.execute("SELECT position, data FROM evidence"):
            d = json.loads(data)
            out[position] = EvidenceInfo(
                path=d["path"],
                kind=d["kind"],
                size=d["size"],
                sha256=d["sha256"] or "",
                md5=d["md5"] or "",
                verified=d["verified"],
                detail=d.get("detail", {}),
            )
        return out

    def records(self, media_only: bool = False) -> Iterator[Record]:
        """All records (or the images and videos) in address order: the journal key sorts
        by evidence, partition, then path."""
        where = "WHERE media = 1 " if media_only else ""
        # A cursor of its own: the caller may write to the journal while reading.
        cursor = self.db.cursor()
        for (data,) in cursor.execute(f"SELECT data FROM records {where}ORDER BY key"):
            yield record_from_dict(json.loads(data))

    def count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM records").fetchone()[0])

    def warnings(self) -> list[TriageWarning]:
        return [
            TriageWarning(a, s, m)
            for a, s, m in self.db.execute(
                "SELECT address, stage, message FROM warnings ORDER BY address, stage, message"
            )
        ]

    def close(self) -> None:
        self.db.close()
