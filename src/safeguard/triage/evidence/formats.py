"""What a file, a partition or a volume is, read from its signature: virtual disks,
volume managers, encrypted volumes and file systems.

The engine must never pass a disk image or an encrypted volume off as one opaque file
with nothing to say (a VMDK hashed as a blob and "0 warnings, exit 0" is a false negative
that looks clean). `identify` names every format of this table from the bytes at the
start and the end of the item; the readers then either read it (containers.py, TSK) or
report it as a warning row naming the format and the reason (docs/evidence.md's table).

Kept free of any reader library, so that a probe costs two small reads and no import.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass

from ..readonly import open_readonly_file
from .signatures import volume_family

# The furthest signature from the start: UFS2's superblock magic at 65536 + 1372.
HEAD_BYTES = 68 * 1024
# VHD (fixed) and DMG (UDIF) keep their signature in the last 512 bytes; an AFF4 volume
# (a zip) its central directory near the end.
TAIL_BYTES = 64 * 1024

CONTAINER = "disk image"
VOLUMES = "volume system"
ENCRYPTED = "encrypted volume"
FILESYSTEM = "file system"


@dataclass(frozen=True, slots=True)
class Recognised:
    """A format named by its signature. `name` is what the examiner reads ("VMDK",
    "LUKS2", "APFS container"); `kind` one of the four above."""

    name: str
    kind: str

    @property
    def encrypted(self) -> bool:
        return self.kind == ENCRYPTED


# (offset, magic, name, kind): checked in order, first match wins.
_AT_OFFSET: tuple[tuple[int, bytes, str, str], ...] = (
    (0, b"QFI\xfb", "QCOW", CONTAINER),  # version refined below
    (0, b"KDMV", "VMDK", CONTAINER),
    (0, b"COWD", "VMDK (ESX sparse)", CONTAINER),
    (0, b"# Disk DescriptorFile", "VMDK", CONTAINER),
    (0, b"vhdxfile", "VHDX", CONTAINER),
    (0, b"conectix", "VHD", CONTAINER),
    (0, b"EVF\x09\x0d\x0a\xff\x00", "EWF (E01)", CONTAINER),
    (0, b"EVF2\x0d\x0a\x81\x00", "EWF2 (Ex01)", CONTAINER),
    (0, b"LVF\x09\x0d\x0a\xff\x00", "EWF logical (L01)", CONTAINER),
    (0, b"AFF10\r\n\x00", "AFF", CONTAINER),
    (0, b"sprs", "Apple sparse image", CONTAINER),
    (0, b"WithoutFreeSpace", "Parallels", CONTAINER),
    (0, b"WithouFreSpacExt", "Parallels", CONTAINER),
    (64, b"\x7f\x10\xda\xbe", "VDI (VirtualBox)", CONTAINER),
    (0, b"LUKS\xba\xbe", "LUKS", ENCRYPTED),  # version refined below
    (3, b"-FVE-FS-", "BitLocker", ENCRYPTED),
    (424, b"-FVE-FS-", "BitLocker To Go", ENCRYPTED),
    (88, b"CS\x01\x00", "Core Storage", VOLUMES),
    (536, b"LVM2 001", "LVM2", VOLUMES),
    (32, b"NXSB", "APFS container", FILESYSTEM),
    (32, b"APSB", "APFS volume", FILESYSTEM),
    (0, b"XFSB", "XFS", FILESYSTEM),
    (3, b"ReFS\x00\x00\x00\x00", "ReFS", FILESYSTEM),
    (65600, b"_BHRfS_M", "Btrfs", FILESYSTEM),
    (1024, b"\x10\x20\xf5\xf2", "F2FS", FILESYSTEM),
    (1024, b"H+\x00\x04", "HFS+", FILESYSTEM),
    (1024, b"HX\x00\x05", "HFSX", FILESYSTEM),
    (1024, b"BD", "HFS", FILESYSTEM),
    (32769, b"CD001", "ISO 9660", FILESYSTEM),
)


def _windows() -> tuple[tuple[int, int, frozenset[bytes]], ...]:
    """Per offset of the table, the shortest magic's length there and every magic's first
    bytes of that length: a window that holds none of them rules the offset out. In
    order of where they end, so that a short head stops at the first it cannot hold."""
    by_offset: dict[int, list[bytes]] = {}
    for offset, magic, _name, _kind in _AT_OFFSET:
        by_offset.setdefault(offset, []).append(magic)
    windows = []
    for offset, magics in by_offset.items():
        width = min(len(m) for m in magics)
        windows.append((offset, width, frozenset(m[:width] for m in magics)))
    return tuple(sorted(windows, key=lambda w: w[0] + w[1]))


_WINDOWS = _windows()


def _may_match(head: bytes) -> bool:
    """Whether any signature of the table can be in `head`: most files of the evidence
    are none of these, and ruling them out this way costs a tenth of the table's walk
    (the examiner asks it of every file it cannot name: docs/benchmarks.md, hashing)."""
    # A plain loop, not any() over a generator: half the time (0.7 against 1.3 µs a
    # 512-byte head), and the examiner's head (512 bytes) stops before the windows
    # further in.
    size = len(head)
    for offset, width, starts in _WINDOWS:
        if offset + width > size:
            return False
        if head[offset:offset + width] in starts:
            return True
    return False


def identify(head: bytes, tail: bytes = b"") -> Recognised | None:
    """The format `head` (the first HEAD_BYTES, or as many as the item has) and `tail`
    (its last bytes, up to TAIL_BYTES) name, or None when they name none of this table.

    File systems and tables The Sleuth Kit reads (FAT, exFAT, NTFS, ext, MBR, GPT) are
    not named here: signatures.py knows those.
    """
    udf = _udf(head)
    if udf is not None:
        return udf
    for offset, magic, name, kind in _AT_OFFSET if _may_match(head) else ():
        if head[offset:offset + len(magic)] != magic:
            continue
        if name == "QCOW":
            # Version 3 is QCOW2 with extensions (what qemu-img writes by default).
            version = struct.unpack_from(">I", head, 4)[0] if len(head) >= 8 else 0
            return Recognised("QCOW2" if version in (2, 3) else "QCOW", kind)
        if name == "LUKS":
            version = struct.unpack_from(">H", head, 6)[0] if len(head) >= 8 else 0
            return Recognised(f"LUKS{version}" if version in (1, 2) else "LUKS", kind)
        if name == "HFS" and not _hfs_block_size(head):
            continue  # two letters are not enough: the allocation block size must fit
        if name == "HFS" and head[1024 + 124:1024 + 126] != b"H+":
            # A plain HFS volume; one that wraps an HFS+ volume says so at offset 124.
            return Recognised("HFS", kind)
        if name == "HFS":
            return Recognised("HFS+ (in an HFS wrapper)", kind)
        return Recognised(name, kind)
    ufs = _ufs(head)
    if ufs is not None:
        return ufs
    if len(tail) >= 512:
        footer = tail[-512:]
        if footer[:8] == b"conectix" or tail[-511:-503] == b"conectix":
            return Recognised("VHD", CONTAINER)
        if footer[:4] == b"koly":
            return Recognised("DMG (UDIF)", CONTAINER)
    if head[:4] == b"PK\x03\x04" and (b"information.turtle" in head + tail
                                      or b"container.description" in head + tail):
        return Recognised("AFF4", CONTAINER)
    return None


def _hfs_block_size(head: bytes) -> bool:
    """An HFS master directory block's allocation block size: a multiple of 512."""
    if len(head) < 1024 + 24:
        return False
    size = int(struct.unpack_from(">I", head, 1024 + 20)[0])
    return size > 0 and size % 512 == 0


def nested_image(head: bytes) -> str:
    """What a file found inside the evidence (in a folder, an archive, a disk image) is,
    when its first bytes (512 or more) name a disk image, an encrypted volume or a file
    system: "VMDK disk image", "LUKS1 encrypted volume", "FAT16 file system"; else ""."""
    found = identify(head)
    if found is not None:
        return f"{found.name} {found.kind}"
    family = volume_family(head)
    return f"{family} {FILESYSTEM}" if family and family != "ext" else ""


def _ufs(head: bytes) -> Recognised | None:
    for offset, name in ((65536 + 1372, "UFS2"), (8192 + 1372, "UFS1")):
        magic = head[offset:offset + 4]
        if magic in (b"\x19\x01\x54\x19", b"\x19\x54\x01\x19", b"\x00\x01\x19\x54",
                     b"\x54\x19\x01\x00"):
            return Recognised(name, FILESYSTEM)
    return None


def _udf(head: bytes) -> Recognised | None:
    """UDF: a volume recognition sequence (BEA01, then NSR02/NSR03) from byte 32768, in
    2 KiB descriptors. ISO 9660 may come first on a bridge disc: UDF is named then,
    since it is the richer of the two."""
    if len(head) < 32774:
        return None
    found = [head[32769 + 2048 * i:32774 + 2048 * i] for i in range(8)]
    if b"BEA01" in found and (b"NSR02" in found or b"NSR03" in found):
        return Recognised("UDF", FILESYSTEM)
    return None


def probe(path: str | os.PathLike[str]) -> Recognised | None:
    """`identify` on a file's first and last bytes; None also for a file that cannot be
    read (its reader says why)."""
    try:
        with open_readonly_file(path, follow=True) as stream:
            head = stream.read(HEAD_BYTES)
            size = stream.seek(0, os.SEEK_END)
            stream.seek(max(size - TAIL_BYTES, 0))
            tail = stream.read(TAIL_BYTES)
    except OSError:
        return None
    return identify(head, tail)


# VSS: the catalog header NTFS keeps at byte 0x1e00 of the volume when Windows has made
# shadow copies (libvshadow's signature, the GUID 3808876b-c176-4e48-b7ae-04046e6cc752).
VSS_OFFSET = 0x1E00
VSS_SIGNATURE = bytes.fromhex("6b87083876c1484eb7ae04046e6cc752")


def shadow_copy_note(volume_head: bytes) -> str:
    """The warning for an NTFS volume whose first 8 KiB hold a volume shadow copy header
    (Windows keeps older copies of the volume's files there), or ""."""
    if volume_head[VSS_OFFSET:VSS_OFFSET + 16] != VSS_SIGNATURE:
        return ""
    return ("NTFS volume with volume shadow copies (VSS): the live volume is examined, "
            "its shadow copies are not (not read in this version)")
