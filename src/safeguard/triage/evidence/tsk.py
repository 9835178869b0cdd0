"""Disk images through The Sleuth Kit: partitions, file systems, live and deleted files.

`DiskImage` walks any image TSK can read (a raw file, a split raw set, or an E01 through
`ewf.EWFImgInfo`); `RawImageSource` is the raw-image evidence source built on it.

Walk policy: tskwalk.py (docs/evidence.md says the same for the report reader).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO, ClassVar, cast

import pytsk3

from ..errors import EvidenceError, NotThisFormat
from ..hashing import digest_path, digest_stream
from ..readonly import read_head
from ..records import Address, FileEntry, TriageWarning, WarningSink
from .base import EvidenceInfo
from .disk import DiskImageSource, is_block_device
from .formats import shadow_copy_note
from .keys import VolumeKeys
from .layers import NotRead, partition_filesystem, reason_not_read, sample
from .signatures import sniff_filesystem
from .tables import SECTOR, read_table
from .tskio import (
    ConcatReader,
    PiecesImgInfo,
    TskFileReader,
    split_pieces,
)
from .tskwalk import STAGE_WALK, Volume, Walk, tsk_volume
from .volumes import region_volumes
from .yalfs import YalFileSystem

__all__ = ["STAGE_WALK", "DiskImage", "RawImageSource", "Volume"]


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
        self.unread = ""  # what the image holds, by its signature, when that is not read

    # ----------------------------------------------------------------- opening

    @classmethod
    def open(cls, img: Any, label: str, where: str, *, strict: bool = True,
             keys: VolumeKeys | None = None) -> DiskImage:
        """Find the volume system and file systems of `img`.

        strict (a raw file): nothing recognised is NotThisFormat. Not strict (an E01, which
        is evidence whatever it holds): nothing recognised is an image with no volumes, and
        the walk warns.
        `keys` unlock encrypted partitions (layers.py).
        """
        size = int(img.get_size())
        disk = cls(img, label, where, [])
        inner = partial(partition_filesystem, img, keys, where)
        region = partial(_region, img, keys, where)
        try:
            vs = pytsk3.Volume_Info(img)
        except OSError:
            vs = None
        if vs is not None:
            disk.volume_system = {
                int(pytsk3.TSK_VS_TYPE_DOS): "MBR",
                int(pytsk3.TSK_VS_TYPE_GPT): "GPT",
            }.get(int(vs.info.vstype), str(vs.info.vstype).removeprefix("TSK_VS_TYPE_"))
            disk.volumes = _partitions(img, _tsk_partitions(vs), int(vs.info.block_size), size,
                                       inner, region)
            if any(v.fs is not None for v in disk.volumes):
                return disk
        # TSK refuses a table with a partition past the end, and reads a GPT disk whose
        # backup header is cut off as its protective MBR: read the table itself.
        table = read_table(img, size)
        if table is not None:
            scheme, parts = table
            volumes = _partitions(
                img, ((p.start_sector, p.sectors, p.description) for p in parts), SECTOR, size,
                inner, region)
            if any(v.fs is not None for v in volumes) or not disk.volumes:
                disk.volume_system, disk.volumes = scheme, volumes
                if any(v.fs is not None for v in volumes):
                    return disk
        fs, error = _open_fs(img, 0)
        if fs is not None:
            # Some FAT boot sectors also parse as a partition table: the file system wins.
            disk.volume_system = ""
            disk.volumes = [tsk_volume("", 0, fs, size)]
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
        found = sample(lambda o, n: bytes(img.read(o, n)), size) if size else None
        native = region("", 0, size) if found is not None and not claimed else None
        if native and found is not None:  # LVM2, XFS, APFS, HFS+: through libyal
            if strict and all(v.fs is None for v in native):
                # Nothing in it can be read (damaged): the file is one item, and why.
                raise NotRead(found, "; ".join(v.problem for v in native if v.problem))
            disk.volume_system = "LVM2" if found.name == "LVM2" else ""
            disk.volumes = native
            return disk
        if found is not None and not claimed:
            # Named by its signature and not read here: said so, never passed as nothing.
            if strict:
                raise NotRead(found, reason_not_read(found))
            disk.unread = f"{found.name} ({found.kind}): {reason_not_read(found)}"
            return disk
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
                if isinstance(volume.fs, YalFileSystem):
                    volume.fs.close()
                volume.fs = None
                if volume.layer is not None:
                    volume.layer.close()
            self.volumes = []
            close = getattr(self.img, "close", None)
            if close is not None:
                close()

    # ---------------------------------------------------------------- walking

    def entries(self, warn: WarningSink) -> Iterator[FileEntry]:
        if not self.volumes:
            warn(TriageWarning(Address.of_evidence(self.label), STAGE_WALK,
                               f"the image holds {self.unread}: no files listed" if self.unread
                               else "no partition table or file system recognised in the "
                                    "image: no files listed"))
        for volume in self.volumes:
            if volume.problem:
                where = Address.of_evidence(self.label, volume.partition)
                warn(TriageWarning(where, STAGE_WALK, volume.problem))
            if volume.fs is not None and volume.filesystem == "NTFS" and volume.layer is None:
                with self.lock:  # older copies of its files: said, not yet read
                    note = shadow_copy_note(bytes(self.img.read(volume.offset, 8192)))
                if note:
                    warn(TriageWarning(Address.of_evidence(self.label, volume.partition),
                                       STAGE_WALK, note))
            if isinstance(volume.fs, YalFileSystem):
                yield from volume.fs.entries(partial(self.address, volume), self.lock, warn)
            elif volume.fs is not None:
                yield from Walk(self, volume, warn).run()

    def address(self, volume: Volume, path: str, inode: int) -> Address:
        return Address(evidence=self.label, path=path, partition=volume.partition,
                       filesystem=volume.filesystem, inode=str(inode))

    def open_file(self, volume: Volume, inode: int, size: int, where: str,
                  deleted: bool, stream: tuple[int, int] | None = None) -> BinaryIO:
        """A stream over one file's content (or, `stream` being an attribute's type and
        id, over that attribute: an NTFS alternate data stream); EvidenceError when it
        cannot be read."""
        if isinstance(volume.fs, YalFileSystem):
            return volume.fs.open(inode, self.lock, where)
        with self.lock:
            if volume.fs is None:
                raise EvidenceError(f"{where}: the image has been closed")
            try:
                tsk_file = volume.fs.open_meta(inode=inode)
            except OSError as exc:
                raise EvidenceError(f"{where}: cannot open file metadata: {exc}") from exc
        reader = TskFileReader(tsk_file, size, self.lock, where, stream)
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


def _tsk_partitions(vs: Any) -> Iterator[tuple[int, int, str]]:
    """(start sector, sectors, description) of the allocated partitions TSK lists."""
    for part in vs:
        if not int(part.flags) & int(pytsk3.TSK_VS_PART_FLAG_ALLOC):
            continue  # unallocated gaps and the tables themselves
        desc = bytes(part.desc).decode("utf-8", "replace") if part.desc else ""
        yield int(part.start), int(part.len), desc


def _region(img: Any, keys: VolumeKeys | None, where: str, label: str, offset: int,
            length: int) -> list[Volume] | None:
    """The volumes of a region TSK found no file system in, read by its signature
    (volumes.py: LVM2, XFS, HFS+, APFS), or None."""
    length = max(min(length, int(img.get_size()) - offset), 0)
    return region_volumes(lambda o, n: bytes(img.read(offset + o, n)), length, label, offset,
                          keys, Path(where).name)


def _partitions(img: Any, parts: Iterable[tuple[int, int, str]], block: int,
                image_size: int, inner: Any, region: Any) -> list[Volume]:
    """Partitions labelled p1, p2 ... in table order, with their file systems (a volume
    group's logical volumes, or an APFS container's volumes, each a volume of its own)."""
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
        layer = None
        native = region(label, start * block, length * block) if fs is None else None
        if native:
            for volume in native:
                volume.detail = {**detail, **volume.detail}
                volume.problem = "; ".join(p for p in (short, volume.problem) if p)
            volumes.extend(native)
            continue
        if fs is None:  # an encrypted volume to unlock, or a format to name
            fs, layer, label, error = inner(label, start * block, length * block, desc, error)
            detail["label"] = label
        if fs is None:
            volumes.append(Volume(label, start * block, None, "", detail,
                                  f"{short + '; ' if short else ''}{error}"))
            continue
        volume = tsk_volume(label, start * block, fs, image_size)
        volume.layer = layer
        volume.problem = volume.problem or short
        detail["filesystem"] = volume.filesystem
        volume.detail = detail
        volumes.append(volume)
    return volumes



class RawImageSource(DiskImageSource):
    """A raw disk or volume image (dd, .img, .raw, split .001/.002 ...)."""

    NAME: ClassVar[str] = "raw"

    def __init__(self, path: Path, label: str, disk: DiskImage, pieces: list[Path]) -> None:
        super().__init__(path, label, disk)
        self.pieces = pieces

    @classmethod
    def open(cls, path: Path, label: str, *, keys: VolumeKeys | None = None
             ) -> RawImageSource:
        path = Path(path)
        device = is_block_device(path)
        if not path.is_file() and not device:
            raise NotThisFormat(f"{path}: not a file")
        pieces = [path] if device else split_pieces(path)
        try:
            if len(pieces) == 1 and not read_head(path, 512):
                raise NotThisFormat(f"{path}: empty file")
            img: Any = PiecesImgInfo(pieces)
        except OSError as exc:
            raise EvidenceError(f"{path}: cannot open image: {exc}") from exc
        try:
            disk = DiskImage.open(img, label, str(path), strict=True, keys=keys)
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
        if is_block_device(self.path):
            detail["block_device"] = True
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
