"""Plumbing between The Sleuth Kit (pytsk3) and Python's I/O.

- `TskFileReader`: a seekable, read-only binary stream over one file inside a file system.
- `PiecesImgInfo`: a raw image, whole or split into numbered pieces (`disk.000`,
  `disk.001` ...), presented to TSK as one image and opened without touching access times
  (pytsk3's own `Img_Info` opens a single path itself).
- `fs_type_name`: names for the report (what a header claims: signatures.py).

TSK handles (image, file system, file) are not safe to share between threads, so every
source owns one `threading.Lock` per image and takes it around each TSK call. Readers take
it for one chunk at a time: while one thread waits for TSK, others digest their last chunk
(hashlib releases the GIL), so hashing still overlaps across threads.
"""

from __future__ import annotations

import io
import os
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import pytsk3

from ..errors import EvidenceError
from ..readonly import open_readonly, open_readonly_file
from .positioned import PositionedReader

if TYPE_CHECKING:  # collections.abc.Buffer is 3.12+; annotations only, never evaluated
    from typing_extensions import Buffer

# One TSK call reads at most this much: small enough that threads sharing an image take
# turns often, large enough that the per-call overhead (lock, Python object) is negligible.
READ_CHUNK = 1024 * 1024

# Split raw pieces are named NAME.001, NAME.002 ... (dd, FTK Imager, Guymager).
_SPLIT_SUFFIX = re.compile(r"\.(\d{3,})$")


class TskFileReader(PositionedReader):
    """The content of one file system file, read through TSK's `read_random`.

    `where` names the file in error messages. A read TSK cannot satisfy (a deleted file's
    clusters are gone, the image is truncated) raises EvidenceError naming the file.
    """

    def __init__(self, tsk_file: Any, size: int, lock: threading.Lock, where: str,
                 stream: tuple[int, int] | None = None) -> None:
        super().__init__()
        # (attribute type, attribute id) of a stream other than the file's main data: an
        # NTFS alternate data stream.
        self._stream = stream
        self._file: Any = tsk_file
        self._size = size
        self._lock = lock
        self._where = where

    def size(self) -> int:
        return self._size

    def read(self, size: int | None = -1) -> bytes:
        # RawIOBase.read would return one chunk at most and readall() would go 8 KiB at a
        # time: callers such as archive readers expect read(n) to give n bytes unless the
        # file ends, and one TSK call per chunk keeps whole-file reads fast.
        if size is None or size < 0:
            size = max(self._size - self.pos, 0)
        parts: list[bytes] = []
        while size > 0:
            chunk = bytearray(min(size, READ_CHUNK))
            n = self.readinto(chunk)
            if not n:
                break
            parts.append(bytes(chunk[:n]))
            size -= n
        return b"".join(parts)

    def readall(self) -> bytes:
        return self.read(-1)

    def readinto(self, buffer: Buffer) -> int:
        if self.closed:
            raise ValueError("read from a closed file")
        view = memoryview(buffer).cast("B")
        want = min(len(view), self._size - self.pos, READ_CHUNK)
        if want <= 0:
            return 0
        with self._lock:
            try:
                data: bytes = (self._file.read_random(self.pos, want, *self._stream)
                               if self._stream else self._file.read_random(self.pos, want))
            except OSError as exc:
                raise EvidenceError(
                    f"{self._where}: cannot read {want} bytes at offset {self.pos}: {exc}"
                ) from exc
        if not data:
            raise EvidenceError(
                f"{self._where}: content ends at offset {self.pos} of {self._size} bytes"
            )
        n = len(data)
        view[:n] = data
        self.pos += n
        return n

    def close(self) -> None:
        # Dropping the last reference closes the TSK file, which touches shared state.
        with self._lock:
            self._file = None
        super().close()


class PiecesImgInfo(pytsk3.Img_Info):  # type: ignore[misc]  # pytsk3 is untyped
    """A raw image, whole or in numbered pieces, read as one image by TSK.

    TSK's own `Img_Info(path)` opens the file itself, without O_NOATIME: every piece is
    opened here through `open_readonly` instead and read with `pread` (an external TSK
    image type, the pattern pytsk3 documents).
    """

    def __init__(self, pieces: Sequence[Path]) -> None:
        self._fds: list[int] = []
        self._starts: list[int] = []
        total = 0
        try:
            for piece in pieces:
                fd = open_readonly(piece, follow=True)
                self._fds.append(fd)
                self._starts.append(total)
                # Not fstat: a block device (a drive named as evidence) reports size 0.
                total += os.lseek(fd, 0, os.SEEK_END)
        except OSError as exc:
            self.close()
            raise EvidenceError(f"{exc.filename}: cannot open image piece: {exc.strerror}") from exc
        self._size = total
        super().__init__(url="", type=pytsk3.TSK_IMG_TYPE_EXTERNAL)

    def get_size(self) -> int:
        return self._size

    def read(self, offset: int, size: int) -> bytes:
        if len(self._fds) == 1:
            return os.pread(self._fds[0], max(min(size, self._size - offset), 0), offset)
        parts: list[bytes] = []
        end = min(offset + size, self._size)
        index = 0
        while index + 1 < len(self._starts) and self._starts[index + 1] <= offset:
            index += 1
        while offset < end and index < len(self._fds):
            piece_end = (
                self._starts[index + 1] if index + 1 < len(self._starts) else self._size
            )
            n = min(end, piece_end) - offset
            data = os.pread(self._fds[index], n, offset - self._starts[index])
            if not data:
                break
            parts.append(data)
            offset += len(data)
            if offset >= piece_end:
                index += 1
        return b"".join(parts)

    def close(self) -> None:
        for fd in self._fds:
            os.close(fd)
        self._fds = []


class ConcatReader(io.RawIOBase):
    """The pieces of a split image read one after another, for the whole-image digest."""

    def __init__(self, pieces: Sequence[Path]) -> None:
        super().__init__()
        self._pieces = list(pieces)
        self._current: BinaryIO | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Buffer) -> int:
        view = memoryview(buffer).cast("B")
        while True:
            if self._current is None:
                if not self._pieces:
                    return 0
                self._current = open_readonly_file(self._pieces.pop(0), follow=True)
            n: int = self._current.readinto(view)  # type: ignore[attr-defined]
            if n:
                return n
            self._current.close()
            self._current = None

    def close(self) -> None:
        if self._current is not None:
            self._current.close()
            self._current = None
        super().close()


def split_pieces(path: Path) -> list[Path]:
    """Every piece of the split raw set `path` belongs to, in order, else [path].

    Pieces are numbered with three or more digits from .000 or .001 (dd and split count
    from 0, FTK Imager and Guymager from 1); whichever piece is named, the set is found
    from its first piece and taken while the next number exists. A lone numbered file is a
    plain raw image.
    """
    match = _SPLIT_SUFFIX.search(path.name)
    if match is None:
        return [path]
    width = len(match.group(1))
    stem = path.name[: match.start()]

    def piece(number: int) -> Path:
        return path.with_name(f"{stem}.{number:0{width}d}")

    first = next((n for n in (0, 1) if piece(n).is_file()), None)
    if first is None or int(match.group(1)) < first:
        return [path]
    pieces: list[Path] = []
    number = first
    while (candidate := piece(number)).is_file():
        pieces.append(candidate)
        number += 1
    if path.name not in {p.name for p in pieces}:
        return [path]  # a gap before the named piece: not one set
    return pieces


def _fs_names() -> dict[int, str]:
    names = {
        "FAT12": "FAT12",
        "FAT16": "FAT16",
        "FAT32": "FAT32",
        "EXFAT": "exFAT",
        "NTFS": "NTFS",
        "EXT2": "ext2",
        "EXT3": "ext3",
        "EXT4": "ext4",
        "HFS": "HFS+",
        "APFS": "APFS",
        "ISO9660": "ISO9660",
        "FFS1": "UFS1",
        "FFS1B": "UFS1b",
        "FFS2": "UFS2",
        "YAFFS2": "YAFFS2",
        "SWAP": "swap",
        "RAW": "raw",
    }
    out: dict[int, str] = {}
    for tsk_name, name in names.items():
        value = getattr(pytsk3, f"TSK_FS_TYPE_{tsk_name}", None)
        if value is not None:
            out[int(value)] = name
    return out


_FS_NAMES = _fs_names()


def fs_type_name(ftype: Any) -> str:
    """The name a report uses for a TSK file system type ("FAT16", "exFAT", "ext4" ...)."""
    return _FS_NAMES.get(int(ftype), f"unknown ({int(ftype)})")


