"""What flows through the engine: addresses, file entries, records and warnings.

Every record carries the chain that says where it came from (evidence → partition →
file system → path or inode → archive members), so a court report can locate each item.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import BinaryIO

# Separates an archive from the path of a member inside it, as in "/photos.zip!/a/b.jpg"
# (member paths start with "/").
ARCHIVE_SEPARATOR = "!"


class FileType(enum.StrEnum):
    """The coarse type triage needs, decided from magic bytes, never the extension."""

    IMAGE = "image"
    VIDEO = "video"
    ARCHIVE = "archive"
    OTHER = "other"
    EMPTY = "empty"


class Match(enum.StrEnum):
    """How a record matched a known-bad set: a perceptual match is never an identical file."""

    EXACT = "exact"
    PERCEPTUAL = "perceptual"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Address:
    """Where a file came from.

    `path` is the path inside the file system (or directory, or archive); `archive` holds
    the chain of containing archives from the outermost, each a path inside its parent.
    """

    evidence: str
    path: str
    partition: str = ""
    filesystem: str = ""
    inode: str = ""
    archive: tuple[str, ...] = ()

    def member(self, member_path: str) -> Address:
        """The address of `member_path` inside the archive at this address.

        The inode stays that of the outermost file on the file system: it locates the
        archive on the disk, and keeps members of a deleted and a live archive of the same
        name apart.
        """
        return Address(
            evidence=self.evidence,
            path=member_path,
            partition=self.partition,
            filesystem=self.filesystem,
            inode=self.inode,
            archive=(*self.archive, self.path),
        )

    @property
    def in_archive(self) -> bool:
        return bool(self.archive)

    @property
    def full_path(self) -> str:
        """The path a person reads: archives joined to their members with '!'."""
        return ARCHIVE_SEPARATOR.join((*self.archive, self.path))

    def key(self) -> str:
        """A unique key that sorts in report order: evidence, partition, path (archive
        members right after their archive), then inode (deleted and live files may share
        a path)."""
        return "\x1f".join(
            (self.evidence, self.partition, "\x1e".join((*self.archive, self.path)), self.inode)
        )

    def __str__(self) -> str:
        parts = [self.evidence]
        if self.partition:
            parts.append(self.partition)
        if self.filesystem:
            parts.append(self.filesystem)
        where = self.full_path
        if self.inode:
            where += f" (inode {self.inode})"
        parts.append(where)
        return " › ".join(parts)


@dataclass(frozen=True, slots=True)
class Times:
    """File system times as POSIX seconds (UTC); None where the file system has none."""

    modified: float | None = None
    accessed: float | None = None
    changed: float | None = None
    created: float | None = None


Opener = Callable[[], BinaryIO]


@dataclass(slots=True)
class FileEntry:
    """A file a source found: its address, metadata, and how to read its content."""

    address: Address
    size: int
    opener: Opener
    times: Times = field(default_factory=Times)
    deleted: bool = False
    carved: bool = False
    # Set when the content is a regular file on this machine: hashing can then map it
    # instead of copying it through Python buffers.
    local_path: str | None = None

    def fingerprint(self) -> str:
        """What the source said of the file (size, modification time): a resumed run
        checks that a file it skips as done is still the file that was examined."""
        return f"{self.size}:{self.times.modified!r}"


@dataclass(frozen=True, slots=True)
class TriageWarning:
    """A problem with one item: recorded in the report, and the run goes on."""

    address: str
    stage: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"address": self.address, "stage": self.stage, "message": self.message}


WarningSink = Callable[[TriageWarning], None]


@dataclass(slots=True)
class Record:
    """One row per file: what triage found out about it."""

    address: Address
    size: int
    file_type: FileType
    times: Times = field(default_factory=Times)
    deleted: bool = False
    carved: bool = False
    digests: dict[str, str] = field(default_factory=dict)
    mime: str = ""
    known_good: bool = False
    known_good_set: str = ""
    hashset: str = ""
    category: str = ""
    series: str = ""
    # The hash set's IsDistributed flag: the picture is known to circulate. It says
    # nothing of what was done on this device (that is `shared_location`).
    distributed: bool = False
    victim_identified: bool = False
    media_id: str = ""
    match: Match = Match.NONE
    distance: int | None = None
    error: str = ""
    # Perceptual hashes (issue 3): PDQ of a still image and its quality; the other seven
    # dihedral variants (rotations and flips) to catch mirrored copies; a video's vPDQ
    # signature as JSON. `group` names the near-duplicate group of unmatched media.
    pdq: str = ""
    pdq_quality: int | None = None
    pdq_variants: tuple[str, ...] = ()
    vpdq: str = ""
    group: str = ""
    # Found below a file-sharing program's shared or download folder (shared_folders.py):
    # decided when the reports are written, from the run's folder patterns.
    shared_location: bool = False
    # The entry's fingerprint when it was examined (FileEntry.fingerprint), journalled for
    # resume; not part of any report.
    fingerprint: str = ""

    @property
    def is_media(self) -> bool:
        return self.file_type in (FileType.IMAGE, FileType.VIDEO)
