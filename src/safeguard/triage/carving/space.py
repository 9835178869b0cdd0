"""The space a carver reads: a volume's unallocated blocks, joined into one run of bytes.

The allocated blocks are those of every file and folder the file system still lists
(their data runs, through The Sleuth Kit); what is left is unallocated: deleted files,
files whose directory entry was wiped, and old data. The unallocated runs are read
as one sequence, as PhotoRec does, so a deleted picture split around a file that is
still allocated reads as one piece; its address then lists both runs. On an ext file
system the blocks of its own structures (ext4.py) are allocated too.

A raw image file is mapped into memory (FileImage): the header search then looks at the
first bytes of each sector where they lie in the page cache, never copying the sectors
that hold no header, which are nearly all of them.
"""

from __future__ import annotations

import bisect
import contextlib
import mmap
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytsk3

from . import ext4

SECTOR = 512
# A folder tree deeper than this is a loop in a damaged file system.
_MAX_DEPTH = 256
_NON_RESIDENT = int(pytsk3.TSK_FS_ATTR_NONRES)
_META_ALLOC = int(pytsk3.TSK_FS_META_FLAG_ALLOC)
_SPARSE = int(pytsk3.TSK_FS_ATTR_RUN_FLAG_SPARSE) | int(pytsk3.TSK_FS_ATTR_RUN_FLAG_FILLER)


class FileImage:
    """A raw image file, opened read-only (readonly.py) and mapped read-only: several
    times faster than TSK's image layer for carving, and the header search reads it in
    place. Read with pread where it cannot be mapped (an empty file, a pipe)."""

    def __init__(self, path: str) -> None:
        from ..readonly import open_readonly

        self.fd = open_readonly(path, follow=True)
        self.map: mmap.mmap | None = None
        try:
            self.map = mmap.mmap(self.fd, 0, access=mmap.ACCESS_READ)
            self.map.madvise(mmap.MADV_SEQUENTIAL)
        except (OSError, ValueError):
            self.map = None

    def read(self, offset: int, size: int) -> bytes:
        if self.map is not None:
            return self.map[offset:offset + size]
        return os.pread(self.fd, size, offset)

    def get_size(self) -> int:
        return os.fstat(self.fd).st_size

    def close(self) -> None:
        if self.map is not None:
            # A view of it still held (a caller's array): it is unmapped when released.
            with contextlib.suppress(BufferError):
                self.map.close()
        os.close(self.fd)


@dataclass(frozen=True, slots=True)
class Run:
    """Bytes [offset, offset+length) of the volume, at `virtual` in the joined space."""

    offset: int
    length: int
    virtual: int


class Space:
    """Runs of a volume read as one sequence of bytes (virtual offsets)."""

    def __init__(self, img: Any, base: int, runs: list[tuple[int, int]]) -> None:
        self.img = img
        self.base = base  # the volume's offset in the image
        self.runs: list[Run] = []
        virtual = 0
        for offset, length in runs:
            if length > 0:
                self.runs.append(Run(offset, length, virtual))
                virtual += length
        self.size = virtual
        self._starts = [run.virtual for run in self.runs]
        self._offsets = [run.offset for run in self.runs]

    def read(self, virtual: int, size: int) -> bytes:
        """Up to `size` bytes from `virtual`, crossing runs; short at the end."""
        pieces = []
        for run, start, length in self.pieces(virtual, size):
            pieces.append(bytes(self.img.read(self.base + run.offset + start, length)))
        return b"".join(pieces)

    def pieces(self, virtual: int, size: int) -> Iterator[tuple[Run, int, int]]:
        """(run, offset in the run, length) covering [virtual, virtual+size)."""
        index = bisect.bisect_right(self._starts, virtual) - 1
        end = min(virtual + size, self.size)
        while index < len(self.runs) and virtual < end:
            run = self.runs[max(index, 0)]
            start = virtual - run.virtual
            length = min(run.length - start, end - virtual)
            if length > 0:
                yield run, start, length
                virtual += length
            index += 1

    def blocks(self, step: int) -> Iterator[tuple[np.ndarray, int, bool]]:
        """The space in blocks of about `step` bytes, each a whole number of sectors:
        (bytes, offset of the first, whether that offset is in the volume).

        From a mapped image, a block is a view of a stretch of the volume, which may span
        short allocated gaps between runs (`locate` says whether an offset is in a run),
        so that a space of many small runs costs a few large looks, not one per run.
        Otherwise the space is read, `step` bytes at a time, at virtual offsets."""
        mapped = getattr(self.img, "map", None)
        if mapped is None:
            position = 0
            while position < self.size:
                data = self.read(position, step)
                usable = len(data) - len(data) % SECTOR
                if usable == 0:
                    return
                yield np.frombuffer(data, dtype=np.uint8, count=usable), position, False
                position += usable
            return
        whole = np.frombuffer(mapped, dtype=np.uint8)
        first = 0
        for index in range(1, len(self.runs) + 1):
            before = self.runs[index - 1]
            if index < len(self.runs) and \
                    self.runs[index].offset - before.offset - before.length < step:
                continue  # a short gap: this stretch goes on
            start, end = self.runs[first].offset, before.offset + before.length
            first = index
            for at in range(start, end, step):
                stop = min(at + step, end)
                stop -= (stop - at) % SECTOR
                if stop > at:
                    yield whole[self.base + at:self.base + stop], at, True

    def locate(self, offset: int) -> int | None:
        """The virtual offset of a volume offset; None when no run holds it."""
        index = bisect.bisect_right(self._offsets, offset) - 1
        if index < 0:
            return None
        run = self.runs[index]
        return run.virtual + offset - run.offset if offset < run.offset + run.length else None

    def extents(self, virtual: int, size: int) -> list[tuple[int, int]]:
        """(volume offset, length) of the bytes [virtual, virtual+size): the fragments,
        adjacent runs merged."""
        out: list[tuple[int, int]] = []
        for run, start, length in self.pieces(virtual, size):
            offset = run.offset + start
            if out and out[-1][0] + out[-1][1] == offset:
                out[-1] = (out[-1][0], out[-1][1] + length)
            else:
                out.append((offset, length))
        return out


def whole(img: Any, base: int, size: int) -> Space:
    return Space(img, base, [(0, size)])


def unallocated(img: Any, base: int, fs: Any) -> Space:
    """The blocks of the file system at `base` that no listed file or folder holds."""
    info = fs.info
    block = int(info.block_size)
    count = int(info.block_count)
    used = np.zeros(count, dtype=bool)
    for start, length in _allocated_runs(fs):
        used[max(start, 0):min(start + length, count)] = True
    if ext4.is_ext(fs):
        for start, length in ext4.metadata_runs(img, base, fs, _runs_of):
            used[max(start, 0):min(start + length, count)] = True
    return Space(img, base, [(start * block, length * block)
                             for start, length in _false_runs(used)])


def _false_runs(used: np.ndarray) -> Iterator[tuple[int, int]]:
    """(first block, blocks) of each run of False."""
    padded = np.concatenate(([True], used, [True]))
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    for first, after in zip(edges[::2], edges[1::2], strict=False):
        yield int(first), int(after - first)


def _allocated_runs(fs: Any) -> Iterator[tuple[int, int]]:
    """(first block, blocks) of the data runs of every allocated file and folder listed."""
    seen: set[int] = set()
    stack: list[tuple[int, int]] = [(int(fs.info.root_inum), 0)]
    while stack:
        inode, depth = stack.pop()
        if inode in seen or depth > _MAX_DEPTH:
            continue
        seen.add(inode)
        try:
            directory = fs.open_dir(inode=inode)
        except OSError:
            continue
        for entry in directory:
            meta = entry.info.meta
            if meta is None or not int(meta.flags) & _META_ALLOC:
                continue
            name = bytes(entry.info.name.name)
            if name in (b".", b".."):
                continue
            yield from _runs_of(entry)
            if int(meta.type) == int(pytsk3.TSK_FS_META_TYPE_DIR):
                stack.append((int(meta.addr), depth + 1))


def _runs_of(tsk_file: Any) -> Iterator[tuple[int, int]]:
    try:
        for attribute in tsk_file:
            if not int(attribute.info.flags) & _NON_RESIDENT:
                continue
            for run in attribute:
                if int(run.flags) & _SPARSE or int(run.len) <= 0:
                    continue
                yield int(run.addr), int(run.len)
    except (OSError, RuntimeError):
        return
