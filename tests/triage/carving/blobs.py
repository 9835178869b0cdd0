"""Unallocated space held in memory for the carving tests: a blob of sectors, padded."""

from __future__ import annotations

import hashlib

SECTOR = 512


class Bytes:
    """A blob read as the carver reads a volume: `read(offset, size)`."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self, offset: int, size: int) -> bytes:
        return self.data[offset:offset + size]


def pad(data: bytes) -> bytes:
    """`data` followed by zeros to the end of its last sector."""
    return data + b"\x00" * (-len(data) % SECTOR)


def sha1(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()
