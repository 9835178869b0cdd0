"""The hash-set model: what one entry carries, and what a person is told about a set."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from ..errors import UsageError
from ..results import HashSetUse

KNOWN_BAD = "known-bad"
KNOWN_GOOD = "known-good"
KINDS: tuple[str, ...] = (KNOWN_BAD, KNOWN_GOOD)


def check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise UsageError(f"unknown hash set kind {kind!r}: choose {' or '.join(KINDS)}")
    return kind


@dataclass(frozen=True, slots=True)
class HashEntry:
    """The attributes one entry of a set carries; None where its format says nothing.

    Booleans are None rather than False when the list does not state them: "not stated"
    and "stated false" mean different things in a court report.
    """

    category: str | None = None  # a category *name* of the set's scheme, never a raw code
    series: str | None = None
    distributed: bool | None = None
    victim_identified: bool | None = None
    offender_identified: bool | None = None
    media_id: str | None = None
    pdq: str | None = None  # 64 lower-case hex characters
    # A video signature (vPDQ frames) in the JSON form of triage.media.video: sets built
    # from reference videos carry it, so copies of a known video are found by content.
    vpdq: str | None = None
    photodna: str | None = None  # kept as given: proprietary, never computed here
    name: str | None = None
    size: int | None = None

    def is_empty(self) -> bool:
        return all(getattr(self, f.name) is None for f in fields(self))

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(slots=True)
class HashSetInfo:
    """A set's provenance (what was imported, from where, when) and what the import found."""

    name: str
    kind: str
    format: str
    source_path: str  # the path the list was imported from, as given
    source_file: str  # the kept copy, relative to the set's folder
    source_sha256: str
    source_size: int
    imported_at: str  # ISO 8601, UTC
    entries: int
    skipped: int
    digests: tuple[str, ...]
    scheme: str | None = None
    category_map: dict[int, str] = field(default_factory=dict)
    strict: bool = False
    pdq: int = 0  # entries that carry a PDQ hash
    duplicates: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    indexed_at: str = ""
    tool_version: str = ""

    def to_use(self) -> HashSetUse:
        """How a triage report names this set."""
        return HashSetUse(
            name=self.name,
            kind=self.kind,
            format=self.format,
            entries=self.entries,
            sha256=self.source_sha256,
            scheme=self.scheme or "",
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "format": self.format,
            "source_path": self.source_path,
            "source_file": self.source_file,
            "source_sha256": self.source_sha256,
            "source_size": self.source_size,
            "imported_at": self.imported_at,
            "entries": self.entries,
            "skipped": self.skipped,
            "digests": list(self.digests),
            "scheme": self.scheme,
            # JSON keys are strings; from_dict turns them back into the integer codes.
            "category_map": {str(k): v for k, v in sorted(self.category_map.items())},
            "strict": self.strict,
            "pdq": self.pdq,
            "duplicates": dict(self.duplicates),
            "warnings": list(self.warnings),
            "indexed_at": self.indexed_at,
            "tool_version": self.tool_version,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> HashSetInfo:
        """Read a manifest; KeyError/TypeError/ValueError mean a damaged one (caller wraps)."""
        return cls(
            name=str(data["name"]),
            kind=check_kind(str(data["kind"])),
            format=str(data["format"]),
            source_path=str(data["source_path"]),
            source_file=str(data["source_file"]),
            source_sha256=str(data["source_sha256"]),
            source_size=int(data["source_size"]),
            imported_at=str(data["imported_at"]),
            entries=int(data["entries"]),
            skipped=int(data["skipped"]),
            digests=tuple(str(d) for d in data["digests"]),
            scheme=None if data.get("scheme") is None else str(data["scheme"]),
            category_map={int(k): str(v) for k, v in dict(data.get("category_map", {})).items()},
            strict=bool(data.get("strict", False)),
            pdq=int(data.get("pdq", 0)),
            duplicates={str(k): int(v) for k, v in dict(data.get("duplicates", {})).items()},
            warnings=[str(w) for w in data.get("warnings", [])],
            indexed_at=str(data.get("indexed_at", "")),
            tool_version=str(data.get("tool_version", "")),
        )
