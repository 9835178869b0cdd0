"""What the disk-image sources (raw, split raw, E01) share: a `DiskImage` walked through
The Sleuth Kit, kept open by readers of many items, and files found again by inode."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, ClassVar

from ..errors import ContentNotFound
from ..records import Address, FileEntry, WarningSink
from .base import Source

if TYPE_CHECKING:
    from .tsk import DiskImage


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
        try:
            inode = int(address.inode)
        except ValueError:
            raise ContentNotFound(f"{address}: no inode recorded: cannot locate the file") \
                from None
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
