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
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import orjson

from .errors import JournalError
from .evidence.base import EvidenceInfo
from .records import (
    MEDIA_TYPES,
    Address,
    FileType,
    Record,
    Times,
    TriageWarning,
    legacy_address,
)

JOURNAL_NAME = "journal.sqlite"
SCHEMA_VERSION = "3"

# Keys and warnings are stored as UTF-8 BLOBs with surrogates passed through: a name on
# the evidence that is not UTF-8 reaches Python as a lone surrogate (\udcff), which an
# SQLite TEXT value cannot hold. BLOBs compare byte by byte, which for UTF-8 is code point
# order: records still come back in address order.
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (
    key BLOB PRIMARY KEY, data TEXT NOT NULL, media INTEGER NOT NULL DEFAULT 0,
    fingerprint TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS warnings (
    address BLOB NOT NULL, stage BLOB NOT NULL, message BLOB NOT NULL,
    PRIMARY KEY (address, stage, message)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS evidence (position INTEGER PRIMARY KEY, data TEXT NOT NULL);
"""


def _blob(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def _lenient_text(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


def _text(blob: object) -> str:
    if not isinstance(blob, bytes):
        # The journal writes BLOBs; a TEXT or number there (SQLite keeps any type in any
        # column) was not written by this program. Raised as the decode error its readers
        # already turn into "the journal is damaged" (a fuzz finding: a TypeError before).
        raise UnicodeDecodeError("utf-8", b"", 0, 1,
                                 f"a {type(blob).__name__} where a BLOB was written")
    return blob.decode("utf-8", "surrogatepass")


def _address_list(a: Address) -> list[Any]:
    return [a.evidence, a.path, a.partition, a.filesystem, a.inode, list(a.archive)]


def _address_from_list(data: list[Any]) -> Address:
    evidence, path, partition, filesystem, inode, archive = data
    return Address(evidence, path, partition, filesystem, inode, tuple(archive))


def _warning_address(text: str) -> Address:
    """A warning's address as journalled: its list, as a record's; a journal from before
    warnings kept their address held its text."""
    if text.startswith("["):
        try:
            address = _address_from_list(_decoded(text))
        except (ValueError, TypeError):
            return legacy_address(text)
        parts = (address.evidence, address.path, address.partition, address.filesystem,
                 address.inode, *address.archive)
        if all(isinstance(part, str) for part in parts):
            return address
    return legacy_address(text)


def record_to_dict(record: Record) -> dict[str, Any]:
    t = record.times
    return _row_dict(record.address, (t.modified, t.accessed, t.changed, t.created),
                     record.size, record.file_type, record.mime, record.digests,
                     record.deleted, record.carved, record.error, record.fingerprint,
                     {**_perceptual_fields(record), **_origin_fields(record)})


def _row_dict(address: Address, times: Sequence[float | None], size: int,
              file_type: FileType, mime: str, digests: dict[str, str], deleted: bool,
              carved: bool, error: str, fingerprint: str,
              optional: dict[str, Any] | None = None) -> dict[str, Any]:
    """A record's row, from its fields: a Record's (record_to_dict), or those of a plain
    file examined without one (plain_row)."""
    row = {
        "a": _address_list(address),
        "t": list(times),
        "s": size,
        "y": file_type.value,
        "m": mime,
        "d": digests,
        "del": deleted,
        "car": carved,
        "e": error,
        "f": fingerprint,
    }
    if optional:
        row.update(optional)
    return row


def _origin_fields(record: Record) -> dict[str, Any]:
    """Issue 17's flags, written only when set: a journal of a run without them reads the
    same as before."""
    fields: dict[str, Any] = {}
    if record.embedded:
        fields["emb"] = True
    if record.thumbnail:
        fields["thm"] = record.original_path
    return fields


def _perceptual_fields(record: Record) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if record.pdq:
        fields["p"] = [record.pdq, record.pdq_quality, list(record.pdq_variants)]
    if record.vpdq:
        fields["v"] = record.vpdq
    return fields


# A plain record's row (no perceptual hash, not embedded, not a thumbnail) has these ten
# keys and no other: almost every row of a run.
_PLAIN_KEYS = frozenset(("a", "t", "s", "y", "m", "d", "del", "car", "e", "f"))
_FILE_TYPES: dict[object, FileType] = {member.value: member for member in FileType}


def record_from_dict(data: dict[str, Any]) -> Record:
    """A journalled row's Record. The optional keys are looked for only in a row that has
    more than a plain row's, and the file type is found by a dict rather than the enum's
    call: 4.0 → 2.9 µs a row of 20,000 small files' reports. A damaged row raises what it
    always raised (tests/triage/test_journal_read.py)."""
    kind = data["y"]
    file_type = _FILE_TYPES.get(kind) if isinstance(kind, str) else None
    record = Record(
        address=_address_from_list(data["a"]),
        size=data["s"],
        file_type=FileType(kind) if file_type is None else file_type,
        mime=data["m"],
        times=Times(*data["t"]),
        deleted=data["del"],
        carved=data["car"],
        digests=data["d"],
        error=data["e"],
        fingerprint=data.get("f", ""),
    )
    if len(data) > len(_PLAIN_KEYS) or data.keys() - _PLAIN_KEYS:
        pdq, quality, variants = data.get("p", ("", None, ()))
        record.pdq, record.pdq_quality, record.pdq_variants = pdq, quality, tuple(variants)
        record.vpdq = data.get("v", "")
        record.embedded = bool(data.get("emb", False))
        record.thumbnail = "thm" in data
        record.original_path = str(data.get("thm") or "")
    return record


# A record and a warning as the journal's tables hold them: made where the item was
# examined (a worker process, a cluster's worker), so the coordinator only inserts them.
RecordRow = tuple[bytes, str, int, str]
WarningRow = tuple[bytes, bytes, bytes]

# json's encoder, made once (json.dumps with an argument makes one a call): for what
# orjson refuses, and for the warnings' keys. No record holds a cycle.
_COMPACT = json.JSONEncoder(separators=(",", ":"), check_circular=False)


def _encoded(value: object) -> str:
    """A journal row's JSON. orjson (C, maintained) writes and reads a small file's row in
    a fifth of json's time, which is a worker's and the reports' share of every file; it
    refuses what json takes: a name that is not UTF-8 (a lone surrogate, written `\\udcff`
    by json), and integers past 64 bits. Digests are keyed by `Digest` members, which
    orjson takes as keys only when told to (it writes their value, as json does)."""
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
    except orjson.JSONEncodeError:
        return _COMPACT.encode(value)


def _decoded(text: str) -> Any:
    """A row written by `_encoded` (or by json, in a journal from before orjson)."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def record_row(record: Record) -> RecordRow:
    return _keyed(record.address, record_to_dict(record), record.file_type,
                  record.fingerprint)


def plain_row(address: Address, times: Sequence[float | None], size: int,
              file_type: FileType, mime: str, digests: dict[str, str], deleted: bool,
              carved: bool, fingerprint: str) -> RecordRow:
    """`record_row` of a file whose record would hold only these fields (no error, no
    perceptual hash, not embedded): what a worker writes of most files of a folder
    without making the Record (batches.py)."""
    return _keyed(address, _row_dict(address, times, size, file_type, mime, digests,
                                     deleted, carved, "", fingerprint),
                  file_type, fingerprint)


def _keyed(address: Address, row: dict[str, Any], file_type: FileType, fingerprint: str
           ) -> RecordRow:
    return (_blob(address.key()), _encoded(row), int(file_type in MEDIA_TYPES), fingerprint)


def warning_row(warning: TriageWarning) -> WarningRow:
    # json's own text, always: the address is the warnings' key, and a resumed run must
    # write the same key for the same warning (a warning is rare: speed is no matter).
    return (_blob(_COMPACT.encode(_address_list(warning.address))),
            _blob(warning.stage), _blob(warning.message))


class Journal:
    """One run's journal. Not thread-safe: only the pipeline's main thread writes.

    Anything SQLite or the decoder says of a damaged journal (a file that is not a
    database, a malformed page, a record that is not what we wrote) is a JournalError
    naming the file: the run cannot be resumed from it, and the examiner is told so.
    """

    def __init__(self, path: Path, *, check: bool = False, readonly: bool = False) -> None:
        """`readonly`: only to be read (a process writing a part of the reports: the run's
        own connection is never carried across a fork)."""
        self.path = path
        try:
            self.db = (sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                                       isolation_level=None) if readonly
                       else sqlite3.connect(path, isolation_level=None))
            # A damaged file can hand back text that is not UTF-8 (found by fuzzing): read
            # it with replacement characters, and let the checks below refuse the file.
            self.db.text_factory = _lenient_text
            if readonly:
                return
            if check:
                result = self.db.execute("PRAGMA quick_check").fetchone()
                if result is None or result[0] != "ok":
                    raise sqlite3.DatabaseError(str(result[0]) if result else "no answer")
            self.db.execute("PRAGMA journal_mode=WAL")
            # NORMAL in WAL mode survives a killed process (not a power cut, which a
            # re-run after restart covers).
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.executescript(_SCHEMA)
        except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
            # UnicodeDecodeError: SQLite's own message about a damaged file can quote
            # bytes that are not UTF-8 (found by fuzzing).
            raise self._damaged(exc) from None

    def _damaged(self, exc: BaseException) -> JournalError:
        return JournalError(
            f"{self.path}: the run journal is damaged ({exc}): this run cannot be resumed; "
            "start it again with another --out"
        )

    @classmethod
    def exists(cls, out_dir: Path) -> bool:
        return (out_dir / JOURNAL_NAME).exists()

    def get(self, key: str) -> str | None:
        try:
            row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
            raise self._damaged(exc) from None
        return None if row is None else str(row[0])

    def put(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def done(self) -> dict[str, str]:
        """{key: fingerprint} of every record already journalled."""
        try:
            return {
                _text(key): str(fingerprint)
                for key, fingerprint in self.db.execute("SELECT key, fingerprint FROM records")
            }
        except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
            raise self._damaged(exc) from None

    def commit(self, records: Iterable[Record], warnings: Iterable[TriageWarning]) -> None:
        """Write a batch in one transaction (records with the warnings they raised)."""
        self.commit_rows(map(record_row, records), map(warning_row, warnings))

    def commit_rows(self, rows: Iterable[RecordRow], warnings: Iterable[WarningRow]) -> None:
        """`commit` of rows already made by record_row and warning_row (by the worker
        processes or the cluster's workers that examined the items: batches.py)."""
        with self.db:
            self.db.execute("BEGIN")
            self.db.executemany("INSERT OR REPLACE INTO records VALUES (?, ?, ?, ?)", rows)
            self.db.executemany("INSERT OR IGNORE INTO warnings VALUES (?, ?, ?)", warnings)

    def save_evidence(self, position: int, info: EvidenceInfo) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO evidence VALUES (?, ?)",
            (position, json.dumps(info.as_dict())),
        )

    def evidence(self) -> dict[int, EvidenceInfo]:
        out = {}
        try:
            for position, data in self.db.execute("SELECT position, data FROM evidence"):
                out[int(position)] = EvidenceInfo.from_dict(json.loads(data))
        except (sqlite3.DatabaseError, ValueError, TypeError, KeyError, AttributeError) as exc:
            raise self._damaged(exc) from None  # ValueError covers UnicodeDecodeError
        return out

    def records(self, media_only: bool = False) -> Iterator[Record]:
        """All records (or the images and videos) in address order: the journal key sorts
        by evidence, partition, then path."""
        return self.records_between(None, None, media_only=media_only)

    def records_between(self, first: bytes | None, end: bytes | None, *,
                        media_only: bool = False) -> Iterator[Record]:
        """`records` from the key `first` (None: the start) up to, not including, `end`
        (None: the end): one part of the run's records (reports/parts.py)."""
        where = ["media = 1"] if media_only else []
        bounds: list[bytes] = []
        if first is not None:
            where.append("key >= ?")
            bounds.append(first)
        if end is not None:
            where.append("key < ?")
            bounds.append(end)
        clause = f"WHERE {' AND '.join(where)} " if where else ""
        # A cursor of its own: the caller may write to the journal while reading.
        cursor = self.db.cursor()
        try:
            for key, data in cursor.execute(
                    f"SELECT key, data FROM records {clause}ORDER BY key", bounds):
                try:
                    yield record_from_dict(_decoded(data))
                except (ValueError, TypeError, KeyError, AttributeError) as exc:
                    raise JournalError(
                        f"{self.path}: the record of {_text(key)!r} is damaged ({exc!r}): "
                        "this run cannot be finished; start it again with another --out"
                    ) from None
        except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
            raise self._damaged(exc) from None

    def check_records(self) -> None:
        """Read every record back once (before a resume does any work): a record that is
        not what we wrote is a JournalError now, not at the end of the run."""
        for _ in self.records():
            pass

    def count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM records").fetchone()[0])

    def part_bounds(self, parts: int, total: int) -> list[bytes | None]:
        """Keys cutting the `total` records (`count()`) into `parts` runs of (nearly) equal
        length, in order: [None, k1, ..., None], part i running from bounds[i] up to
        bounds[i + 1]. One read of the keys alone (the primary key's own order)."""
        step = max(1, -(-total // max(1, parts)))
        cuts: list[bytes | None] = [None]
        for position, (key,) in enumerate(self.db.execute(
                "SELECT key FROM records ORDER BY key")):
            if position and position % step == 0:
                cuts.append(bytes(key))
        cuts.append(None)
        return cuts

    def warnings(self) -> list[TriageWarning]:
        try:
            return [
                TriageWarning(_warning_address(_text(a)), _text(s), _text(m))
                for a, s, m in self.db.execute(
                    "SELECT address, stage, message FROM warnings ORDER BY address, stage, "
                    "message"
                )
            ]
        except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
            raise self._damaged(exc) from None

    def close(self) -> None:
        self.db.close()
