"""The `Source` capability: something that yields the files of one evidence item.

Beside walking and describing, every source answers, with a default where it has nothing
better (tests/triage/evidence/test_source_contract.py holds each source class to it):

- `SELF_DIGESTING`: its one entry is the whole evidence (a loose file), so the evidence
  digest is that entry's own SHA-256, read once;
- `estimate()`: the bytes the walk will read, for the progress bar, or None;
- `open_item(address)`: the file at an address a triage recorded, read again (the review
  shows a picture from the evidence itself: evidence/fetch.py);
- `KEEP_OPEN`: opening it again is costly (a disk image's tables and metadata), so a
  reader of many items keeps one open, shared by its threads.
"""

from __future__ import annotations

import abc
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, ClassVar

from ..errors import ContentNotFound
from ..records import Address, FileEntry, TriageWarning, WarningSink
from .keys import VolumeKeys


@dataclass(slots=True)
class EvidenceInfo:
    """What the report says about one evidence item."""

    path: str
    kind: str
    size: int = 0
    sha256: str = ""
    md5: str = ""
    # None: nothing to verify against (a raw image or a folder); True/False: the stored
    # acquisition hash (E01) agreed or not with the hash of the data read.
    verified: bool | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "kind": self.kind,
            "size": self.size,
            "sha256": self.sha256 or None,
            "md5": self.md5 or None,
            "verified": self.verified,
            **({"detail": self.detail} if self.detail else {}),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> EvidenceInfo:
        """as_dict's inverse (report.json, the journal). KeyError or TypeError when a
        field is missing or of the wrong kind: the caller names the damaged file."""
        detail = data.get("detail") or {}
        if not isinstance(detail, dict):
            raise TypeError(f"evidence detail is not an object: {detail!r}")
        return cls(
            path=str(data["path"]),
            kind=str(data["kind"]),
            size=int(data["size"]),
            sha256=str(data["sha256"] or ""),
            md5=str(data["md5"] or ""),
            verified=None if data["verified"] is None else bool(data["verified"]),
            detail=detail,
        )


class Source(abc.ABC):
    """One evidence item. `open` raises NotThisFormat when the path is not its kind.

    Implementations never write to the evidence. `entries` yields files in a stable order
    (so a resumed run sees the same addresses) and reports damage through `warn` rather
    than raising, so that one bad directory or inode does not stop the rest.
    """

    NAME: ClassVar[str]
    # The source's one entry is the whole evidence: its evidence digest is the SHA-256 of
    # that entry's record, so the evidence is read once, not twice.
    SELF_DIGESTING: ClassVar[bool] = False
    # Opening it costs more than a read (a disk image's tables, its file system's
    # metadata): a reader of many items keeps it open. Its reads are then shared by
    # threads, so they must be safe together.
    KEEP_OPEN: ClassVar[bool] = False

    def __init__(self, path: Path, label: str) -> None:
        self.path = path
        self.label = label

    @classmethod
    @abc.abstractmethod
    def open(cls, path: Path, label: str, *, keys: VolumeKeys | None = None) -> Source:
        """Recognise and open the evidence, or raise NotThisFormat / EvidenceError.

        `keys`: the examiner's credentials for encrypted volumes (keys.py), for the
        sources that may meet one."""

    @abc.abstractmethod
    def entries(self, warn: WarningSink) -> Iterator[FileEntry]:
        """Every file in the evidence, deleted ones included where the source has them."""

    @abc.abstractmethod
    def describe(self, warn: WarningSink) -> EvidenceInfo:
        """The evidence's own identity: size, digest, verification of stored hashes.

        May read the whole item (an image's SHA-256): the pipeline runs it beside the
        file walk.
        """

    def estimate(self) -> int | None:
        """The bytes the walk will read, for the progress bar; None when that is not
        known without reading the evidence (the default)."""
        return None

    def open_item(self, address: Address, *, deleted: bool = False) -> BinaryIO:
        """A stream over the file of this evidence at `address` (as a triage recorded it)
        or, when the address is inside archives, over the outermost archive holding it:
        the archives are the caller's to open.

        `deleted`: the record was found deleted. ContentNotFound when the address no
        longer leads to a file. This default walks the source for the entry (slow, but
        every source can do it); a source that can go straight to the file does so.
        """
        problems: list[TriageWarning] = []
        wanted = (address.outer_path, address.partition, address.inode)
        for entry in self.entries(problems.append):
            found = entry.address
            if (found.path, found.partition, found.inode) == wanted:
                return entry.opener()
        raise ContentNotFound(f"{address}: not found in the evidence")

    def files(self) -> list[Path]:
        """The files the evidence is stored in (an image's pieces or segments, a loose
        file), whose identity a resumed run checks; none for a folder."""
        return []

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release handles (image, volume, file system)."""
