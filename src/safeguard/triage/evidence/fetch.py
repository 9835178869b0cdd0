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

How the address is followed:
- a folder: the path under the folder (no `..`, no symbolic link on the way, as the walk
  never follows one);
- a loose file: the file itself (its address is `/name`);
- a disk image (raw, split raw, E01): the partition and file system named, then the file
  by its inode (the metadata address TSK gave it), deleted files included;
- inside archives: each member in turn by its path, from the outermost archive in;
  nested archives are copied to a spooled temporary file (in memory up to 32 MiB, never
  beside the evidence), as the triage did.

files.csv joins the archive chain with `!`; `split_archive_chain` cuts it again before
each `!/` (member paths begin with `/`). A folder named with a trailing `!` inside an
archive would be cut wrongly: the member is then not found (ContentNotFound), never
confused with another file.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any, BinaryIO, cast

from ..errors import EvidenceError
from ..filetypes import HEAD_SIZE, sniff
from ..readonly import open_readonly, open_readonly_file
from ..records import ARCHIVE_SEPARATOR, Address, FileType, TriageWarning
from . import archive, open_evidence
from .base import Source
from .directory import DirectorySource, FileSource

# Spooled copies (archive members, nested archives) stay in memory up to this size.
SPOOL_IN_MEMORY = 32 * 1024 * 1024

_CHAIN_CUT = re.compile(re.escape(ARCHIVE_SEPARATOR) + r"(?=/)")


class ContentNotFound(EvidenceError):
    """The address no longer leads to a file in this evidence (moved, replaced, damaged),
    or it names something this helper cannot read back (a carved file)."""


def split_archive_chain(text: str) -> tuple[str, ...]:
    """files.csv's `archive` column (`/a.zip!/b/c.tar.gz`) as Address.archive."""
    if not text:
        return ()
    return tuple(_CHAIN_CUT.split(text))


def address_of(
    *,
    path: str,
    evidence: str = "",
    partition: str = "",
    filesystem: str = "",
    inode: str = "",
    archive: str = "",
) -> Address:
    """The engine Address of a files.csv row (its columns, by name)."""
    return Address(
        evidence=evidence,
        path=path,
        partition=partition,
        filesystem=filesystem,
        inode=inode,
        archive=split_archive_chain(archive),
    )


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
        outer = address.archive[0] if address.archive else address.path
        stream = stack.enter_context(_open_outer(source, outer, address, deleted))
        chain = (*address.archive[1:], address.path) if address.archive else ()
        where = Address(address.evidence, outer, address.partition, address.filesystem,
                        address.inode)
        for number, member_path in enumerate(chain, start=1):
            cap = max_bytes if number == len(chain) else max_archive_bytes
            stream = stack.enter_context(_open_member(stream, where, member_path, cap))
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
        if getattr(source, "disk", None) is None:
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
def _open_outer(source: Source, outer: str, address: Address, deleted: bool) -> Iterator[BinaryIO]:
    """The file that holds the content, or the outermost archive around it."""
    if isinstance(source, DirectorySource):
        handle = _open_in_folder(source.path, outer, address)
    elif isinstance(source, FileSource):
        if outer != "/" + source.path.name:
            raise _not_found(address, "the evidence is a single file with another name")
        handle = open_readonly_file(source.path, follow=True)
    elif getattr(source, "disk", None) is not None:
        handle = _open_in_image(source, address, deleted)
    else:
        handle = _open_by_walk(source, outer, address)
    try:
        yield handle
    finally:
        handle.close()


def _open_in_folder(root: Path, relative: str, address: Address) -> BinaryIO:
    parts = [part for part in relative.split("/") if part]
    if not parts or any(part in (".", "..") for part in parts):
        raise _not_found(address, "not a path inside the evidence folder")
    current = root
    for part in parts[:-1]:
        current = current / part
        try:
            mode = os.lstat(current).st_mode
        except OSError as exc:
            raise _not_found(address, f"folder missing: {exc.strerror}") from exc
        if not stat.S_ISDIR(mode):  # a symbolic link, or no longer a folder
            raise _not_found(address, f"{current.name} is not a folder of the evidence")
    target = current / parts[-1]
    try:
        if not stat.S_ISREG(os.lstat(target).st_mode):
            raise _not_found(address, "not a regular file any more")
        # O_NOFOLLOW as well: a link swapped in after the check is refused.
        return open(open_readonly(target), "rb")
    except OSError as exc:
        raise _not_found(address, f"cannot open: {exc.strerror or exc}") from exc


def _open_in_image(source: Source, address: Address, deleted: bool) -> BinaryIO:
    disk: Any = getattr(source, "disk")  # noqa: B009 - DiskImage, checked by the caller
    volume = next(
        (v for v in disk.volumes
         if v.partition == address.partition and v.filesystem == address.filesystem
         and v.fs is not None),
        None,
    )
    if volume is None:
        raise _not_found(address, "no such partition and file system in the image")
    try:
        inode = int(address.inode)
    except ValueError:
        raise _not_found(address, "no inode recorded: cannot locate the file") from None
    with disk.lock:
        try:
            meta = volume.fs.open_meta(inode=inode).info.meta
        except OSError as exc:
            raise _not_found(address, f"inode {inode} cannot be opened: {exc}") from exc
        size = max(int(meta.size), 0) if meta is not None else 0
    return cast(BinaryIO, disk.open_file(volume, inode, size, str(address), deleted))


def _open_by_walk(source: Source, outer: str, address: Address) -> BinaryIO:
    """Any other source: walk it for the entry (slow, but every source can do it)."""
    problems: list[TriageWarning] = []
    for entry in source.entries(problems.append):
        found = entry.address
        if (found.path, found.partition, found.inode) == (outer, address.partition,
                                                           address.inode):
            return entry.opener()
    raise _not_found(address, "not found in the evidence")


@contextmanager
def _open_member(stream: BinaryIO, where: Address, member_path: str,
                 cap: int | None) -> Iterator[BinaryIO]:
    """The member `member_path` of the archive whose content is `stream`, copied out
    (refused past `cap` bytes)."""
    seekable = _seekable_copy(stream)
    try:
        head = seekable.read(HEAD_SIZE)
        seekable.seek(0)
        file_type, mime = sniff(head)
        if file_type is not FileType.ARCHIVE:
            raise _not_found(where.member(member_path), f"{where.full_path} is not an archive")
        problems: list[TriageWarning] = []
        members = archive.members(seekable, where, mime, problems.append)
        try:
            for entry in members:
                if entry.address.path != member_path:
                    continue
                copy = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115
                try:
                    with entry.opener() as member:
                        _copy_at_most(member, copy, cap, where.member(member_path))
                except BaseException:
                    copy.close()
                    raise
                copy.seek(0)
                break
            else:
                why = problems[0].message if problems else "member not in the archive"
                raise _not_found(where.member(member_path), why)
        finally:
            cast(Any, members).close()
    finally:
        if seekable is not stream:
            seekable.close()
    try:
        yield cast(BinaryIO, copy)
    finally:
        copy.close()


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
