"""Disk images through The Sleuth Kit: partitions, file systems, live and deleted files.

`DiskImage` walks any image TSK can read (a raw file, a split raw set, or an E01 through
`ewf.EWFImgInfo`); `RawImageSource` is the raw-image evidence source built on it.

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

import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO, ClassVar, cast

import pytsk3

from ..errors import EvidenceError, NotThisFormat
from ..hashing import digest_path, digest_stream
from ..readonly import read_head
from ..records import Address, FileEntry, Times, TriageWarning, WarningSink
from .base import EvidenceInfo
from .disk import DiskImageSource
from .signatures import sniff_filesystem
from .tables import SECTOR, read_table
from .tskio import (
    ConcatReader,
    PiecesImgInfo,
    TskFileReader,
    fs_type_name,
    split_pieces,
)

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


def _join(parent: str, name: str) -> str:
    return f"{parent.rstrip('/')}/{name}"


class DiskImage:
    """An image opened through TSK: its volumes and the walk over their files.

    `label` is the evidence label every address starts with; `where` names the evidence
    file in error messages. All TSK calls on this image hold `self.lock`.
    """

    def __init__(self, img: Any, label: str, where: str, volumes: list[Volume]) -> None:
        self.img = img
        self.label = label
        self.where = where
        self.volumes = volumes
        self.lock = threading.Lock()
        self.volume_system = ""

    # ----------------------------------------------------------------- opening

    @classmethod
    def open(cls, img: Any, label: str, where: str, *, strict: bool = True) -> DiskImage:
        """Find the volume system and file systems of `img`.

        strict (a raw file): nothing recognised is NotThisFormat. Not strict (an E01, which
        is evidence whatever it holds): nothing recognised is an image with no volumes, and
        the walk warns.
        """
        size = int(img.get_size())
        disk = cls(img, label, where, [])
        try:
            vs = pytsk3.Volume_Info(img)
        except OSError:
            vs = None
        if vs is not None:
            disk.volume_system = {
                int(pytsk3.TSK_VS_TYPE_DOS): "MBR",
                int(pytsk3.TSK_VS_TYPE_GPT): "GPT",
            }.get(int(vs.info.vstype), str(vs.info.vstype).removeprefix("TSK_VS_TYPE_"))
            disk.volumes = _partitions(img, _tsk_partitions(vs), int(vs.info.block_size), size)
            if any(v.fs is not None for v in disk.volumes):
                return disk
        # TSK refuses a table with a partition past the end, and reads a GPT disk whose
        # backup header is cut off as its protective MBR: read the table itself.
        table = read_table(img, size)
        if table is not None:
            scheme, parts = table
            volumes = _partitions(
                img, ((p.start_sector, p.sectors, p.description) for p in parts), SECTOR, size)
            if any(v.fs is not None for v in volumes) or not disk.volumes:
                disk.volume_system, disk.volumes = scheme, volumes
                if any(v.fs is not None for v in volumes):
                    return disk
        fs, error = _open_fs(img, 0)
        if fs is not None:
            # Some FAT boot sectors also parse as a partition table: the file system wins.
            disk.volume_system = ""
            disk.volumes = [_volume("", 0, fs, size)]
            try:
                fs.open_dir(inode=int(fs.info.root_inum))
            except OSError as exc:  # a boot sector and nothing usable behind it
                raise EvidenceError(
                    f"{where}: {disk.volumes[0].filesystem} file system whose root folder "
                    f"cannot be read ({disk.volumes[0].problem or 'corrupt?'}): {exc}"
                ) from exc
            return disk
        if disk.volumes:
            beyond = [v for v in disk.volumes if v.problem.startswith("extends beyond")]
            if beyond:
                raise EvidenceError(
                    f"{where}: {disk.volume_system} partition table found, but partitions "
                    "extend beyond the end of the image (truncated?) and no file system "
                    "can be opened"
                )
            return disk  # partitions TSK cannot read (encrypted, unknown): warnings
        claimed = sniff_filesystem(bytes(img.read(0, min(size, 4096)))) if size else ""
        if claimed:
            raise EvidenceError(
                f"{where}: looks like {claimed} but The Sleuth Kit cannot open it "
                f"(truncated or corrupt?): {error}"
            )
        if strict:
            raise NotThisFormat(f"{where}: no partition table or file system recognised")
        return disk

    def close(self) -> None:
        with self.lock:
            for volume in self.volumes:
                volume.fs = None
            self.volumes = []
            close = getattr(self.img, "close", None)
            if close is not None:
                close()

    # ---------------------------------------------------------------- walking

    def entries(self, warn: WarningSink) -> Iterator[FileEntry]:
        if not self.volumes:
            warn(TriageWarning(Address.of_evidence(self.label), STAGE_WALK,
                               "no partition table or file system recognised in the image: "
                               "no files listed"))
        for volume in self.volumes:
            if volume.problem:
                where = Address.of_evidence(self.label, volume.partition)
                warn(TriageWarning(where, STAGE_WALK, volume.problem))
            if volume.fs is not None:
                yield from _Walk(self, volume, warn).run()

    def open_file(self, volume: Volume, inode: int, size: int, where: str,
                  deleted: bool) -> BinaryIO:
        """A stream over one file's content; EvidenceError when it cannot be read."""
        with self.lock:
            if volume.fs is None:
                raise EvidenceError(f"{where}: the image has been closed")
            try:
                tsk_file = volume.fs.open_meta(inode=inode)
            except OSError as exc:
                raise EvidenceError(f"{where}: cannot open file metadata: {exc}") from exc
        reader = TskFileReader(tsk_file, size, self.lock, where)
        if deleted and size:
            # A deleted file's content may be gone: fail here, where the caller expects
            # it, rather than half-way through hashing.
            try:
                reader.read(min(size, 4096))
            except EvidenceError as exc:
                reader.close()
                reason = str(exc).removeprefix(f"{where}: ")
                raise EvidenceError(f"{where}: deleted file not recoverable: {reason}") from exc
            reader.seek(0)
        return cast(BinaryIO, reader)

    def detail(self) -> dict[str, Any]:
        return {
            "volume_system": self.volume_system or None,
            "partitions": [v.detail for v in self.volumes if v.partition],
            "filesystems": [
                {"partition": v.partition, "type": v.filesystem, "offset": v.offset}
                for v in self.volumes if v.fs is not None
            ],
        }


def _open_fs(img: Any, offset: int) -> tuple[Any, str]:
    try:
        return pytsk3.FS_Info(img, offset=offset), ""
    except OSError as exc:
        return None, str(exc)


def _volume(partition: str, offset: int, fs: Any, image_size: int) -> Volume:
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


def _tsk_partitions(vs: Any) -> Iterator[tuple[int, int, str]]:
    """(start sector, sectors, description) of the allocated partitions TSK lists."""
    for part in vs:
        if not int(part.flags) & int(pytsk3.TSK_VS_PART_FLAG_ALLOC):
            continue  # unallocated gaps and the tables themselves
        desc = bytes(part.desc).decode("utf-8", "replace") if part.desc else ""
        yield int(part.start), int(part.len), desc


def _partitions(img: Any, parts: Iterable[tuple[int, int, str]], block: int,
                image_size: int) -> list[Volume]:
    """Partitions labelled p1, p2 ... in table order, with their file systems."""
    volumes: list[Volume] = []
    for number, (start, length, desc) in enumerate(parts, start=1):
        label = f"p{number} (sector {start})"
        detail: dict[str, Any] = {"label": label, "start_sector": start, "sectors": length,
                                  "description": desc, "filesystem": None}
        if start * block >= image_size:
            problem = (f"extends beyond the end of the image (starts at byte {start * block}, "
                       f"image is {image_size} bytes; truncated?): not examined")
            volumes.append(Volume(label, start * block, None, "", detail, problem))
            continue
        short = ""
        if (start + length) * block > image_size:
            short = (f"partition ends at byte {(start + length) * block} but the image is "
                     f"{image_size} bytes (truncated?)")
        fs, error = _open_fs(img, start * block)
        if fs is None:
            volumes.append(Volume(label, start * block, None, "", detail,
                                  f"{short + '; ' if short else ''}no file system The Sleuth "
                                  f"Kit can read ({desc}): {error}"))
            continue
        volume = _volume(label, start * block, fs, image_size)
        volume.problem = volume.problem or short
        detail["filesystem"] = volume.filesystem
        volume.detail = detail
        volumes.append(volume)
    return volumes


class _Walk:
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


class RawImageSource(DiskImageSource):
    """A raw disk or volume image (dd, .img, .raw, split .001/.002 ...)."""

    NAME: ClassVar[str] = "raw"

    def __init__(self, path: Path, label: str, disk: DiskImage, pieces: list[Path]) -> None:
        super().__init__(path, label, disk)
        self.pieces = pieces

    @classmethod
    def open(cls, path: Path, label: str) -> RawImageSource:
        path = Path(path)
        if not path.is_file():
            raise NotThisFormat(f"{path}: not a file")
        pieces = split_pieces(path)
        try:
            if len(pieces) == 1 and not read_head(path, 512):
                raise NotThisFormat(f"{path}: empty file")
            img: Any = PiecesImgInfo(pieces)
        except OSError as exc:
            raise EvidenceError(f"{path}: cannot open image: {exc}") from exc
        try:
            disk = DiskImage.open(img, label, str(path), strict=True)
        except BaseException:
            if hasattr(img, "close"):
                img.close()
            raise
        return cls(path, label, disk, pieces)

    def describe(self, warn: WarningSink) -> EvidenceInfo:
        if len(self.pieces) == 1:
            digested = digest_path(self.path, ("sha256",), follow=True)
        else:
            with ConcatReader(self.pieces) as stream:
                digested = digest_stream(cast(BinaryIO, stream), ("sha256",))
        detail = self.disk.detail()
        if len(self.pieces) > 1:
            detail["segments"] = [p.name for p in self.pieces]
        return EvidenceInfo(
            path=str(self.path),
            kind=self.NAME,
            size=digested.size,
            sha256=digested.digests["sha256"],
            verified=None,
            detail=detail,
        )

    def files(self) -> list[Path]:
        return list(self.pieces)
