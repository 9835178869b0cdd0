"""The one way the engine opens evidence: read-only, without touching access times.

An access time is evidence too (when was this file last opened?), and docs/triage.md
promises that a triage leaves it as it was. Every open of an evidence file, whoever reads
it (the walk, the digests, format probes, The Sleuth Kit, libewf, the video decoder),
goes through `open_readonly` or `open_readonly_file`; libraries that would open a path
themselves are handed file objects made here instead. tests/triage/test_access_times.py
checks each kind of evidence.

O_NOATIME is allowed to the file's owner and to root; anyone else falls back to a plain
read-only open (docs/triage.md says so). O_NOFOLLOW: a symbolic link swapped in for a file
of the evidence is refused, never followed out of it.
"""

from __future__ import annotations

import os
from typing import BinaryIO, cast

_NOATIME = getattr(os, "O_NOATIME", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def open_readonly(path: str | os.PathLike[str], *, follow: bool = False) -> int:
    """A read-only file descriptor for `path` that leaves its access time unchanged.

    `follow`: the path itself may be a symbolic link (an evidence item named on the
    command line, such as a link to a device or an image); links met inside the evidence
    are never followed.
    """
    flags = os.O_RDONLY | (0 if follow else _NOFOLLOW)
    if _NOATIME:
        try:
            return os.open(path, flags | _NOATIME)
        except PermissionError:
            pass
    return os.open(path, flags)


def open_readonly_file(path: str | os.PathLike[str], *, follow: bool = False) -> BinaryIO:
    """`open_readonly` as an unbuffered binary file object (seekable, closes its fd)."""
    return cast(BinaryIO, open(open_readonly(path, follow=follow), "rb", buffering=0))


def read_head(path: str | os.PathLike[str], size: int, *, follow: bool = True) -> bytes:
    """The first `size` bytes of a file (a format probe); OSError when it cannot be read."""
    with open_readonly_file(path, follow=follow) as stream:
        return stream.read(size)
