"""File systems The Sleuth Kit here does not read, walked through their libyal libraries:
XFS (libfsxfs), HFS+ and HFSX where TSK refuses the volume (libfshfs), and each volume of
an APFS container (libfsapfs, an encrypted one unlocked with the examiner's credential).

A `YalFileSystem` stands where a TSK file system would in a `tsk.Volume`: the disk's walk
and `open_item` ask it for its files. The libyal libraries list what the file system's
directories hold, so only live files are listed (no deleted files, no orphans); the walk
rules are otherwise TSK's (tskwalk.py): regular files only, sorted by name, depth first,
each directory once. Every call on a handle holds the disk's lock, as TSK's do.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING, Any, BinaryIO, cast

from ..errors import ContentNotFound, EvidenceError
from ..records import Address, FileEntry, Times, TriageWarning, WarningSink
from .keys import KEY, PASSWORD, RECOVERY, VolumeKeys
from .positioned import PositionedReader

if TYPE_CHECKING:
    from .layers import LayerFile

# The file type bits of a POSIX mode, as XFS, HFS+ and APFS keep it.
_TYPE_MASK = 0o170000
_REGULAR = 0o100000
_DIRECTORY = 0o040000
# Deeper than any real tree (tskwalk.MAX_DEPTH's reason).
MAX_DEPTH = 256
# One library read at most this much: large reads keep the per-call cost negligible
# (the bench measures it: bench/containers.py).
READ_CHUNK = 4 * 1024 * 1024

# formats.identify's name → the file system named in addresses.
READ = {"XFS": "XFS", "HFS+": "HFS+", "HFSX": "HFSX", "HFS+ (in an HFS wrapper)": "HFS+",
        "APFS container": "APFS"}


@dataclass(frozen=True, slots=True)
class _Item:
    """One directory entry, copied out of the library under the lock."""

    name: str
    identifier: int
    mode: int
    size: int
    times: Times


def _when(entry: Any, name: str) -> float | None:
    getter = getattr(entry, f"get_{name}", None)
    if getter is None:
        return None
    try:
        value = getter()
    except (OSError, ValueError):
        return None
    if not isinstance(value, datetime):
        return None
    seconds = (value.replace(tzinfo=UTC) if value.tzinfo is None else value).timestamp()
    return seconds if seconds > 0 else None  # 0: never set (tskwalk's rule)


def _item(entry: Any, identify: Callable[[Any], int]) -> _Item:
    name = entry.get_name() or ""
    return _Item(name=name, identifier=int(identify(entry)), mode=int(entry.get_file_mode()),
                 size=max(int(entry.get_size() or 0), 0),
                 times=Times(modified=_when(entry, "modification_time"),
                             accessed=_when(entry, "access_time"),
                             changed=(_when(entry, "inode_change_time")
                                      or _when(entry, "entry_modification_time")),
                             created=_when(entry, "creation_time")))


class YalFileReader(PositionedReader):
    """One file's content through its libyal file entry, read at an offset."""

    def __init__(self, entry: Any, size: int, lock: threading.Lock, where: str) -> None:
        super().__init__()
        self._entry = entry
        self._size = size
        self._lock = lock
        self._where = where

    def size(self) -> int:
        return self._size

    def read_at(self, offset: int, n: int) -> bytes:
        want = min(n, self._size - offset, READ_CHUNK)
        if want <= 0:
            return b""
        with self._lock:
            try:
                data = bytes(self._entry.read_buffer_at_offset(want, offset))
            except OSError as exc:
                raise EvidenceError(f"{self._where}: cannot read {want} bytes at offset "
                                    f"{offset}: {exc}") from exc
        if not data:
            raise EvidenceError(f"{self._where}: content ends at offset {offset} of "
                                f"{self._size} bytes")
        return data

    def readinto(self, buffer: Any) -> int:
        if self.closed:
            raise ValueError("read from a closed file")
        return super().readinto(buffer)

    def close(self) -> None:
        with self._lock:
            self._entry = None
        super().close()


class YalFileSystem:
    """One file system opened through libyal: `name` is what addresses call it ("XFS")."""

    def __init__(self, name: str, handle: Any, root: Callable[[], Any],
                 by_id: Callable[[int], Any], identify: Callable[[Any], int],
                 keep: tuple[Any, ...] = ()) -> None:
        self.name = name
        self.handle = handle
        self._root = root
        self._by_id = by_id
        self._identify = identify
        self._keep = keep  # what the handle reads through (a container, a file object)

    def entries(self, address: Callable[[str, int], Address], lock: threading.Lock,
                warn: WarningSink) -> Iterator[FileEntry]:
        with lock:
            root = self._root()
            root_id = int(self._identify(root))
        seen = {root_id}
        stack: list[tuple[Iterator[_Item], str]] = []
        listing = self._list(root_id, "/", address, lock, warn)
        stack.append((iter(listing), "/"))
        while stack:
            items, parent = stack[-1]
            item = next(items, None)
            if item is None:
                stack.pop()
                continue
            path = f"{parent.rstrip('/')}/{item.name}"
            kind = item.mode & _TYPE_MASK
            if kind == _DIRECTORY:
                if item.identifier in seen:
                    warn(TriageWarning(address(path, item.identifier), "walk",
                                       f"directory loop: inode {item.identifier} already "
                                       "walked, not followed again"))
                elif len(stack) >= MAX_DEPTH:
                    warn(TriageWarning(address(path, item.identifier), "walk",
                                       f"directories nested deeper than {MAX_DEPTH}: "
                                       "not followed"))
                else:
                    seen.add(item.identifier)
                    stack.append((iter(self._list(item.identifier, path, address, lock, warn)),
                                  path))
                continue
            if kind != _REGULAR:
                continue  # links, devices, sockets, pipes: no content
            where = address(path, item.identifier)
            yield FileEntry(address=where, size=item.size, times=item.times,
                            opener=partial(self.open, item.identifier, lock, str(where)))

    def _list(self, identifier: int, path: str, address: Callable[[str, int], Address],
              lock: threading.Lock, warn: WarningSink) -> list[_Item]:
        items: list[_Item] = []
        with lock:
            try:
                directory = self._by_id(identifier)
                for number in range(directory.get_number_of_sub_file_entries()):
                    items.append(_item(directory.get_sub_file_entry(number), self._identify))
            except OSError as exc:
                warn(TriageWarning(address(path, identifier), "walk",
                                   f"directory damaged, listing stopped after {len(items)} "
                                   f"entries: {exc}"))
        items.sort(key=lambda i: (i.name, i.identifier))
        return items

    def open(self, identifier: int, lock: threading.Lock, where: str) -> BinaryIO:
        """A stream over the file `identifier` (its inode number); EvidenceError when it
        cannot be read, ContentNotFound when there is no such regular file."""
        with lock:
            try:
                entry = self._by_id(identifier)
            except (OSError, OverflowError) as exc:
                raise ContentNotFound(f"{where}: inode {identifier} cannot be opened: "
                                      f"{exc}") from exc
            if entry is None or int(entry.get_file_mode()) & _TYPE_MASK != _REGULAR:
                raise ContentNotFound(f"{where}: inode {identifier} is not a file")
            size = max(int(entry.get_size() or 0), 0)
        return cast(BinaryIO, YalFileReader(entry, size, lock, where))

    def close(self) -> None:
        for handle in (self.handle, *self._keep):
            close = getattr(handle, "close", None)
            if close is not None:
                with contextlib.suppress(OSError):
                    close()
        self._keep = ()


def open_filesystems(name: str, source: LayerFile, keys: VolumeKeys | None,
                     evidence: str, partition: str) -> list[tuple[str, YalFileSystem | None, str]]:
    """The file systems of the region `source` whose signature names `name` (a key of
    READ): (a label suffix, the file system or None, why it is not read) for each. One for
    XFS and HFS+; one per volume for an APFS container ("APFS volume 2 'Data'"). OSError
    from the library when the region is not what its signature says (damaged)."""
    if name == "XFS":
        import pyfsxfs

        xfs = pyfsxfs.volume()
        xfs.open_file_object(source)
        return [("", YalFileSystem("XFS", xfs, xfs.get_root_directory,
                                   xfs.get_file_entry_by_inode, lambda e: e.get_inode_number(),
                                   (source,)), "")]
    if name != "APFS container":
        import pyfshfs

        hfs = pyfshfs.volume()
        hfs.open_file_object(source)
        return [("", YalFileSystem(READ[name], hfs, hfs.get_root_directory,
                                   hfs.get_file_entry_by_identifier,
                                   lambda e: e.get_identifier(), (source,)), "")]
    import pyfsapfs

    container = pyfsapfs.container()
    container.open_file_object(source)
    found: list[tuple[str, YalFileSystem | None, str]] = []
    for number in range(container.get_number_of_volumes()):
        volume = container.get_volume(number)
        label = f"APFS volume {number + 1} '{volume.get_name() or ''}'"
        if volume.is_locked() and not _unlock(volume, keys, evidence, partition):
            found.append((label, None, "APFS encrypted volume, no key given or none of "
                                       "those given unlocks it: not examined"))
            continue
        found.append((label, YalFileSystem("APFS", volume, volume.get_root_directory,
                                           volume.get_file_entry_by_identifier,
                                           lambda e: e.get_identifier(),
                                           (container, source) if number == 0 else ()), ""))
    if not found:
        container.close()
    return found


def _unlock(volume: Any, keys: VolumeKeys | None, evidence: str, partition: str) -> bool:
    """An encrypted APFS volume (FileVault) unlocked with the first credential that fits;
    the credential never appears in a message."""
    for credential in keys.for_volume(evidence, partition) if keys else []:
        secret = credential.secret.reveal()
        try:
            if credential.kind == PASSWORD:
                volume.set_password(secret)
            elif credential.kind == RECOVERY:
                volume.set_recovery_password(secret)
            elif credential.kind == KEY:
                continue  # APFS takes a password or a recovery key
            if volume.unlock():
                return True
        except (OSError, ValueError):
            continue
    return False
