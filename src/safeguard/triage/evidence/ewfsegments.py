"""Which segment of an E01 set is damaged or missing, read from the segments themselves.

libewf says only that the media cannot be read to its end. Guessing the name from the
segments found named one that never existed ("disk.E10 is missing" when disk.E09 was cut
in half). An EWF version 1 segment is a 13-byte file header (signature, segment number)
and a chain of 76-byte section descriptors (type, offset of the next section, size),
ending in a "next" section when another segment follows and in "done" in the last one
(libewf's documentation of the format, "Expert Witness Compression Format"). Walking the
chains names the segment that is cut short, out of order, or the one missing after a
segment whose last section says another follows. Ex01 (version 2) sets are not walked.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path

from ..readonly import open_readonly

_SIGNATURE = b"EVF\x09\x0d\x0a\xff\x00"
_FILE_HEADER = 13
_DESCRIPTOR = 76
_MAX_SECTIONS = 1_000_000


def _section_chain(fd: int, size: int) -> tuple[str, int]:
    """(the type of the section the chain ends in, or "" if cut short; where it ended)."""
    pos = _FILE_HEADER
    for _ in range(_MAX_SECTIONS):
        descriptor = os.pread(fd, _DESCRIPTOR, pos)
        if len(descriptor) < _DESCRIPTOR:
            return "", pos
        kind = descriptor[:16].rstrip(b"\0").decode("ascii", "replace")
        (following,) = struct.unpack_from("<Q", descriptor, 16)
        if kind in ("next", "done"):
            return kind, pos
        if following <= pos or following > size:
            return "", following
        pos = following
    return "", pos


def next_name(name: str) -> str:
    """The segment name that follows `name` (x.E09 → x.E10; x.E99 → x.EAA)."""
    stem, ext = name[:-2], name[-2:]
    if ext.isdigit():
        return f"{stem}{int(ext) + 1:02d}" if ext != "99" else f"{stem}AA"
    letters = [ord(c) - 65 for c in ext.upper()]
    value = letters[0] * 26 + letters[1] + 1
    return f"{stem}{chr(65 + value // 26)}{chr(65 + value % 26)}"


def diagnose(segments: list[str]) -> str | None:
    """What is wrong with the set, naming the segment; None if the chains look whole."""
    for index, segment in enumerate(segments):
        name = Path(segment).name
        try:
            fd = open_readonly(segment, follow=True)
        except OSError as exc:
            return f"{name} cannot be read ({exc.strerror})"
        try:
            size = os.fstat(fd).st_size
            header = os.pread(fd, _FILE_HEADER, 0)
            if header[:8] != _SIGNATURE:
                return None  # Ex01, or not ours to judge: libewf's own message stands
            (number,) = struct.unpack_from("<H", header, 9)
            if number != index + 1:
                return f"{name} holds segment {number} where segment {index + 1} belongs"
            ending, where = _section_chain(fd, size)
        finally:
            os.close(fd)
        last = index == len(segments) - 1
        if not ending:
            return (f"{name} is cut short or damaged (its sections break off at byte "
                    f"{where:,} of {size:,})")
        if ending == "next" and last:
            return f"{next_name(name)} is missing (the set ends at {name}, which names a next)"
        if ending == "done" and not last:
            return f"{name} ends the set, but further segments follow it"
    return None
