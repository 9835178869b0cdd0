"""What the disk-image sources (raw, split raw, E01) share: a `DiskImage` walked through
The Sleuth Kit, kept open by readers of many items, and files found again by inode."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, ClassVar

from ..errors import ContentNotFound
from ..records import Address, FileEntry, WarningSink
from .base import Source
from .tskwalk import stream_address
from .yalfs import YalFileSystem

if TYPE_CHECKING:
    from .tsk import DiskImage, Volume


def is_block_device(path: Path) -> bool:
    """A device node named as evidence (a drive behind a write blocker, /dev/sdb): read
    like a raw image, read-only, as it is."""
    try:
        return stat.S_ISBLK(os.stat(path).st_mode)
    except OSError:
        return False


class DiskImageSource(Source):
    """An evidence item that is a disk or volume image, opened as `self.disk`."""

    KEEP_OPEN: ClassVar[bool] = True

    def __init__(self, path: Path, label: str, disk: DiskImage) -> None:
        super().__init__(path, label)
        self.disk = disk

    def entries(self, warn: WarningSink) -> Iterator[FileEntry]:
        return self.disk.entries(warn)

    def open_item(self, address: Address, *, deleted: bool = False) -> BinaryIO:
        """The partition and file system named, then the file by its inode (the metadata
        address TSK gave it), deleted files included."""
        disk = self.disk
        volume = next(
            (v for v in disk.volumes
             if v.partition == address.partition and v.filesystem == address.filesystem
             and v.fs is not None),
            None,
        )
        if volume is None or volume.fs is None:
            raise ContentNotFound(f"{address}: no such partition and file system in the image")
        stream = stream_address(address.inode)
        try:
            inode = stream[0] if stream else int(address.inode)
        except ValueError:
            raise ContentNotFound(f"{address}: no inode recorded: cannot locate the file") \
                from None
        if isinstance(volume.fs, YalFileSystem):
            return volume.fs.open(inode, disk.lock, str(address))
        if stream is not None:
            return _open_stream(disk, volume, stream, address, deleted)
        with disk.lock:
            try:
                meta = volume.fs.open_meta(inode=inode).info.meta
            except OSError as exc:
                raise ContentNotFound(f"{address}: inode {inode} cannot be opened: {exc}") \
                    from exc
            size = max(int(meta.size), 0) if meta is not None else 0
        return disk.open_file(volume, inode, size, str(address), deleted)

    def close(self) -> None:
        self.disk.close()


def _open_stream(disk: DiskImage, volume: Volume, stream: tuple[int, int, int],
                 address: Address, deleted: bool) -> BinaryIO:
    """An NTFS alternate data stream, by its attribute address INODE-TYPE-ID."""
    inode, attr_type, attr_id = stream
    with disk.lock:
        try:
            attributes = [a.info for a in volume.fs.open_meta(inode=inode)]
        except OSError as exc:
            raise ContentNotFound(f"{address}: inode {inode} cannot be opened: {exc}") from exc
        size = next((max(int(i.size), 0) for i in attributes
                     if int(i.type) == attr_type and int(i.id) == attr_id), None)
    if size is None:
        raise ContentNotFound(f"{address}: no attribute {attr_type}-{attr_id} in inode {inode}")
    return disk.open_file(volume, inode, size, str(address), deleted, (attr_type, attr_id))
