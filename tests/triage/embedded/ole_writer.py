"""A minimal writer of OLE compound files (MS-CFB version 3: 512-byte sectors, a mini
stream for streams under 4096 bytes), so that the tests can build Thumbs.db and Outlook
.msg files in the documented layout: olefile reads them but cannot create them.

`build_ole({"Catalog": b"...", "1": b"...", "storage": {"stream": b"..."}})`: a dict is
a storage, bytes a stream.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

SECTOR = 512
MINI = 64
CUTOFF = 4096
FREE, END, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
Tree = dict[str, "bytes | Tree"]


@dataclass
class _Entry:
    name: str
    kind: int  # 1 storage, 2 stream, 5 root
    data: bytes = b""
    children: list[int] = field(default_factory=list)
    right: int = NOSTREAM
    start: int = END
    size: int = 0


def _entries(tree: Tree) -> list[_Entry]:
    entries = [_Entry("Root Entry", 5)]

    def add(parent: int, node: Tree) -> None:
        # Siblings in the order MS-CFB compares names: length first, then upper case.
        for name in sorted(node, key=lambda n: (len(n), n.upper())):
            value = node[name]
            index = len(entries)
            if isinstance(value, dict):
                entries.append(_Entry(name, 1))
                entries[parent].children.append(index)
                add(index, value)
            else:
                entries.append(_Entry(name, 2, value, size=len(value)))
                entries[parent].children.append(index)

    add(0, tree)
    for entry in entries:  # a degenerate tree: each child's right sibling is the next
        for this, after in zip(entry.children, entry.children[1:], strict=False):
            entries[this].right = after
    return entries


def _chain(table: list[int], first: int, count: int) -> None:
    for i in range(count):
        table[first + i] = first + i + 1 if i < count - 1 else END


def build_ole(tree: Tree) -> bytes:
    entries = _entries(tree)
    # The mini stream: small streams in 64-byte mini sectors.
    mini = bytearray()
    minifat: list[int] = []
    for entry in entries:
        if entry.kind == 2 and entry.size < CUTOFF and entry.size:
            count = -(-entry.size // MINI)
            entry.start = len(minifat)
            minifat.extend([0] * count)
            _chain(minifat, entry.start, count)
            mini += entry.data.ljust(count * MINI, b"\x00")
    entries[0].data, entries[0].size = bytes(mini), len(mini)
    sectors: list[bytes] = []
    fat: list[int] = []

    def place(data: bytes) -> int:
        count = -(-len(data) // SECTOR)
        if not count:
            return END
        first = len(sectors)
        padded = data.ljust(count * SECTOR, b"\x00")
        sectors.extend(padded[i:i + SECTOR] for i in range(0, len(padded), SECTOR))
        fat.extend([0] * count)
        _chain(fat, first, count)
        return first

    for entry in entries:
        if entry.kind == 2 and entry.size >= CUTOFF:
            entry.start = place(entry.data)
    entries[0].start = place(entries[0].data)
    minifat_bytes = struct.pack(f"<{len(minifat)}I", *minifat) if minifat else b""
    minifat_start = place(minifat_bytes) if minifat else END
    directory = b"".join(_dir_entry(e) for e in entries)
    directory_start = place(directory)
    # The FAT covers every sector, its own included.
    fat_count = 1
    while (len(sectors) + fat_count) * 4 > fat_count * SECTOR:
        fat_count += 1
    fat_start = len(sectors)
    fat.extend([FATSECT] * fat_count)
    fat.extend([FREE] * (fat_count * SECTOR // 4 - len(fat)))
    table = struct.pack(f"<{len(fat)}I", *fat)
    sectors.extend(table[i:i + SECTOR] for i in range(0, len(table), SECTOR))
    difat = [fat_start + i for i in range(fat_count)] + [FREE] * (109 - fat_count)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII109I", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\x00" * 16,
        0x3E, 3, 0xFFFE, 9, 6, b"\x00" * 6, 0, fat_count, directory_start, 0, CUTOFF,
        minifat_start, -(-len(minifat_bytes) // SECTOR), END, 0, *difat)
    return header + b"".join(sectors)


def _dir_entry(entry: _Entry) -> bytes:
    name = entry.name.encode("utf-16-le") + b"\x00\x00"
    child = entry.children[0] if entry.children else NOSTREAM
    return struct.pack("<64sHBBIII16sIQQIQ", name, len(name), entry.kind, 1, NOSTREAM,
                       entry.right, child, b"\x00" * 16, 0, 0, 0, entry.start, entry.size)
