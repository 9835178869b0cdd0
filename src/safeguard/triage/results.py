"""The outcome of one triage run, as the report writers receive it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .evidence.base import EvidenceInfo
from .records import Record, TriageWarning


@dataclass(slots=True)
class HashSetUse:
    """A hash set consulted by the run, as the report names it."""

    name: str
    kind: str  # "known-bad" or "known-good"
    format: str
    entries: int
    sha256: str  # digest of the imported source file: which list, exactly
    scheme: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "format": self.format,
            "entries": self.entries,
            "sha256": self.sha256,
            "scheme": self.scheme or None,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> HashSetUse:
        """as_dict's inverse (report.json's `hashsets`)."""
        return cls(
            name=str(data["name"]),
            kind=str(data["kind"]),
            format=str(data["format"]),
            entries=int(data["entries"]),
            sha256=str(data["sha256"]),
            scheme=str(data.get("scheme") or ""),
        )


@dataclass(slots=True)
class TriageResult:
    """Everything a report needs. `records` are in address order, for stable output.

    `records` may be a one-shot stream, and matching may append to `warnings` while it is
    consumed: writers iterate the records first and read `warnings` afterwards.
    """

    tool: str
    version: str
    started: str  # ISO 8601, UTC
    finished: str
    evidence: list[EvidenceInfo]
    hashsets: list[HashSetUse]
    records: Iterable[Record]
    warnings: list[TriageWarning]
    digests: tuple[str, ...]
    options: dict[str, Any] = field(default_factory=dict)
