"""Virtual disks and encrypted volumes as evidence, and the formats recognised but not read.

- `ContainerSource`: a QCOW2, VMDK, VHD, VHDX, DMG or sparse image, or a LUKS1/BitLocker
  volume unlocked with the examiner's credential (layers.py), walked by TSK like a raw
  image: partitions, file systems, deleted files.
- `RecognisedSource`: a file whose signature names a disk image, volume system,
  encrypted volume or file system that is not read (no reader, no key, parent disk not
  found). It is reported as one item, hashed whole, with a warning naming the format and
  the reason: never as an opaque file that passed without a word (formats.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO, ClassVar, cast

from ..errors import NotThisFormat
from ..hashing import digest_path, digest_stream
from ..records import Address, FileEntry, TriageWarning, WarningSink
from .base import EvidenceInfo
from .directory import FileSource
from .disk import DiskImageSource, is_block_device
from .formats import Recognised, probe
from .keys import VolumeKeys
from .layers import LayerImgInfo, NotRead, Stack, open_stack, reason_not_read
from .tsk import DiskImage
from .tskio import ConcatReader

STAGE_OPEN = "open"


class ContainerSource(DiskImageSource):
    """A virtual disk or an unlocked encrypted volume, walked through The Sleuth Kit."""

    NAME: ClassVar[str] = "container"

    def __init__(self, path: Path, label: str, disk: DiskImage, stack: Stack) -> None:
        super().__init__(path, label, disk)
        self.stack = stack

    @classmethod
    def open(cls, path: Path, label: str, *, keys: VolumeKeys | None = None
             ) -> ContainerSource:
        path = Path(path)
        if not path.is_file() and not is_block_device(path):
            raise NotThisFormat(f"{path}: not a file")
        stack = open_stack(path, keys, str(path))
        if stack is None:
            raise NotThisFormat(f"{path}: not a virtual disk or encrypted volume")
        img = LayerImgInfo(stack)
        try:
            disk = DiskImage.open(img, label, str(path), strict=False, keys=keys)
        except BaseException:
            img.close()
            raise
        return cls(path, label, disk, stack)

    def describe(self, warn: WarningSink) -> EvidenceInfo:
        """The SHA-256 of the files the disk is stored in, one after another (a parent
        disk after its child, extents in order): what was seized, as it was seized."""
        paths = list(dict.fromkeys(self.stack.paths))
        if len(paths) == 1:
            digested = digest_path(paths[0], ("sha256",), follow=True)
        else:
            with ConcatReader(paths) as stream:
                digested = digest_stream(cast(BinaryIO, stream), ("sha256",))
        detail: dict[str, Any] = {
            "layers": list(self.stack.names),
            "media_size": self.stack.size,
            **self.stack.detail,
            **self.disk.detail(),
        }
        if len(paths) > 1:
            detail["files"] = [p.name for p in paths]
        return EvidenceInfo(path=str(self.path), kind=self.NAME, size=digested.size,
                            sha256=digested.digests["sha256"], verified=None, detail=detail)

    def files(self) -> list[Path]:
        return list(dict.fromkeys(self.stack.paths))


class RecognisedSource(FileSource):
    """A file whose signature names a format that is not read: one item, and a warning
    naming the format and why it was not read."""

    NAME: ClassVar[str] = "recognised"

    def __init__(self, path: Path, label: str, recognised: Recognised, reason: str) -> None:
        super().__init__(path, label)
        self.recognised = recognised
        self.reason = reason

    @classmethod
    def open(cls, path: Path, label: str, *, keys: VolumeKeys | None = None
             ) -> RecognisedSource:
        found = probe(path) if Path(path).is_file() else None
        if found is None:
            raise NotThisFormat(f"{path}: no disk image, volume or file system signature")
        FileSource.open(path, label)  # readable, a regular file: or its error
        return cls(path, label, found, reason_not_read(found))

    @classmethod
    def not_read(cls, path: Path, label: str, exc: NotRead) -> RecognisedSource:
        FileSource.open(path, label)
        return cls(path, label, exc.recognised, exc.reason)

    def entries(self, warn: WarningSink) -> Iterator[FileEntry]:
        warn(TriageWarning(Address.of_evidence(self.label), STAGE_OPEN, self.message))
        yield from super().entries(warn)

    @property
    def message(self) -> str:
        return (f"{self.recognised.name} ({self.recognised.kind}) recognised: {self.reason}; "
                "the file is reported as one item")

    def describe(self, warn: WarningSink) -> EvidenceInfo:
        info = super().describe(warn)
        info.kind = self.NAME
        info.detail = {"format": self.recognised.name, "format_kind": self.recognised.kind,
                       "not_read": self.reason}
        return info
