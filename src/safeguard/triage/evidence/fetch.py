"""Read one file's content again, by the address a triage recorded for it.

The review of new images (safeguard.web.review) shows a picture by going back to the
evidence, never to a copy: given the evidence path and a record's address (evidence ›
partition › file system › path or inode › archive members), `open_content` yields a
stream over exactly that file's bytes, read-only, as the triage read them. The caller
checks the bytes against the digests the triage recorded (the evidence may have changed).

    address = address_of(path="/DCIM/IMG_0001.JPG", partition="p1 (sector 2048)",
                         filesystem="FAT16", inode="12", archive="")
    with open_content("/evidence/usb-stick.dd", address, deleted=False) as stream:
        data = stream.read()

How the address is followed: the evidence source opens the file on the evidence that
holds the item (`Source.open_item`: a path under a folder, a loose file, a file of a disk
image by its inode, deleted files included); then, inside archives, each member in turn by
its path, from the outermost archive in. Nested archives are copied to a spooled
temporary file (in memory up to 32 MiB, never beside the evidence), as the triage did.
Disk images (`Source.KEEP_OPEN`) stay open between reads.

The address comes from files.csv's columns through `Address.from_columns` (or
`address_of`), the one codec of an address (records.py): its archive chain is cut exactly
where the writer joined it, whatever "!" the names hold.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any, BinaryIO, cast

from ..errors import ContentNotFound, EvidenceError
from ..filetypes import HEAD_SIZE, sniff
from ..records import Address, FileType, TriageWarning, address_of, split_archive_chain
from . import archive, nested, open_evidence
from .base import Source

# Spooled copies (archive members, nested archives) stay in memory up to this size.
SPOOL_IN_MEMORY = 32 * 1024 * 1024


@contextmanager
def open_content(
    evidence_path: str | os.PathLike[str], address: Address, *, deleted: bool = False,
    max_bytes: int | None = None, max_archive_bytes: int | None = None,
) -> Iterator[BinaryIO]:
    """A readable stream over the content at `address` in the evidence at `evidence_path`.

    `deleted`: the record was found deleted (a disk image's deleted file is then checked
    for recoverable content first). `max_bytes`: the most a member inside an archive may
    hold, and `max_archive_bytes` the most an archive inside an archive may, since each is
    copied out to be read: past it, EvidenceError before more is copied (an altered
    archive cannot fill the disk). Raises ContentNotFound when the address does not
    resolve, EvidenceError when the evidence cannot be opened or read. The stream is
    seekable; it is closed, and the evidence with it, when the block ends.
    """
    with ExitStack() as stack:
        source = stack.enter_context(_evidence(str(evidence_path)))
        stream = stack.enter_context(source.open_item(address, deleted=deleted))
        chain = (*address.archive[1:], address.path) if address.archive else ()
        where = Address(address.evidence, address.outer_path, address.partition,
                        address.filesystem, address.inode)
        for number, member_path in enumerate(chain, start=1):
            cap = max_bytes if number == len(chain) else max_archive_bytes
            last = number == len(chain)
            stream = stack.enter_context(_open_member(stream, where, member_path, cap,
                                                      deleted and last))
            where = where.member(member_path)
        yield stream


class _Cached:
    def __init__(self, source: Source) -> None:
        self.source = source
        self.users = 0


# Disk images kept open between reads: opening one means reading its partition table and
# file system metadata (and, for an E01, its segment tables) again, for every picture of a
# review page. Handles and TSK's metadata (libewf keeps its own small buffer of recent
# chunks, as during any read); nothing is written anywhere. Keyed by the evidence file's
# identity, so a replaced or altered image is opened afresh.
OPEN_IMAGES = 4
_open_images: OrderedDict[tuple[str, int, int, int], _Cached] = OrderedDict()
_open_images_lock = threading.Lock()


@contextmanager
def _evidence(path: str) -> Iterator[Source]:
    """The evidence opened for one read: a disk image from the cache of open images (its
    own lock serialises the reads), anything else opened and closed around the read."""
    try:
        info = os.stat(path)
    except OSError:
        info = None
    if info is None or not stat.S_ISREG(info.st_mode):
        source = open_evidence(path)
        try:
            yield source
        finally:
            source.close()
        return
    key = (os.path.realpath(path), info.st_ino, info.st_size, info.st_mtime_ns)
    with _open_images_lock:
        cached = _open_images.get(key)
        if cached is not None:
            cached.users += 1
            _open_images.move_to_end(key)
    if cached is None:
        # Opened outside the lock: a large image takes a while, and other threads keep
        # reading the images already open meanwhile.
        source = open_evidence(path)
        if not source.KEEP_OPEN:
            try:
                yield source
            finally:
                source.close()
            return
        with _open_images_lock:
            cached = _open_images.get(key)
            spare = cached is not None  # another thread opened the same image first
            if cached is None:
                cached = _open_images[key] = _Cached(source)
            cached.users += 1
            _open_images.move_to_end(key)
        if spare:
            source.close()
    try:
        yield cached.source
    finally:
        with _open_images_lock:
            cached.users -= 1
            _evict()


def _evict() -> None:
    """Close the least recently used images beyond OPEN_IMAGES that nobody is reading (an
    image replaced on disk has a new key: its old entry ages out the same way). Lock
    held."""
    for key in list(_open_images):
        if len(_open_images) <= OPEN_IMAGES:
            break
        entry = _open_images[key]
        if entry.users == 0:
            del _open_images[key]
            entry.source.close()


def close_open_images() -> None:
    """Close every cached image nobody is reading (tests; a server shutting down)."""
    with _open_images_lock:
        for key, entry in list(_open_images.items()):
            if entry.users == 0:
                del _open_images[key]
                entry.source.close()


def _not_found(address: Address, why: str) -> ContentNotFound:
    return ContentNotFound(f"{address}: {why}")


@contextmanager
def _open_member(stream: BinaryIO, where: Address, member_path: str,
                 cap: int | None, deleted: bool = False) -> Iterator[BinaryIO]:
    """The member `member_path` of the archive (or of the disk image: nested.py) whose
    content is `stream`, copied out (refused past `cap` bytes)."""
    seekable = _seekable_copy(stream)
    try:
        head = seekable.read(HEAD_SIZE)
        seekable.seek(0)
        file_type, mime = sniff(head)
        image = (nested.open_member(seekable, where, member_path, deleted)
                 if file_type is not FileType.ARCHIVE else None)
        if image is not None:
            with image as content:
                copy = _copied(content, cap, where.member(member_path))
        elif file_type is not FileType.ARCHIVE:
            raise _not_found(where.member(member_path), f"{where.full_path} is not an archive")
        else:
            copy = _archive_member(seekable, where, member_path, mime, cap)
    finally:
        if seekable is not stream:
            seekable.close()
    try:
        yield copy
    finally:
        copy.close()


def _archive_member(seekable: BinaryIO, where: Address, member_path: str, mime: str,
                    cap: int | None) -> BinaryIO:
    problems: list[TriageWarning] = []
    members = archive.members(seekable, where, mime, problems.append)
    try:
        for entry in members:
            if entry.address.path == member_path:
                with entry.opener() as member:
                    return _copied(member, cap, where.member(member_path))
        why = problems[0].message if problems else "member not in the archive"
        raise _not_found(where.member(member_path), why)
    finally:
        cast(Any, members).close()


def _copied(source: BinaryIO, cap: int | None, where: Address) -> BinaryIO:
    """`source` copied to a spooled file (refused past `cap` bytes), positioned at 0."""
    copy = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115
    try:
        _copy_at_most(source, copy, cap, where)
    except BaseException:
        copy.close()
        raise
    copy.seek(0)
    return cast(BinaryIO, copy)


def _copy_at_most(source: BinaryIO, target: Any, cap: int | None, where: Address) -> None:
    copied = 0
    while chunk := source.read(1024 * 1024):
        copied += len(chunk)
        if cap is not None and copied > cap:
            raise EvidenceError(f"{where}: holds more than {cap:,} bytes, more than is read "
                                "back from an archive here: not read")
        target.write(chunk)


def _seekable_copy(stream: BinaryIO) -> BinaryIO:
    try:
        if stream.seekable():
            stream.seek(0)
            return stream
    except (OSError, ValueError):
        pass
    copy = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115
    shutil.copyfileobj(stream, copy, 1024 * 1024)
    copy.seek(0)
    return cast(BinaryIO, copy)


__all__ = ["ContentNotFound", "address_of", "open_content", "split_archive_chain"]
