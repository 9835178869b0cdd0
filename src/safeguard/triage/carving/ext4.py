"""The metadata blocks of an ext2/3/4 file system, which no file or folder lists.

TSK describes an ext file system through its files, and the blocks of its own structures
are in none of them: superblock and group descriptor copies, the reserved descriptor
blocks, the block and inode bitmaps, the inode tables, and the reserved inodes (journal,
resize inode, quota files) that no folder names. Left in the unallocated space, they would
be carved: the journal holds copies of other blocks, and an inode table a picture was
written over by a damaged or malicious tool is not where a deleted picture lies. The
group descriptors say where each structure is (the on-disk layout of the kernel's
Documentation/filesystems/ext4); the reserved inodes' blocks come from TSK.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterator
from typing import Any

import pytsk3

_EXT = int(pytsk3.TSK_FS_TYPE_EXT_DETECT)
_MAGIC = 0xEF53
# Feature flags (superblock s_feature_*).
_RO_COMPAT_SPARSE_SUPER = 0x1
_INCOMPAT_META_BG = 0x10
_INCOMPAT_64BIT = 0x80
_RESIZE_INODE = 7
# Groups a file system may have before the descriptors are damage, not a volume.
_MAX_GROUPS = 1 << 24

Runs = Callable[[Any], Iterator[tuple[int, int]]]


def is_ext(fs: Any) -> bool:
    return bool(int(fs.info.ftype) & _EXT)


def metadata_runs(img: Any, base: int, fs: Any, runs_of: Runs) -> Iterator[tuple[int, int]]:
    """(first block, blocks) of every metadata structure of the ext file system at `base`
    in `img` (read through `img.read(offset, size)`); `runs_of` gives a TSK file's runs."""
    raw = bytes(img.read(base + 1024, 1024))
    if len(raw) < 1024 or struct.unpack_from("<H", raw, 56)[0] != _MAGIC:
        return
    sb = _Superblock(raw)
    if not 0 < sb.groups <= _MAX_GROUPS:
        return
    # Blocks before the first group's (the boot block of a 1 KiB-block file system).
    yield 0, sb.first_data_block + 1
    per = sb.block_size // sb.desc_size  # descriptors a block
    for group in range(sb.groups):
        start = sb.first_data_block + group * sb.blocks_per_group
        backup = sb.has_backup(group)
        if backup:
            yield start, 1 + sb.old_gdt_blocks + sb.reserved_gdt
        if sb.meta_bg and group // per >= sb.first_meta_bg and group % per in (0, 1, per - 1):
            # A meta group keeps its descriptor block in its first, second and last group.
            yield start + int(backup), 1
    first_table = 0
    for number in range((sb.groups + per - 1) // per):
        desc_block = sb.descriptor_block(number, per)
        table = bytes(img.read(base + desc_block * sb.block_size, sb.block_size))
        for index in range(min(per, sb.groups - number * per)):
            desc = table[index * sb.desc_size:(index + 1) * sb.desc_size]
            if len(desc) < sb.desc_size:
                break
            for lo, hi, blocks in ((0, 0x20, 1), (4, 0x24, 1), (8, 0x28, sb.itable_blocks)):
                block = struct.unpack_from("<I", desc, lo)[0]
                if sb.desc_size >= 64:
                    block |= struct.unpack_from("<I", desc, hi)[0] << 32
                if 0 < block < sb.blocks:
                    yield block, blocks
                    first_table = first_table or (block if lo == 8 else 0)
    # The resize inode's blocks are the reserved descriptor blocks above, but for its one
    # double-indirect block (TSK would walk its thousands of indirect entries to say so).
    if first_table and sb.reserved_gdt:
        raw_inode = bytes(img.read(base + first_table * sb.block_size
                                   + (_RESIZE_INODE - 1) * sb.inode_size, 128))
        if len(raw_inode) == 128:
            double = struct.unpack_from("<I", raw_inode, 0x28 + 4 * 13)[0]
            if 0 < double < sb.blocks:
                yield double, 1
    # Inodes 1 to s_first_ino - 1 are the file system's own (journal, quota, ...).
    for inode in range(1, max(sb.first_inode, 1)):
        if inode == _RESIZE_INODE:
            continue
        try:
            reserved = fs.open_meta(inode=inode)
        except (OSError, RuntimeError):
            continue
        yield from runs_of(reserved)


class _Superblock:
    def __init__(self, raw: bytes) -> None:
        def u32(at: int) -> int:
            return int(struct.unpack_from("<I", raw, at)[0])

        def u16(at: int) -> int:
            return int(struct.unpack_from("<H", raw, at)[0])

        incompat = u32(96)
        self.blocks = u32(4) | (u32(0x150) << 32 if incompat & _INCOMPAT_64BIT else 0)
        self.first_data_block = u32(20)
        self.block_size = 1024 << min(u32(24), 6)
        self.blocks_per_group = max(u32(32), 1)
        inodes_per_group = u32(40)
        self.first_inode = u32(84) if u32(76) >= 1 else 11
        self.inode_size = max(u16(88) if u32(76) >= 1 else 128, 128)
        self.sparse = bool(u32(100) & _RO_COMPAT_SPARSE_SUPER)
        self.meta_bg = bool(incompat & _INCOMPAT_META_BG)
        self.reserved_gdt = u16(206)
        self.desc_size = max(u16(254), 32) if incompat & _INCOMPAT_64BIT else 32
        self.groups = -(-max(self.blocks - self.first_data_block, 0) // self.blocks_per_group)
        gdt_blocks = -(-self.groups * self.desc_size // self.block_size)
        self.first_meta_bg = u32(0x104) if self.meta_bg else gdt_blocks
        # Descriptor blocks kept after each superblock copy (all of them without meta_bg).
        self.old_gdt_blocks = min(gdt_blocks, self.first_meta_bg)
        self.itable_blocks = -(-inodes_per_group * self.inode_size // self.block_size)

    def descriptor_block(self, number: int, per: int) -> int:
        """Where descriptor block `number` is: after the superblock, or (meta_bg) in the
        first group of its meta group."""
        if number < self.first_meta_bg:
            return self.first_data_block + 1 + number
        group = number * per
        return self.first_data_block + group * self.blocks_per_group + int(self.has_backup(group))

    def has_backup(self, group: int) -> bool:
        """Whether the group starts with a copy of the superblock (sparse_super: groups 0,
        1 and powers of 3, 5 and 7)."""
        if not self.sparse or group <= 1:
            return True
        for power in (3, 5, 7):
            n = power
            while n < group:
                n *= power
            if n == group:
                return True
        return False
