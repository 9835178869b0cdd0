"""Partition tables read when The Sleuth Kit will not read them.

TSK refuses a whole MBR table when one partition starts past the end of the image (a
truncated or partial acquisition), and reads a GPT disk whose backup header is cut off as
its protective MBR alone: the partitions that are present were never read, and the image
passed as one opaque file. Here the table itself is listed, so the walk can read what is
present and warn about what is not:

- MBR (primary and logical partitions) through libvsmbr, the libyal library;
- GPT from its primary header and entry array (both CRC-checked), read here because
  libvsgpt refuses a disk whose backup header is missing, which is exactly this case.
"""

from __future__ import annotations

import struct
import uuid
import zlib
from dataclasses import dataclass
from typing import Any

from .positioned import PositionedReader

SECTOR = 512
_GPT_SIGNATURE = b"EFI PART"
_PROTECTIVE = 0xEE

# Common GPT partition types, as the report names them.
_GPT_TYPES = {
    "ebd0a0a2-b9e5-4433-87c0-68b6b72699c7": "Basic data partition",
    "0fc63daf-8483-4772-8e79-3d69d8477de4": "Linux filesystem",
    "c12a7328-f81f-11d2-ba4b-00a0c93ec93b": "EFI system partition",
    "e3c9e316-0b5c-4db8-817d-f92df00215ae": "Microsoft reserved partition",
    "de94bba4-06d1-4d40-a16a-bfd50179d6ac": "Windows recovery environment",
    "e6d6d379-f507-44c2-a23c-238f2a3df928": "Linux LVM",
    "0657fd6d-a4ab-43c4-84e5-0933c84b4f4f": "Linux swap",
    "ca7d7ccb-63ed-4c53-861c-1742536059cc": "LUKS",
    "48465300-0000-11aa-aa11-00306543ecac": "Apple HFS+",
    "7c3457ef-0000-11aa-aa11-00306543ecac": "Apple APFS",
}


@dataclass(frozen=True, slots=True)
class TablePartition:
    start_sector: int
    sectors: int
    description: str


class _ImageFile(PositionedReader):
    """A TSK image object as a seekable file, for libyal's file-object input."""

    def __init__(self, img: Any, size: int) -> None:
        super().__init__()
        self.img = img
        self._size = size

    def size(self) -> int:
        return self._size

    def read_at(self, offset: int, n: int) -> bytes:
        want = min(n, self._size - offset)
        return bytes(self.img.read(offset, want)) if want > 0 else b""


def read_table(img: Any, size: int) -> tuple[str, list[TablePartition]] | None:
    """("GPT" | "MBR", partitions in table order), or None when there is no table."""
    head = bytes(img.read(0, min(size, 2 * SECTOR)))
    if len(head) < SECTOR or head[510:512] != b"\x55\xaa":
        return None
    types = [head[446 + 16 * i + 4] for i in range(4)]
    if _PROTECTIVE in types:
        gpt = _gpt(img, size)
        if gpt is not None:
            return "GPT", gpt
    mbr = _mbr(img, size)
    return ("MBR", mbr) if mbr else None


def _mbr(img: Any, size: int) -> list[TablePartition]:
    import pyvsmbr

    volume = pyvsmbr.volume()
    try:
        volume.open_file_object(_ImageFile(img, size))
    except OSError:
        return []  # not a table libvsmbr can read (found by fuzzing: close() then fails)
    try:
        sector = int(volume.bytes_per_sector) or SECTOR
        found = []
        for index in range(int(volume.number_of_partitions)):
            part = volume.get_partition(index)
            found.append(TablePartition(int(part.volume_offset) // sector,
                                        int(part.size) // sector,
                                        f"MBR type 0x{int(part.type):02x}"))
        return found
    except OSError:
        return []
    finally:
        volume.close()


def _gpt(img: Any, size: int) -> list[TablePartition] | None:
    for sector in (SECTOR, 4096):
        header = bytes(img.read(sector, 92)) if size >= sector + 92 else b""
        if header[:8] != _GPT_SIGNATURE:
            continue
        header_size, header_crc = struct.unpack_from("<II", header, 12)
        check = bytearray(bytes(img.read(sector, header_size)))
        if len(check) < 92 or header_size > sector:
            return None
        check[16:20] = b"\0\0\0\0"
        if zlib.crc32(check) != header_crc:
            return None
        entries_lba, count, entry_size, entries_crc = struct.unpack_from("<QIII", header, 72)
        if not 128 <= entry_size <= 4096 or count > 65536:
            return None
        table = bytes(img.read(entries_lba * sector, count * entry_size))
        if len(table) != count * entry_size or zlib.crc32(table) != entries_crc:
            return None
        found = []
        for i in range(count):
            entry = table[i * entry_size:(i + 1) * entry_size]
            kind = uuid.UUID(bytes_le=entry[:16])
            if kind.int == 0:
                continue
            first, last = struct.unpack_from("<QQ", entry, 32)
            name = entry[56:128].decode("utf-16-le", "replace").rstrip("\0")
            description = _GPT_TYPES.get(str(kind), f"GPT type {kind}")
            found.append(TablePartition(first * sector // SECTOR,
                                        (last - first + 1) * sector // SECTOR,
                                        f"{description} {name!r}" if name else description))
        return found
    return None
