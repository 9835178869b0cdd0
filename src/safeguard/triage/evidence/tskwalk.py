"""One file system's walk through The Sleuth Kit: which names are files, which are
deleted, and in what order.

Walk policy (docs/evidence.md says the same for the report reader):
- every regular file, live or deleted, in sorted name order, depth first;
- directories are followed once each (a loop is a warning), deleted ones included, and
  everything under a deleted directory is deleted;
- file system structures are not user files and are skipped: TSK's virtual files ($MBR,
  $FAT1, $FAT2), the pseudo-files TSK makes of FAT/exFAT root entries that are not files
  (the volume label, exFAT's $ALLOC_BITMAP and $UPCASE_TABLE), and NTFS system files (MFT
  records below 24: $MFT, $Bitmap, $Extend and its contents, the reserved records);
- $OrphanFiles (deleted files TSK found without a name) comes last, and only files whose
  metadata address was not already reached through a name are reported from it;
- a deleted name whose metadata is allocated again belongs to a different, live file now:
  skipped (the live file is reported under its own name); a deleted name with no metadata
  at all has nothing to read: skipped;
- links, devices, sockets and pipes have no content: skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

import pytsk3

from ..records import Address, FileEntry, Times, TriageWarning, WarningSink
from .tskio import fs_type_name

if TYPE_CHECKING:
    from .tsk import DiskImage

STAGE_WALK = "walk"

# Deeper than any real tree; a chain this deep is damage (or a loop TSK did not flag).
MAX_DEPTH = 256
# NTFS keeps its own metadata in MFT records 0-15 ($MFT ... $Extend) and reserves 16-23.
_NTFS_SYSTEM_RECORDS = 24
_FAT_FAMILY = ("FAT12", "FAT16", "FAT32", "exFAT")
# Names TSK gives the FAT/exFAT root entries that are not files (tsk/fs/exfatfs*.c).
_LABEL_SUFFIX = "(Volume Label Entry)"
_EXFAT_PSEUDO = frozenset(
    {"$ALLOC_BITMAP", "$UPCASE_TABLE", "$VOLUME_GUID", "$TEX_FAT", "$ACT", "$VOLUME_LABEL_NONE"}
)
_VIRTUAL = (int(pytsk3.TSK_FS_NAME_TYPE_VIRT), int(pytsk3.TSK_FS_META_TYPE_VIRT))
_NAME_DIR = int(pytsk3.TSK_FS_NAME_TYPE_DIR)
_NAME_VIRT_DIR = int(pytsk3.TSK_FS_NAME_TYPE_VIRT_DIR)
_META_DIR = int(pytsk3.TSK_FS_META_TYPE_DIR)
_META_REG = int(pytsk3.TSK_FS_META_TYPE_REG)
_NAME_UNALLOC = int(pytsk3.TSK_FS_NAME_FLAG_UNALLOC)
_META_UNALLOC = int(pytsk3.TSK_FS_META_FLAG_UNALLOC)
_META_ALLOC = int(pytsk3.TSK_FS_META_FLAG_ALLOC)
_ORPHANS = "$OrphanFiles"
# NTFS: a file's named $DATA attributes are its alternate data streams. Each is listed as
# a file of its own, `/path/file:stream`, whose inode is TSK's attribute address
# INODE-128-ID (what `istat` shows and `icat` reads).
_NTFS_DATA = int(pytsk3.TSK_FS_ATTR_TYPE_NTFS_DATA)


def stream_address(inode: str) -> tuple[int, int, int] | None:
    """(inode, attribute type, attribute id) of an address's `INODE-TYPE-ID`, else None."""
    parts = inode.split("-")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return None
    return int(parts[0]), int(parts[1]), int(parts[2])


@dataclass(frozen=True, slots=True)
class _Meta:
    addr: int
    flags: int
    type: int
    size: int
    times: Times
    seq: int = 0  # NTFS: the MFT record's sequence number (how often it was reused)


@dataclass(frozen=True, slots=True)
class _Name:
    """One directory entry, copied out of TSK so no TSK object outlives the lock."""

    name: str
    flags: int
    type: int
    meta_addr: int
    meta: _Meta | None

    @property
    def is_dir(self) -> bool:
        if self.meta is not None:
            return self.meta.type == _META_DIR
        return self.type == _NAME_DIR


@dataclass(slots=True)
class Volume:
    """One file system in the image (or a partition TSK found none in: `fs` is None)."""

    partition: str
    offset: int
    fs: Any
    filesystem: str
    detail: dict[str, Any] = field(default_factory=dict)
    problem: str = ""
    layer: Any = None  # an unlocked encrypted volume the file system is read through


def _seconds(meta: Any, name: str) -> float | None:
    whole = int(getattr(meta, name, 0) or 0)
    if whole <= 0:  # 0: the file system keeps no such time (FAT has no ctime)
        return None
    return whole + int(getattr(meta, f"{name}_nano", 0) or 0) / 1e9


def _meta(meta: Any) -> _Meta | None:
    if meta is None:
        return None
    return _Meta(
        addr=int(meta.addr),
        flags=int(meta.flags),
        type=int(meta.type),
        size=max(int(meta.size), 0),
        seq=int(getattr(meta, "seq", 0) or 0),
        times=Times(
            modified=_seconds(meta, "mtime"),
            accessed=_seconds(meta, "atime"),
            changed=_seconds(meta, "ctime"),
            created=_seconds(meta, "crtime"),
        ),
    )


def tsk_volume(partition: str, offset: int, fs: Any, image_size: int) -> Volume:
    """The Volume of a file system TSK opened at `offset`, with a warning when the image
    ends before it does."""
    info = fs.info
    name = fs_type_name(info.ftype)
    problem = ""
    block_size = int(info.block_size)
    if int(info.last_block_act) < int(info.last_block):
        have = offset + (int(info.last_block_act) + 1) * block_size
        want = offset + (int(info.last_block) + 1) * block_size
        problem = (f"the {name} file system ends at byte {want} but the image ends at "
                   f"{min(have, image_size)} (truncated?): files beyond may not be readable")
    return Volume(partition, offset, fs, name, problem=problem)


def _join(parent: str, name: str) -> str:
    return f"{parent.rstrip('/')}/{name}"



class Walk:
    """One file system's walk; holds the sets that make it loop-safe and orphan-aware."""

    def __init__(self, disk: DiskImage, volume: Volume, warn: WarningSink) -> None:
        self.disk = disk
        self.volume = volume
        self.warn = warn
        self.is_ntfs = volume.filesystem == "NTFS"
        self.is_fat = volume.filesystem in _FAT_FAMILY
        self.seen_files: set[int] = set()
        self.seen_dirs: set[int] = set()

    def address(self, path: str, inode: int | None = None) -> Address:
        return Address(
            evidence=self.disk.label,
            path=path,
            partition=self.volume.partition,
            filesystem=self.volume.filesystem,
            inode="" if inode is None else str(inode),
        )

    def warn_at(self, path: str, message: str) -> None:
        self.warn(TriageWarning(self.address(path), STAGE_WALK, message))

    def list_dir(self, inode: int, path: str, orphans: bool = False) -> list[_Name] | None:
        """The entries of one directory, sorted by name; None (and a warning) if unreadable.

        In $OrphanFiles TSK may list a file without loading its metadata: it is loaded here
        by address (for ordinary folders a name without metadata has nothing left to read).
        """
        names: list[_Name] = []
        with self.disk.lock:
            try:
                directory = self.volume.fs.open_dir(inode=inode)
            except OSError as exc:
                self.warn_at(path, f"cannot open directory (inode {inode}): {exc}")
                return None
            try:
                for tsk_file in directory:
                    info = tsk_file.info
                    raw = info.name.name
                    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
                    meta = _meta(info.meta)
                    if meta is None and orphans:
                        meta = self.load_meta(int(info.name.meta_addr))
                    elif meta is None and self.is_ntfs and int(info.name.flags) & _NAME_UNALLOC:
                        meta = self.deleted_ntfs_meta(int(info.name.meta_addr),
                                                      int(info.name.meta_seq))
                    names.append(_Name(text, int(info.name.flags), int(info.name.type),
                                       int(info.name.meta_addr), meta))
            except OSError as exc:
                self.warn_at(path, f"directory damaged, listing stopped after "
                                   f"{len(names)} entries: {exc}")
        names.sort(key=lambda n: (n.name, n.meta_addr))
        return names

    def load_meta(self, inode: int) -> _Meta | None:
        if self.is_ntfs and inode < _NTFS_SYSTEM_RECORDS:
            return None
        try:
            return _meta(self.volume.fs.open_meta(inode=inode).info.meta)
        except OSError:
            return None

    def deleted_ntfs_meta(self, inode: int, name_seq: int) -> _Meta | None:
        """The MFT record a deleted NTFS name points to, if it is still that file's.

        TSK gives a deleted name no metadata when the record's sequence number differs
        from the one the name holds, which it always does: NTFS adds one to the sequence
        when it frees a record (`fls` and `icat` read it all the same). The record is the
        deleted file's when it is unallocated and its sequence is the name's, or one more;
        a record reused since has a higher sequence and belongs to another file.
        """
        meta = self.load_meta(inode)
        if meta is None or meta.flags & _META_ALLOC:
            return None
        if meta.seq not in (name_seq, (name_seq + 1) & 0xFFFF):
            return None
        return meta

    def is_structure(self, entry: _Name, parent: str) -> bool:
        """True for names that are file system structures rather than user files."""
        if entry.type in _VIRTUAL or entry.type == _NAME_VIRT_DIR:
            return True  # $MBR/$FAT1/$FAT2; $OrphanFiles is walked last by run()
        if self.is_ntfs:
            return entry.meta_addr < _NTFS_SYSTEM_RECORDS  # $MFT, $Bitmap, $Extend ...
        if self.is_fat and parent == "/" and entry.meta is not None:
            times = entry.meta.times
            untimed = times.modified is None and times.created is None
            if entry.name.endswith(_LABEL_SUFFIX) and entry.meta.size == 0:
                return True
            return entry.name in _EXFAT_PSEUDO and untimed
        return False

    def run(self) -> Iterator[FileEntry]:
        root = int(self.volume.fs.info.root_inum)
        orphans: _Name | None = None
        stack: list[tuple[Iterator[_Name], str, bool, bool]] = []
        self.seen_dirs.add(root)
        listing = self.list_dir(root, "/")
        if listing is None:
            return
        # The orphan pseudo-folder is kept for last, so files reached by name come first.
        orphans = next((n for n in listing if n.type == _NAME_VIRT_DIR and n.name == _ORPHANS),
                       None)
        stack.append((iter(listing), "/", False, False))
        while stack:
            names, parent, deleted, in_orphans = stack[-1]
            entry = next(names, None)
            if entry is None:
                stack.pop()
                if not stack and orphans is not None:
                    listing = self.list_dir(orphans.meta_addr, "/" + _ORPHANS, orphans=True)
                    orphans = None
                    if listing is not None:
                        stack.append((iter(listing), "/" + _ORPHANS, False, True))
                continue
            found = self.visit(entry, parent, deleted, in_orphans, stack)
            if found is not None:
                yield found
                if self.is_ntfs:
                    yield from self.streams(found)

    def streams(self, main: FileEntry) -> list[FileEntry]:
        """The alternate data streams of the NTFS file `main` (its named $DATA
        attributes), each a file entry of its own."""
        inode = int(main.address.inode)
        named: list[tuple[int, str, int]] = []
        with self.disk.lock:
            try:
                for attribute in self.volume.fs.open_meta(inode=inode):
                    info = attribute.info
                    if int(info.type) != _NTFS_DATA or not info.name:
                        continue
                    raw = info.name
                    name = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
                    named.append((int(info.id), name, max(int(info.size), 0)))
            except OSError as exc:
                self.warn_at(main.address.path, f"alternate data streams cannot be listed: {exc}")
                return []
        found: list[FileEntry] = []
        for attr_id, name, size in sorted(named, key=lambda n: (n[1], n[0])):
            address = self.address(f"{main.address.path}:{name}")
            address = Address(address.evidence, address.path, address.partition,
                              address.filesystem, f"{inode}-{_NTFS_DATA}-{attr_id}")
            found.append(FileEntry(
                address=address, size=size, times=main.times, deleted=main.deleted,
                opener=partial(self.disk.open_file, self.volume, inode, size, str(address),
                               main.deleted, (_NTFS_DATA, attr_id))))
        return found

    def visit(
        self,
        entry: _Name,
        parent: str,
        parent_deleted: bool,
        in_orphans: bool,
        stack: list[tuple[Iterator[_Name], str, bool, bool]],
    ) -> FileEntry | None:
        """The file entry for a regular file; a directory is pushed on `stack` instead."""
        if entry.name in (".", "..") or self.is_structure(entry, parent):
            return None
        path = _join(parent, entry.name)
        meta = entry.meta
        # TSK marks every name it makes up in $OrphanFiles unallocated; there the metadata
        # alone says whether the file is deleted (a live file whose folder is damaged also
        # ends up there).
        made_up = in_orphans and parent == "/" + _ORPHANS
        name_deleted = bool(entry.flags & _NAME_UNALLOC) and not made_up
        if name_deleted and (meta is None or meta.flags & _META_ALLOC):
            # No metadata left: nothing to read or follow. Metadata allocated again: it
            # belongs to a live file now, reported under that file's own name.
            return None
        deleted = parent_deleted or name_deleted or bool(meta and meta.flags & _META_UNALLOC)
        if entry.is_dir:
            self.enter(entry, path, deleted, in_orphans, stack)
            return None
        if meta is None or meta.type != _META_REG:
            return None  # links, devices, sockets: no content
        if in_orphans and meta.addr in self.seen_files:
            return None
        self.seen_files.add(meta.addr)
        address = self.address(path, meta.addr)
        return FileEntry(
            address=address,
            size=meta.size,
            opener=partial(self.disk.open_file, self.volume, meta.addr, meta.size,
                           str(address), deleted),
            times=meta.times,
            deleted=deleted,
        )

    def enter(
        self,
        entry: _Name,
        path: str,
        deleted: bool,
        in_orphans: bool,
        stack: list[tuple[Iterator[_Name], str, bool, bool]],
    ) -> None:
        if entry.meta_addr in self.seen_dirs:
            if not entry.flags & _NAME_UNALLOC:  # stale deleted entries often point back
                self.warn_at(path, f"directory loop: inode {entry.meta_addr} already "
                                   "walked, not followed again")
            return
        if len(stack) >= MAX_DEPTH:
            self.warn_at(path, f"directories nested deeper than {MAX_DEPTH}: not followed")
            return
        self.seen_dirs.add(entry.meta_addr)
        listing = self.list_dir(entry.meta_addr, path, orphans=in_orphans)
        if listing is not None:
            stack.append((iter(listing), path, deleted, in_orphans))
