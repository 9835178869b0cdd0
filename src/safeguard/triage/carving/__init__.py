"""Carving (issue 17, `--carve`): pictures and videos recovered from the unallocated space
of every volume of a disk image, when no file system entry describes them any more.

JPEG, PNG, GIF, BMP, WebP, HEIC/AVIF, MP4/MOV/3GP and AVI are found by their headers at
sector starts, measured by their own structure, and kept only when they decode whole
(carver.py); a JPEG split in two is put back together. A volume TSK has no file system
for, or an image with no volume at all, is carved whole.

Each item is a FileEntry like any file, `carved=True`, addressed in its volume as
`/$Carved/OFFSET+LENGTH.EXT` (byte runs in the volume, joined by "," when fragmented), so
it is digested, hashed, matched and grouped in the same run. An item identical to a
file the file system still lists (a deleted file TSK recovers lies in unallocated space
too) is that file: `drop_carved` leaves it out of the reports.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ..filetypes import sniff
from ..records import Address, FileEntry, Record, TriageWarning, WarningSink
from . import space as spaces
from .carver import Carved, carve

STAGE = "carve"
FOLDER = "/$Carved"

_EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif",
               "image/bmp": "bmp", "image/webp": "webp", "image/heif": "heic",
               "video/mp4": "mp4", "video/quicktime": "mov", "video/3gpp": "3gp",
               "video/x-msvideo": "avi"}


def carved_entries(source: Any, warn: WarningSink) -> Iterator[FileEntry]:
    """The items carved from every volume of a disk-image source (none for a folder or
    an archive: they have no unallocated space)."""
    disk = getattr(source, "disk", None)
    if disk is None or not hasattr(disk, "volumes"):
        return
    volumes = [v for v in disk.volumes if v.fs is not None]
    label = disk.label
    pieces = getattr(source, "pieces", None)
    # A raw image in one file is read directly; split raw and E01 through TSK's layer.
    image = spaces.FileImage(str(pieces[0])) if pieces and len(pieces) == 1 else disk.img
    try:
        if not volumes:
            size = int(disk.img.get_size())
            yield from _entries(spaces.whole(image, 0, size), label, "", "", disk, warn)
            return
        for volume in volumes:
            with disk.lock:
                try:
                    found = spaces.unallocated(image, volume.offset, volume.fs)
                except (OSError, RuntimeError) as exc:
                    warn(TriageWarning(Address.of_evidence(label, volume.partition), STAGE,
                                       f"unallocated space not carved: {exc}"))
                    continue
            yield from _entries(found, label, volume.partition, volume.filesystem, disk, warn)
    finally:
        if image is not disk.img:
            image.close()


def _entries(space: spaces.Space, label: str, partition: str, filesystem: str, disk: Any,
             warn: WarningSink) -> Iterator[FileEntry]:
    items = carve(_Locked(space, disk.lock))
    while True:
        try:
            item = next(items)
        except StopIteration:
            return
        except (OSError, RuntimeError) as exc:  # the image cannot be read further
            warn(TriageWarning(Address.of_evidence(label, partition), STAGE,
                               f"carving stopped: {exc}"))
            return
        yield _entry(item, space, label, partition, filesystem)


class _Locked(spaces.Space):
    """The space, read under the image's lock (the workers read files from it meanwhile)."""

    def __init__(self, inner: spaces.Space, lock: Any) -> None:
        self.__dict__.update(inner.__dict__)
        self._lock = lock

    def read(self, virtual: int, size: int) -> bytes:
        with self._lock:
            return super().read(virtual, size)


def _entry(item: Carved, space: spaces.Space, label: str, partition: str,
           filesystem: str) -> FileEntry:
    extents: list[tuple[int, int]] = []
    for virtual, length in item.pieces:
        for offset, size in space.extents(virtual, length):
            if extents and extents[-1][0] + extents[-1][1] == offset:
                extents[-1] = (extents[-1][0], extents[-1][1] + size)
            else:
                extents.append((offset, size))
    runs = ",".join(f"{offset}+{size}" for offset, size in extents)
    extension = _EXTENSIONS.get(sniff(item.data[:512])[1], item.kind)
    data = item.data
    return FileEntry(
        address=Address(evidence=label, partition=partition, filesystem=filesystem,
                        path=f"{FOLDER}/{runs}.{extension}"),
        size=len(data),
        opener=lambda: io.BytesIO(data),
        carved=True,
    )


def listed_carved(media: Callable[[], Iterable[Record]]) -> set[str]:
    """The journal keys of the carved pictures that a listed file of the same volume
    holds (the media are read twice only when something was carved)."""
    carved: dict[tuple[str, str, str], list[str]] = {}
    for record in media():
        if record.carved and (sha := _identity(record)):
            carved.setdefault((record.address.evidence, record.address.partition, sha),
                              []).append(record.address.key())
    listed: set[str] = set()
    if not carved:
        return listed
    for record in media():
        if not record.carved and (sha := _identity(record)):
            keys = carved.get((record.address.evidence, record.address.partition, sha))
            if keys and not record.address.in_archive:
                listed.update(keys)
    return listed


def drop_carved(records: Iterable[Record], listed: set[str]) -> Iterator[Record]:
    """`records` (any part of them, in order) without the carved items `listed`: their
    content is a file the file system lists in the same volume (live or deleted), whose
    own row says it already."""
    if not listed:
        yield from records
        return
    for record in records:
        if not (record.carved and record.address.key() in listed):
            yield record


def _identity(record: Record) -> str:
    return record.digests.get("sha1") or record.digests.get("md5") \
        or record.digests.get("sha256") or ""


__all__ = ["carved_entries", "drop_carved", "listed_carved"]
