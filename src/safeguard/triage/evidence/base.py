"""The `Source` capability: something that yields the files of one evidence item."""

from __future__ import annotations

import abc
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from ..records import FileEntry, WarningSink


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


class Source(abc.ABC):
    """One evidence item. `open` raises NotThisFormat when the path is not its kind.

    Implementations never write to the evidence. `entries` yields files in a stable order
    (so a resumed run sees the same addresses) and reports damage through `warn` rather
    than raising, so that one bad directory or inode does not stop the rest.
    """

    NAME: ClassVar[str]

    def __init__(self, path: Path, label: str) -> None:
        self.path = path
        self.label = label

    @classmethod
    @abc.abstractmethod
    def open(cls, path: Path, label: str) -> Source:
        """Recognise and open the evidence, or raise NotThisFormat / EvidenceError."""

    @abc.abstractmethod
    def entries(self, warn: WarningSink) -> Iterator[FileEntry]:
        """Every file in the evidence, deleted ones included where the source has them."""

    @abc.abstractmethod
    def describe(self, warn: WarningSink) -> EvidenceInfo:
        """The evidence's own identity: size, digest, verification of stored hashes.

        May read the whole item (an image's SHA-256): the pipeline runs it beside the
        file walk.
        """

    def files(self) -> list[Path]:
        """The files the evidence is stored in (an image's pieces or segments, a loose
        file), whose identity a resumed run checks; none for a folder."""
        return []

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release handles (image, volume, file system)."""
