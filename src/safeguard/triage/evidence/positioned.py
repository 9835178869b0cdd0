"""A read-only, seekable stream over anything that can read at an offset.

Several readers present something else as a file: a TSK image to libyal's file-object
input (tables.py), an archive with a few bytes replaced to zipfile (zipfix.py). They
differ only in how they read at an offset; the position, seeking and `readinto` are here.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # collections.abc.Buffer is 3.12+; annotations only, never evaluated
    from typing_extensions import Buffer


class PositionedReader(io.RawIOBase):
    """Subclasses give `size()` and `read_at(offset, n)`."""

    def __init__(self) -> None:
        super().__init__()
        self.pos = 0

    def size(self) -> int:
        raise NotImplementedError

    def read_at(self, offset: int, n: int) -> bytes:
        raise NotImplementedError

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_SET:
            base = 0
        elif whence == io.SEEK_CUR:
            base = self.pos
        elif whence == io.SEEK_END:
            base = self.size()
        else:
            raise ValueError(f"invalid whence {whence}")
        if base + offset < 0:
            raise ValueError("negative seek position")
        self.pos = base + offset
        return self.pos

    def get_size(self) -> int:
        """libyal's file-object input asks for the size this way."""
        return self.size()

    def readinto(self, buffer: Buffer) -> int:
        view = memoryview(buffer).cast("B")
        data = self.read_at(self.pos, len(view))
        n = len(data)
        view[:n] = data
        self.pos += n
        return n
