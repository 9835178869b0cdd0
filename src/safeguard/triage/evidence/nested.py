"""A disk image found inside the evidence (a VMDK in a folder, a card image in a zip, a
VHDX in a laptop's NTFS volume) examined as evidence of its own, its files listed like an
archive's members.

The examiner asks `recognise` whether a file it read is a disk image, volume or file
system, opens it with `opened` (the same registry as a piece of evidence: open_evidence),
and examines each file `items` yields. An item's address is the image's address with one
more member (`Address.member`), whose path says where in the image the file is:

    /backup/laptop.vmdk!/Users/sam/a.jpg [p2 (sector 2048) › NTFS › inode 1234]

`image_member` writes that member path and `split_image_member` reads it back (the
review's `open_content`, fetch.py): the file's path, then its partition, file system and
inode in brackets, in the order and with the separator of the address's own text. It is
read only where the member's container is a disk image, so an archive member whose name
ends in brackets is never taken for one.

A disk image recognised and not read (no key, a parent disk missing, no reader) is a
warning naming it, as for a piece of evidence; one that does not open is a warning too.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import BinaryIO

from ..errors import EvidenceError, NotThisFormat
from ..records import ADDRESS_SEPARATOR, Address, FileEntry, TriageWarning, WarningSink
from .base import Source
from .formats import HEAD_BYTES, nested_image

STAGE = "disk image"
_INODE = "inode "


def recognise(head: bytes) -> str:
    """What a file's first bytes name as a disk image, volume or file system ("VMDK disk
    image", "FAT16 file system", "MBR partitioned disk"), else "". A first sector of zeros
    ("?") may hide a signature further in (ext, LVM2, HFS+, ISO 9660 keep theirs past the
    first 512 bytes): the caller then reads HEAD_BYTES and asks again."""
    what = nested_image(head)
    if what:
        return what
    if len(head) >= 512 and head[510:512] == b"\x55\xaa" and head[512:520] == b"EFI PART":
        return "GPT partitioned disk"
    if len(head) >= 512 and head[510:512] == b"\x55\xaa" and _mbr_entries(head):
        return "MBR partitioned disk"
    if len(head) >= 512 and not any(head[:512]):
        return "?"
    return ""


def _mbr_entries(head: bytes) -> bool:
    """At least one sane primary partition entry (status 0 or 0x80, a type, a start)."""
    found = False
    for number in range(4):
        entry = head[446 + 16 * number:462 + 16 * number]
        if entry[0] not in (0, 0x80):
            return False
        if entry[4]:
            start = int.from_bytes(entry[8:12], "little")
            sectors = int.from_bytes(entry[12:16], "little")
            if not start or not sectors:
                return False
            found = True
    return found


def image_member(inner: Address) -> str:
    """The member path of a file at `inner` inside a disk image found in the evidence."""
    where = [part for part in (inner.partition, inner.filesystem) if part]
    if inner.inode:
        where.append(_INODE + inner.inode)
    return f"{inner.path} [{ADDRESS_SEPARATOR.join(where)}]"


def split_image_member(member: str, evidence: str = "") -> Address | None:
    """image_member's inverse: the file's address inside the image (under the label
    `evidence`), or None when `member` is not such a path."""
    if not member.endswith("]"):
        return None
    path, bracket, where = member[:-1].rpartition(" [")
    if not bracket:
        return None
    parts = where.split(ADDRESS_SEPARATOR) if where else []
    inode = parts.pop()[len(_INODE):] if parts and parts[-1].startswith(_INODE) else ""
    if len(parts) > 2:
        return None
    partition, filesystem = (parts if len(parts) == 2 else ["", *parts] if parts else ["", ""])
    return Address(evidence=evidence, path=path, partition=partition, filesystem=filesystem,
                   inode=inode)


def full_head(head: bytes, stream: BinaryIO) -> bytes:
    """The first HEAD_BYTES of a seekable `stream` whose first bytes are `head`."""
    if len(head) >= HEAD_BYTES:
        return head
    stream.seek(0)
    data = stream.read(HEAD_BYTES)
    stream.seek(0)
    return data


@contextmanager
def opened(entry: FileEntry, folder: Path | None) -> Iterator[Source | None]:
    """The disk image `entry` opened as evidence (None when no reader takes it: not a
    disk image after all). A file on this machine is opened where it lies (a parent disk
    or the extents beside it are found there); anything else is copied to `folder` first
    (the run's spool folder), since the readers open files by name."""
    if entry.local_path is not None:
        with _open(entry.local_path, str(entry.address)) as source:
            yield source
        return
    with (entry.opener() as stream, local_copy(stream, folder, entry.address.path) as path,
          _open(str(path), str(entry.address)) as source):
        yield source


@contextmanager
def local_copy(stream: BinaryIO, folder: Path | None, name: str) -> Iterator[Path]:
    """`stream` copied to a file of its own in `folder` (removed after), keeping its name:
    a reader that names the file in a message names the image."""
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
    directory = Path(tempfile.mkdtemp(prefix="image-", dir=folder))
    target = directory / (os.path.basename(name.rstrip("/")) or "image")
    try:
        with open(target, "xb") as out:
            shutil.copyfileobj(stream, out, 4 * 1024 * 1024)
        yield target
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@contextmanager
def _open(path: str, label: str) -> Iterator[Source | None]:
    """The image at `path` opened as evidence, its addresses under `label` (the image's
    own address: a message names it, never the copy); None when no reader takes it."""
    from . import open_evidence

    try:
        source = open_evidence(path)
    except NotThisFormat:
        yield None
        return
    try:
        source.label = label
        if hasattr(source, "disk"):
            source.disk.label = label
        yield source
    finally:
        source.close()


def is_whole(entry: FileEntry) -> bool:
    """The entry is the evidence item itself (a loose file): its source has already said
    what it is."""
    address = entry.address
    return (not address.archive and not address.filesystem
            and address.path == "/" + os.path.basename(address.evidence)
            and os.path.isfile(address.evidence))


Contents = Callable[[Iterator[FileEntry]], None]


def examine(entry: FileEntry, head: bytes, folder: Path | None, warn: WarningSink,
            contents: Contents) -> bool:
    """Examine the file `entry` (first bytes `head`) as a disk image when it is one:
    `contents` examines its files. False when it is not one."""
    what = recognise(head)
    if what == "?":
        with entry.opener() as stream:
            what = recognise(stream.read(HEAD_BYTES))
    if not what or what == "?" or is_whole(entry):
        return False
    try:
        with opened(entry, folder) as source:
            if source is None:
                return False
            contents(items(source, entry.address, warn))
    except EvidenceError as exc:
        if entry.local_path is not None and _an_extent(Path(entry.local_path)):
            return True  # read through its descriptor, beside it
        warn(TriageWarning(entry.address, STAGE, f"{what} found inside the evidence, not "
                                                 f"examined: {_reason(exc, entry)}"))
    return True


def _an_extent(path: Path) -> bool:
    """A VMDK extent file (disk-s001.vmdk) that a descriptor beside it names: the disk is
    the descriptor's, examined there."""
    for sibling in path.parent.glob("*.vmdk"):
        if sibling == path or not sibling.is_file() or sibling.stat().st_size > 64 * 1024:
            continue
        try:
            with sibling.open("rb") as f:
                text = f.read(64 * 1024)
        except OSError:
            continue
        if text.startswith(b"# Disk DescriptorFile") and f'"{path.name}"'.encode() in text:
            return True
    return False


def examine_copy(copy: BinaryIO, entry: FileEntry, folder: Path | None, warn: WarningSink,
                 contents: Contents) -> bool:
    """`examine` for a member already copied out of its archive (`copy`, seekable)."""
    what = recognise(full_head(b"", copy))
    if not what or what == "?":
        return False
    try:
        with (local_copy(copy, folder, entry.address.path) as path,
              _open(str(path), str(entry.address)) as source):
            if source is None:
                return False
            contents(items(source, entry.address, warn))
    except EvidenceError as exc:
        warn(TriageWarning(entry.address, STAGE, f"{what} found inside the evidence, not "
                                                 f"examined: {_reason(exc, entry)}"))
    return True


def _reason(exc: EvidenceError, entry: FileEntry) -> str:
    text = str(exc)
    head, sep, rest = text.partition(": ")
    return rest if sep and (head.endswith(os.path.basename(entry.address.path))) else text


def items(source: Source, address: Address, warn: WarningSink) -> Iterator[FileEntry]:
    """The files of the disk image `source` found at `address`, as members of it; its
    walk's warnings are the image's (a partition not read, an encrypted volume)."""
    from .containers import RecognisedSource
    from .directory import FileSource

    if isinstance(source, RecognisedSource):
        warn(TriageWarning(address, STAGE, f"{source.recognised.name} "
                                           f"({source.recognised.kind}) found inside the "
                                           f"evidence: {source.reason}; hashed as one file"))
        return
    if isinstance(source, FileSource):
        return  # not a disk image after all

    def inner_warning(problem: TriageWarning) -> None:
        at = problem.address
        if at.path:
            warn(TriageWarning(address.member(image_member(at)), problem.stage, problem.message))
        else:
            where = f"{at.partition}: " if at.partition else ""
            warn(TriageWarning(address, problem.stage, f"{where}{problem.message}"))

    for entry in source.entries(inner_warning):
        entry.address = address.member(image_member(entry.address))
        entry.local_path = None
        yield entry


def open_member(stream: BinaryIO, where: Address, member: str, deleted: bool,
                folder: Path | None = None) -> AbstractContextManager[BinaryIO] | None:
    """Reading back (fetch.py): the file at `member` of the disk image whose content is
    `stream`, or None when `member` is not a disk image member path."""
    inner = split_image_member(member)
    if inner is None:
        return None
    return _read_member(stream, where, inner, member, deleted, folder)


@contextmanager
def _read_member(stream: BinaryIO, where: Address, inner: Address, member: str,
                 deleted: bool, folder: Path | None) -> Iterator[BinaryIO]:
    in_place = _file_of(stream)
    with (_given(in_place) if in_place else local_copy(stream, folder, where.path)) as path, \
            _open(str(path), str(where)) as source:
        if source is None:
            raise EvidenceError(f"{where.member(member)}: {where.path} is not a disk image "
                                "any more")
        located = Address(source.label, inner.path, inner.partition, inner.filesystem,
                          inner.inode)
        with source.open_item(located, deleted=deleted) as content:
            yield content


def _file_of(stream: BinaryIO) -> Path | None:
    """The file on this machine `stream` reads (an image in an evidence folder), so that
    the files beside it (a split VMDK's extents, a parent disk) are found as in the
    triage; None for a copy or a stream inside another image."""
    try:
        fd = stream.fileno()
        path = Path(os.readlink(f"/proc/self/fd/{fd}"))
        same = os.path.samestat(os.fstat(fd), os.stat(path))
    except (OSError, ValueError, AttributeError):
        return None
    return path if same and path.is_file() else None


@contextmanager
def _given(path: Path) -> Iterator[Path]:
    yield path
