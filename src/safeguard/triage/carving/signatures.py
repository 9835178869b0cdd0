"""What a picture or video looks like on the disk: where it starts (a header at the start
of a sector, where file systems put the start of every file) and where it ends (read
from its own structure: JPEG markers, PNG and GIF chunks, RIFF and ISO box sizes).

`find_headers` tests every sector of a block of bytes at once (numpy); `measure` walks a
candidate's structure and says how long it is, or where it breaks.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

SECTOR = 512

JPEG, PNG, GIF, BMP, WEBP, AVI, ISO = "jpg", "png", "gif", "bmp", "webp", "avi", "iso"
# The largest item carved, by kind: larger claims are damage (or not pictures).
MAX_PICTURE = 64 * 1024 * 1024
MAX_VIDEO = 512 * 1024 * 1024

Reader = Callable[[int, int], bytes]
# The first bytes of the headers find_headers knows (ISO files: "ftyp" at 4, after a
# size whose first byte is 0).
_FIRST = (0xFF, 0x89, ord("G"), ord("B"), ord("R"))
# The sizes of the BMP info headers there are.
_BMP_HEADER = np.zeros(256, dtype=bool)
_BMP_HEADER[[12, 40, 52, 56, 64, 108, 124]] = True


def find_headers(block: bytes | np.ndarray) -> list[tuple[int, str]]:
    """(offset in `block`, kind) of each sector of `block` that starts like a picture or
    a video. `block` (bytes, or a uint8 array such as a view of a mapped image) is a
    whole number of sectors."""
    every = np.frombuffer(block, dtype=np.uint8) if isinstance(block, bytes | bytearray) \
        else block
    every = every.reshape(-1, SECTOR)
    # Most sectors start with none of the first bytes: only the first 8 bytes of each
    # are gathered, in one pass (a memory access a sector is the cost of the search),
    # then bytes 0 and 4 are tested side by side; the candidates are tested below.
    head = np.ascontiguousarray(every.view("<u8")[:, 0])
    first = head & 0xFF
    maybe = first == _FIRST[0]
    for byte in _FIRST[1:]:
        maybe |= first == byte
    maybe |= (head >> 32) & 0xFF == 0x66
    candidates = np.flatnonzero(maybe)
    rows = every[candidates, :16]

    def starts(sig: bytes, at: int = 0) -> np.ndarray:
        mask = np.ones(len(rows), dtype=bool)
        for i, byte in enumerate(sig):
            mask &= rows[:, at + i] == byte
        return mask

    found: list[tuple[np.ndarray, str]] = [
        (starts(b"\xff\xd8\xff"), JPEG),
        (starts(b"\x89PNG\r\n\x1a\n"), PNG),
        (starts(b"GIF8") & ((rows[:, 4] == 0x37) | (rows[:, 4] == 0x39)) & (rows[:, 5] == 0x61),
         GIF),
        (starts(b"BM") & starts(b"\x00\x00\x00\x00", 6) & _BMP_HEADER[rows[:, 14]]
         & (rows[:, 15] == 0), BMP),
        (starts(b"RIFF") & starts(b"WEBP", 8), WEBP),
        (starts(b"RIFF") & starts(b"AVI ", 8), AVI),
        (starts(b"ftyp", 4) & (rows[:, 0] == 0) & (rows[:, 1] == 0), ISO),
    ]
    out = [(int(candidates[i]) * SECTOR, kind)
           for mask, kind in found for i in np.flatnonzero(mask)]
    return sorted(out)


@dataclass(frozen=True, slots=True)
class Measure:
    """A candidate's length when its structure is whole; else where it breaks (`broken`,
    relative to its start) and, for a JPEG, where its scan data began."""

    length: int = 0
    broken: int = -1
    scan: int = -1


_GROW = 256 * 1024


def measure(kind: str, read: Reader, start: int) -> Measure:
    cap = MAX_VIDEO if kind in (AVI, ISO) else MAX_PICTURE
    if kind == JPEG:
        return _grow(lambda data, final: jpeg_end(data, final), read, start, cap)
    if kind == PNG:
        return _png_end(read, start, cap)
    if kind == GIF:
        return _grow(_gif_end, read, start, cap)
    head = read(start, 64)
    if kind == BMP:
        (size,) = struct.unpack_from("<I", head, 2)
        (pixels,) = struct.unpack_from("<I", head, 10)
        return Measure(size) if 26 <= size <= cap and 14 < pixels < size else Measure(broken=0)
    if kind in (WEBP, AVI):
        (size,) = struct.unpack_from("<I", head, 4)
        return Measure(size + 8) if 12 <= size + 8 <= cap else Measure(broken=0)
    return _iso_end(read, start, cap)


def _grow(parse: Callable[[bytes, bool], Measure | None], read: Reader, start: int,
          cap: int) -> Measure:
    """Parse a window that doubles until the structure's end is inside it (None: more)."""
    size = _GROW
    while True:
        data = read(start, size)
        final = len(data) < size or size >= cap
        result = parse(data, final)
        if result is not None:
            return result
        if final:
            return Measure(broken=len(data))
        size = min(size * 2, cap)


# -- JPEG ------------------------------------------------------------------------------

# In entropy-coded data a 0xFF is followed by 0x00 (a stuffed byte) or a restart marker;
# anything else is the next marker, or (if not one that may follow) damage.
_MARKER = re.compile(rb"\xff(?=[^\x00\xd0-\xd7\xff])")
_SEGMENTS_AFTER_SCAN = frozenset((0xC4, 0xDA, 0xDB, 0xDD, 0xFE, *range(0xE0, 0xF0)))
# A 0xFF followed by none of those bytes, nor a stuffed zero, a restart or a fill byte:
# damage, or another picture's end marker.
_DAMAGE = re.compile(rb"\xff[^\x00\xd0-\xd7\xff\xc4\xda\xdb\xdd\xfe\xe0-\xef]")


def jpeg_end(data: bytes, final: bool = True) -> Measure | None:
    """The JPEG's length (to its EOI) or where it breaks; None when `data` ends before
    either and is not `final`."""
    pos = 2
    scan = -1
    n = len(data)
    while True:
        if pos + 2 > n:
            return None if not final else Measure(broken=pos, scan=scan)
        if data[pos] != 0xFF:
            return Measure(broken=pos, scan=scan)
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0xD9:
            return Measure(pos + 2, scan=scan) if scan >= 0 else Measure(broken=pos)
        if pos + 4 > n:
            return None if not final else Measure(broken=pos, scan=scan)
        if 0xD0 <= marker <= 0xD7 or marker in (0x01, 0xD8, 0x00):
            return Measure(broken=pos, scan=scan)
        (length,) = struct.unpack_from(">H", data, pos + 2)
        if length < 2:
            return Measure(broken=pos, scan=scan)
        pos += 2 + length
        if marker != 0xDA:
            continue
        if scan < 0:
            scan = pos
        found = _MARKER.search(data, pos)
        if found is None:
            return None if not final else Measure(broken=n, scan=scan)
        pos = found.start()
        following = data[pos + 1]
        if following != 0xD9 and following not in _SEGMENTS_AFTER_SCAN:
            return Measure(broken=pos, scan=scan)


def scan_damage_before(data: bytes | bytearray, end: int) -> int:
    """The position of the last byte pair in data[:end] that cannot be in entropy-coded
    data nor be a marker between scans (-1 when none): the data from just after it to
    `end` can be a JPEG's tail."""
    last = -1
    for found in _DAMAGE.finditer(data, 0, max(end - 1, 0)):
        last = found.start()
    return last


# -- PNG, GIF, ISO ----------------------------------------------------------------------

_PNG_TYPE = re.compile(rb"[A-Za-z]{4}")


def _png_end(read: Reader, start: int, cap: int) -> Measure:
    """The PNG's length: its chunks' lengths and type names walked to IEND, one read a
    chunk. Their CRCs are checked when it is validated (validate.py), off this thread."""
    pos = 8
    while pos + 12 <= cap:
        head = read(start + pos, 8)
        if len(head) < 8:
            break
        length, kind = struct.unpack_from(">I4s", head)
        if length > MAX_PICTURE or not _PNG_TYPE.fullmatch(kind):
            return Measure(broken=pos)
        pos += 12 + length
        if kind == b"IEND":
            return Measure(pos) if pos <= cap else Measure(broken=pos)
    return Measure(broken=pos)


def _gif_end(data: bytes, final: bool) -> Measure | None:
    n = len(data)
    if n < 13:
        return None if not final else Measure(broken=0)
    flags = data[10]
    pos = 13 + (3 * 2 ** ((flags & 7) + 1) if flags & 0x80 else 0)
    while True:
        if pos >= n:
            return None if not final else Measure(broken=pos)
        block = data[pos]
        if block == 0x3B:
            return Measure(pos + 1)
        if block == 0x21:
            pos += 2
        elif block == 0x2C:
            if pos + 10 > n:
                return None if not final else Measure(broken=pos)
            local = data[pos + 9]
            pos += 10 + (3 * 2 ** ((local & 7) + 1) if local & 0x80 else 0) + 1
        else:
            return Measure(broken=pos)
        while True:  # data sub-blocks, ended by an empty one
            if pos >= n:
                return None if not final else Measure(broken=pos)
            size = data[pos]
            pos += 1 + size
            if size == 0:
                break


# Top-level boxes of MP4, QuickTime, 3GP and HEIF files.
_ISO_BOXES = frozenset((b"ftyp", b"moov", b"mdat", b"free", b"skip", b"wide", b"meta",
                        b"uuid", b"pdin", b"moof", b"mfra", b"sidx", b"styp", b"pnot",
                        b"udta", b"prft", b"emsg", b"iinf", b"iloc", b"idat", b"junk"))


def _iso_end(read: Reader, start: int, cap: int) -> Measure:
    pos = 0
    seen: set[bytes] = set()
    while pos < cap:
        head = read(start + pos, 16)
        if len(head) < 8:
            break
        size, kind = struct.unpack_from(">I4s", head)
        if kind not in _ISO_BOXES:
            break
        if size == 1 and len(head) == 16:
            (size,) = struct.unpack_from(">Q", head, 8)
        if size < 8:
            break  # 0 ("to the end of the file") has no end to carve to
        seen.add(kind)
        pos += size
    whole = b"ftyp" in seen and (b"moov" in seen or b"meta" in seen)
    return Measure(pos) if whole and pos <= cap else Measure(broken=pos)
