"""What flows through the engine: addresses, file entries, records and warnings.

Every record carries the chain that says where it came from (evidence → partition →
file system → path or inode → archive members), so a court report can locate each item.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, BinaryIO

# Separates an archive from the path of a member inside it, as in "/photos.zip!/a/b.jpg"
# (member paths start with "/").
ARCHIVE_SEPARATOR = "!"
# How the parts of an address are shown to a person: "evidence › partition › path".
ADDRESS_SEPARATOR = " › "
# The columns that hold an address in files.csv (and in report.json's warning locations),
# in files.csv's order. `Address.columns` and `Address.from_columns` are their codec.
ADDRESS_COLUMNS: tuple[str, ...] = ("evidence", "partition", "filesystem", "path", "archive",
                                    "inode")
# Inside one archive path, "!/" (a folder whose name ends in "!") is written "!//": no
# path of the chain begins with "//", so the join below reads back unambiguously.
_SEPARATOR_IN_NAME = ARCHIVE_SEPARATOR + "/"
_ESCAPED_IN_NAME = ARCHIVE_SEPARATOR + "//"


class Digest(enum.StrEnum):
    """The content digests the engine computes, in canonical order."""

    MD5 = "md5"
    SHA1 = "sha1"
    SHA256 = "sha256"


# Every digest, in canonical order (the order of files.csv's columns and of --digests).
DIGESTS: tuple[Digest, ...] = tuple(Digest)


class FileType(enum.StrEnum):
    """The coarse type triage needs, decided from magic bytes, never the extension."""

    IMAGE = "image"
    VIDEO = "video"
    ARCHIVE = "archive"
    OTHER = "other"
    EMPTY = "empty"


# Pictures and videos: what the perceptual hashes, the media matches and VICS's Media are of.
MEDIA_TYPES = (FileType.IMAGE, FileType.VIDEO)


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

    @classmethod
    def of_evidence(cls, evidence: str, partition: str = "") -> Address:
        """The address of a whole evidence item (or one of its partitions), for warnings
        about it rather than about one file."""
        return cls(evidence=evidence, path="", partition=partition)

    def columns(self) -> dict[str, str]:
        """The address as files.csv's columns (ADDRESS_COLUMNS), by name."""
        return {
            "evidence": self.evidence,
            "partition": self.partition,
            "filesystem": self.filesystem,
            "path": self.path,
            "archive": join_archive_chain(self.archive),
            "inode": self.inode,
        }

    @classmethod
    def from_columns(cls, row: Mapping[str, Any]) -> Address:
        """The address in a files.csv row (or any mapping with those column names); a
        column that is missing reads as empty."""
        return cls(
            evidence=str(row.get("evidence") or ""),
            path=str(row.get("path") or ""),
            partition=str(row.get("partition") or ""),
            filesystem=str(row.get("filesystem") or ""),
            inode=str(row.get("inode") or ""),
            archive=split_archive_chain(str(row.get("archive") or "")),
        )

    @property
    def outer_path(self) -> str:
        """The path of the file on the evidence that holds this item: the item itself, or
        the outermost archive around it."""
        return self.archive[0] if self.archive else self.path

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
        if where:
            parts.append(where)
        return ADDRESS_SEPARATOR.join(parts)


def join_archive_chain(chain: tuple[str, ...]) -> str:
    """Address.archive as files.csv's `archive` column: the paths joined by "!", as in
    `/backup.zip!/set.tar.gz`. A "!/" inside one path is written "!//"."""
    return ARCHIVE_SEPARATOR.join(part.replace(_SEPARATOR_IN_NAME, _ESCAPED_IN_NAME)
                                  for part in chain)


def split_archive_chain(text: str) -> tuple[str, ...]:
    """files.csv's `archive` column as Address.archive: cut at each "!" that begins the
    next path ("!/" not followed by another "/"); "!//" is a "!/" inside a path."""
    if not text:
        return ()
    parts: list[str] = []
    current: list[str] = []
    start = 0
    while (found := text.find(_SEPARATOR_IN_NAME, start)) >= 0:
        if text.startswith(_ESCAPED_IN_NAME, found):
            current.append(text[start:found] + _SEPARATOR_IN_NAME)
            start = found + len(_ESCAPED_IN_NAME)
        else:
            current.append(text[start:found])
            parts.append("".join(current))
            current = []
            start = found + len(ARCHIVE_SEPARATOR)
    current.append(text[start:])
    parts.append("".join(current))
    return tuple(parts)


def address_of(
    *,
    path: str,
    evidence: str = "",
    partition: str = "",
    filesystem: str = "",
    inode: str = "",
    archive: str = "",
) -> Address:
    """The Address of a files.csv row given as its columns, by name."""
    return Address.from_columns({"evidence": evidence, "partition": partition,
                                 "filesystem": filesystem, "path": path,
                                 "archive": archive, "inode": inode})


def legacy_address(text: str) -> Address:
    """An address known only as its text (a report.json written before warnings carried
    their location): the evidence is its first part, the rest stays as text in `path`,
    so that str() gives the text back."""
    evidence, _, rest = text.partition(ADDRESS_SEPARATOR)
    return Address(evidence=evidence, path=rest)


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
    # Found inside another file (an e-mail's attachment, a document's picture, a database
    # blob, a web cache entry's body) or in a thumbnail cache (issue 17); a thumbnail's
    # original path where the cache records it.
    embedded: bool = False
    thumbnail: bool = False
    original_path: str = ""
    # Set when the content is a regular file on this machine: hashing can then map it
    # instead of copying it through Python buffers.
    local_path: str | None = None

    def fingerprint(self) -> str:
        """What the source said of the file (size, modification time): a resumed run
        checks that a file it skips as done is still the file that was examined."""
        return entry_fingerprint(self.size, self.times.modified)


def entry_fingerprint(size: int, modified: float | None) -> str:
    """FileEntry.fingerprint, of an entry's size and modification time as they travel
    to a worker (batches.py)."""
    return f"{size}:{modified!r}"


@dataclass(frozen=True, slots=True)
class TriageWarning:
    """A problem with one item: recorded in the report, and the run goes on."""

    address: Address
    stage: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        """As report.json holds it: the address as text for people, and its `location`
        in files.csv's address columns for programs."""
        return {"address": str(self.address), "stage": self.stage, "message": self.message,
                "location": self.address.columns()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TriageWarning:
        location = data.get("location")
        address = (Address.from_columns(location) if isinstance(location, Mapping)
                   else legacy_address(str(data.get("address") or "")))
        return cls(address, str(data.get("stage") or ""), str(data.get("message") or ""))

    def sort_key(self) -> tuple[str, str, str]:
        """The report's order: by address text, then stage, then message."""
        return (str(self.address), self.stage, self.message)


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
    # How a perceptual match was made: "pdq", "vpdq" (whole frames) or "regions" (frame
    # regions: a copy with an overlay, a crop, bars); "" for any other record.
    match_method: str = ""
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
    # Recovered from inside another file, or from a thumbnail cache (FileEntry's flags);
    # `original_not_found`: a thumbnail whose original picture is not on the evidence as a
    # live file (decided when the reports are written: embedded/originals.py).
    embedded: bool = False
    thumbnail: bool = False
    original_path: str = ""
    original_not_found: bool = False
    # The entry's fingerprint when it was examined (FileEntry.fingerprint), journalled for
    # resume; not part of any report.
    fingerprint: str = ""

    @property
    def is_media(self) -> bool:
        return self.file_type in MEDIA_TYPES
