"""case.vics.json: the media found, as a VICS 2.0 case (UK profile) for CAID and Griffeye.

One Media per unique content (keyed by MD5, else SHA-1, else SHA-256), carrying every file
that holds that content as a MediaFile. Grouping needs every record before the first
Media can be written, and a case can hold a million images, so the collector does not
keep them in Python objects: it spills them to a scratch SQLite database beside the
outputs (never a shared temporary folder: paths on evidence are case data) and streams
the JSON out of it at the end. Memory stays flat whatever the size of the case; the
scratch file is deleted when the export is written or abandoned.

Category integers are configuration (`options["vics_category_codes"]`): the codes a UK
VICS file uses for A/B/C were not confirmed, so the default map below is documented, not
asserted, and a force sets its own.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
import uuid
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

from ... import TOOL_NAME
from ..errors import UsageError
from ..hashsets.categories import UK, UNCATEGORISED
from ..records import DIGESTS, Digest, Match, Record
from ..results import TriageResult
from ._common import atomic_text, iso_time
from .summary import category_name

VICS_CONTEXT = "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/UK/$metadata#Cases"
SOURCE_APPLICATION = TOOL_NAME

# Category name (as the hash set names it) → VICS integer. 0 is "uncategorised" in VICS
# and is used for unmatched media, known-good media and any name missing from the map.
DEFAULT_CATEGORY_CODES: dict[str, int] = {
    name: code for code, name in UK.default_map.items() if name != UNCATEGORISED}
UNCATEGORISED_CODE = 0

# The digest a Media is keyed on, in order: VICS identifies media by MD5.
_KEY_DIGESTS: tuple[Digest, ...] = DIGESTS

# A scratch name no evidence path can produce; hidden so nobody mistakes it for output.
_SCRATCH_NAME = ".case.vics.scratch.sqlite"


def category_codes(options: Mapping[str, Any]) -> dict[str, int]:
    """The name→integer map from options, checked: a bad map is a usage error, loudly."""
    raw = options.get("vics_category_codes")
    if raw is None:
        return dict(DEFAULT_CATEGORY_CODES)
    if not isinstance(raw, Mapping):
        raise UsageError("vics_category_codes must map category names to integers")
    codes: dict[str, int] = {}
    for name, code in raw.items():
        # bool is an int in Python; "true" as a category code is a mistake, not 1.
        if isinstance(code, bool) or not isinstance(code, int | str):
            raise UsageError(f"vics_category_codes[{name!r}] is not an integer: {code!r}")
        try:
            value = int(code)
        except ValueError:
            raise UsageError(f"vics_category_codes[{name!r}] is not an integer: {code!r}") from None
        if value < 0:
            raise UsageError(f"vics_category_codes[{name!r}] is negative: {value}")
        codes[str(name)] = value
    return codes


def case_id(result: TriageResult) -> str:
    """`options["case_id"]`, else a UUID derived from the case number and the evidence.

    Derived rather than random so that re-running the triage of the same evidence gives
    the same export (a reviewer can diff two runs).
    """
    given = result.options.get("case_id")
    if given:
        return str(given)
    seed = "\n".join(
        [
            "safeguard-case",
            str(result.options.get("case_number", "")),
            *(evidence.sha256 or evidence.path for evidence in result.evidence),
        ]
    )
    return str(uuid.uuid5(uuid.NAMESPACE_URL, seed))


def _media_key(record: Record) -> str:
    for name in _KEY_DIGESTS:
        value = record.digests.get(name)
        if value:
            return f"{name}:{value.lower()}"
    # Unreadable media has no content identity: it stays its own Media, never merged.
    # Dumped to ASCII: the key goes to SQLite, which cannot store a lone surrogate.
    return "address:" + _dumps(record.address.key())


def _file_name(record: Record) -> str:
    return record.address.path.rstrip("/").rsplit("/", 1)[-1]


def _media_file(record: Record) -> dict[str, Any]:
    """One MediaFile: where this copy was, with its times; times omitted when unknown."""
    entry: dict[str, Any] = {}
    md5 = record.digests.get("md5")
    if md5:
        entry["MD5"] = md5.lower()
    entry["FileName"] = _file_name(record)
    entry["FilePath"] = str(record.address)
    for vics_name, value in (
        ("Created", record.times.created),
        ("Written", record.times.modified),
        ("Accessed", record.times.accessed),
    ):
        text = iso_time(value)
        if text:
            entry[vics_name] = text
    entry["Unallocated"] = record.deleted
    entry["Deleted"] = record.deleted
    return entry


_RANK = {Match.NONE: 0, Match.PERCEPTUAL: 1, Match.EXACT: 2}


def _header(record: Record) -> dict[str, Any]:
    """What a Media says about its content, before the codes are applied."""
    return {
        "md5": record.digests.get("md5", "").lower(),
        "sha1": record.digests.get("sha1", "").lower(),
        "size": record.size,
        "mime": record.mime,
        "match": record.match.value,
        "distance": record.distance,
        # Named as the summary names it, so "uncategorised" can be given a code too.
        "category": category_name(record) if record.match is not Match.NONE else "",
        "hashset": record.hashset,
        "series": record.series,
        "distributed": record.distributed,
        "victim": record.victim_identified,
    }


def _merge(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """Fold another copy of the same content into `old`; True when `old` changed.

    Copies of the same bytes match the same way, but a perceptual match can differ by
    distance, and flags from different sets may differ: the strongest match wins (exact,
    then the nearest perceptual) and the flags are OR-ed, so no copy's finding is lost.
    """
    before = dict(old)
    old_rank, new_rank = _RANK[Match(old["match"])], _RANK[Match(new["match"])]
    nearer = (
        new_rank == old_rank == _RANK[Match.PERCEPTUAL]
        and new["distance"] is not None
        and (old["distance"] is None or new["distance"] < old["distance"])
    )
    if new_rank > old_rank or nearer:
        for key in ("match", "distance", "category", "hashset", "series"):
            old[key] = new[key]
    for key in ("md5", "sha1", "mime", "series"):
        old[key] = old[key] or new[key]
    old["distributed"] = old["distributed"] or new["distributed"]
    old["victim"] = old["victim"] or new["victim"]
    return old != before


# What the collector takes of one image or video: its medium's key, its header, and its
# file's entry already as the JSON written out.
VicsItem = tuple[str, dict[str, Any], str]


def vics_item(record: Record) -> VicsItem | None:
    """What the collector takes of `record`; None unless it is an image or a video."""
    if not record.is_media:
        return None
    # Dumped to ASCII JSON now: SQLite cannot store a str holding a lone surrogate
    # (an undecodable name on evidence), and the text is written out verbatim later.
    return _media_key(record), _header(record), _dumps(_media_file(record))


class VicsCollector:
    """Collects media records in one pass and writes the VICS case file at the end.

    Use as a context manager so the scratch database is removed whatever happens.
    """

    def __init__(self, work_dir: Path, codes: Mapping[str, int] | None = None) -> None:
        self.codes = dict(DEFAULT_CATEGORY_CODES if codes is None else codes)
        self._scratch = work_dir / _SCRATCH_NAME
        self._scratch.unlink(missing_ok=True)  # left by a run that was killed
        self._db = sqlite3.connect(self._scratch)
        # A scratch file rebuilt on every run: durability would only cost time.
        self._db.execute("PRAGMA journal_mode=OFF")
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.execute("CREATE TABLE media (key TEXT PRIMARY KEY, media_id INTEGER, header TEXT)")
        self._db.execute("CREATE TABLE files (media_id INTEGER, entry TEXT)")
        self._next_id = 1
        self.media_files = 0

    def __enter__(self) -> VicsCollector:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()
        self._scratch.unlink(missing_ok=True)

    @property
    def media(self) -> int:
        """How many Media (unique contents) have been collected."""
        return self._next_id - 1

    def add_item(self, item: VicsItem) -> None:
        """Take a medium's item made by `vics_item` (perhaps in another process)."""
        key, header, media_file = item
        row = self._db.execute("SELECT media_id, header FROM media WHERE key = ?", (key,))
        found = row.fetchone()
        if found is None:
            media_id = self._next_id
            self._next_id += 1
            self._db.execute("INSERT INTO media VALUES (?, ?, ?)", (key, media_id, _dumps(header)))
        else:
            media_id = int(found[0])
            stored: dict[str, Any] = json.loads(found[1])
            if _merge(stored, header):
                self._db.execute("UPDATE media SET header = ? WHERE key = ?", (_dumps(stored), key))
        self._db.execute("INSERT INTO files VALUES (?, ?)", (media_id, media_file))
        self.media_files += 1

    def _media(self, media_id: int, header: dict[str, Any]) -> dict[str, Any]:
        """The VICS Media object, less MediaFiles (appended as text by `write`)."""
        category = header["category"]
        code = self.codes.get(category, UNCATEGORISED_CODE) if category else UNCATEGORISED_CODE
        media: dict[str, Any] = {"MediaID": media_id, "Category": code}
        if header["md5"]:
            media["MD5"] = header["md5"]
        if header["sha1"]:
            media["SHA1"] = header["sha1"]
        media.update(
            {
                "MediaSize": header["size"],
                "IsDistributed": header["distributed"],
                "VictimIdentified": header["victim"],
                "Series": header["series"],
                "MimeType": header["mime"],
                # Graded by a hash set only when the very same file is in it; a perceptual
                # match is a suggestion that a person must confirm.
                "IsPrecategorized": header["match"] == Match.EXACT.value,
                "IsSuspected": header["match"] == Match.PERCEPTUAL.value,
            }
        )
        comments = []
        if header["match"] == Match.PERCEPTUAL.value:
            comments.append(
                f"Perceptual match (visually similar, not an identical file) to "
                f"{header['hashset'] or 'a known-bad set'}, PDQ distance {header['distance']}."
            )
        if category and category != UNCATEGORISED and category not in self.codes:
            comments.append(f"Category {category!r} has no VICS code configured.")
        if comments:
            media["Comments"] = " ".join(comments)
        return media

    def write(self, path: Path, result: TriageResult) -> None:
        """Write the case file, streaming one Media per line in MediaID order."""
        self._db.execute("CREATE INDEX files_media ON files (media_id)")
        case = {
            "CaseID": case_id(result),
            "CaseNumber": str(result.options.get("case_number", "")),
            "SourceApplicationName": SOURCE_APPLICATION,
            "SourceApplicationVersion": result.version,
        }
        rows = self._db.execute(
            "SELECT m.media_id, m.header, f.entry FROM media m "
            "JOIN files f ON f.media_id = m.media_id ORDER BY m.media_id, f.rowid"
        )
        with atomic_text(path) as out:
            # Written by hand around the Media list so that the list itself can stream;
            # every piece is produced by json.dumps, so the whole is valid JSON.
            out.write('{"@odata.context": ' + _dumps(VICS_CONTEXT) + ', "value": [')
            out.write(_dumps(case)[:-1] + ', "Media": [')
            for index, (media_id, group) in enumerate(
                itertools.groupby(rows, key=lambda row: int(row[0]))
            ):
                first = next(group)
                entries = itertools.chain([first[2]], (row[2] for row in group))
                media = _dumps(self._media(media_id, json.loads(first[1])))
                out.write(",\n" if index else "\n")
                out.write(media[:-1] + ', "MediaFiles": [' + ", ".join(entries) + "]}")
            out.write("\n]}]}\n")


def _dumps(value: Any) -> str:
    # ASCII so that any name, however hostile or undecodable, survives byte for byte.
    return json.dumps(value, ensure_ascii=True)
