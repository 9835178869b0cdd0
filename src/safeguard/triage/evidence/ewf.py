"""Expert Witness (EnCase E01) images, read with libewf (pyewf) and walked with TSK.

The media inside the E01 goes to the same `DiskImage` walk as a raw image, through an
`Img_Info` subclass of TSK's external image type (the pattern pytsk3 documents for
formats it cannot open itself). `describe` reads the media once for MD5 and SHA-256 and
checks them against the hashes stored at acquisition.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, ClassVar, cast

import pyewf
import pytsk3

from ..errors import EvidenceError, NotThisFormat
from ..hashing import digest_stream
from ..readonly import open_readonly_file, read_head
from ..records import Address, TriageWarning, WarningSink
from .base import EvidenceInfo
from .disk import DiskImageSource
from .ewfsegments import diagnose, next_name
from .keys import VolumeKeys
from .tsk import DiskImage
from .tskio import READ_CHUNK

if TYPE_CHECKING:  # collections.abc.Buffer is 3.12+; annotations only, never evaluated
    from typing_extensions import Buffer

# EWF version 1 (E01, s01) and version 2 (Ex01) segment file signatures.
EWF_SIGNATURES = (b"EVF\x09\x0d\x0a\xff\x00", b"EVF2\x0d\x0a\x81\x00")
STAGE_VERIFY = "verify"

# Acquisition metadata copied into the report, as pyewf names it.
_HEADER_FIELDS = ("case_number", "evidence_number", "examiner_name", "description", "notes",
                  "acquiry_date", "acquiry_software", "acquiry_software_version")
# Digests describe() computes, by the names libewf stores them under.
_STORED = {"MD5": "md5", "SHA1": "sha1", "SHA256": "sha256"}


class EWFImgInfo(pytsk3.Img_Info):  # type: ignore[misc]  # pytsk3 is untyped
    """The media of an open pyewf handle, presented to TSK as an image.

    TSK calls `read` while the owning DiskImage's lock is held, so the handle is never
    used by two threads at once.
    """

    def __init__(self, handle: _Handle) -> None:
        self._handle = handle
        self._size = int(handle.ewf.get_media_size())
        super().__init__(url="", type=pytsk3.TSK_IMG_TYPE_EXTERNAL)

    def read(self, offset: int, size: int) -> bytes:
        return bytes(self._handle.ewf.read_buffer_at_offset(size, offset))

    def get_size(self) -> int:
        return self._size

    def close(self) -> None:
        self._handle.close()


class _MediaStream(io.RawIOBase):
    """The whole media of a pyewf handle as a stream, for the one-pass digest."""

    def __init__(self, handle: Any, size: int) -> None:
        super().__init__()
        self._handle = handle
        self._size = size
        self.offset = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Buffer) -> int:
        view = memoryview(buffer).cast("B")
        want = min(len(view), self._size - self.offset, READ_CHUNK * 4)
        if want <= 0:
            return 0
        data = self._handle.read_buffer_at_offset(want, self.offset)
        if not data:
            raise OSError(f"no data at offset {self.offset}")
        view[: len(data)] = data
        self.offset += len(data)
        return len(data)


class _Handle:
    """A pyewf handle over segment files opened here, read-only and without touching
    access times (libewf's own `open(paths)` does neither): closing it closes both."""

    def __init__(self, segments: list[str], where: str) -> None:
        self.files: list[BinaryIO] = []
        try:
            for segment in segments:
                self.files.append(open_readonly_file(segment, follow=True))
        except OSError as exc:
            self._close_files()
            raise EvidenceError(f"{exc.filename}: cannot read: {exc.strerror}") from exc
        self.ewf = pyewf.handle()
        try:
            self.ewf.open_file_objects(self.files)
        except (OSError, ValueError) as exc:
            self._close_files()
            raise EvidenceError(f"{where}: cannot open the E01 image (corrupt?): {exc}") from exc

    def _close_files(self) -> None:
        for f in self.files:
            f.close()
        self.files = []

    def close(self) -> None:
        try:
            self.ewf.close()
        finally:
            self._close_files()


def _open_handle(segments: list[str], where: str) -> _Handle:
    return _Handle(segments, where)


class EwfSource(DiskImageSource):
    """An EnCase image (E01 and its segments E02, E03 ...)."""

    NAME: ClassVar[str] = "e01"

    def __init__(self, path: Path, label: str, disk: DiskImage, segments: list[str],
                 header: dict[str, str], stored: dict[str, str]) -> None:
        super().__init__(path, label, disk)
        self.segments = segments
        self.header = header
        self.stored = stored

    @classmethod
    def open(cls, path: Path, label: str, *, keys: VolumeKeys | None = None) -> EwfSource:
        path = Path(path)
        if not path.is_file():
            raise NotThisFormat(f"{path}: not a file")
        try:
            signature = read_head(path, 8)
        except OSError as exc:
            raise EvidenceError(f"{path}: cannot read: {exc.strerror}") from exc
        if signature not in EWF_SIGNATURES:
            raise NotThisFormat(f"{path}: no EWF signature")
        where = str(path)
        try:
            segments = [str(s) for s in pyewf.glob(str(path))]
        except (OSError, ValueError) as exc:
            raise EvidenceError(f"{where}: cannot find the E01 segments: {exc}") from exc
        handle = _open_handle(segments, where)
        ewf = handle.ewf
        try:
            size = int(ewf.get_media_size())
            if size <= 0:  # libewf opens a segment whose sections are wiped, as empty media
                raise EvidenceError(f"{where}: the E01 describes no media data (corrupt?)")
            # pyewf opens a set with segments missing at the end (glob stops at a gap):
            # reading the last sector is the check that the whole media is there.
            try:
                ewf.read_buffer_at_offset(min(size, 512), size - min(size, 512))
            except OSError as exc:
                problem = diagnose(segments) or (
                    f"{next_name(Path(segments[-1]).name)} may be missing or a segment "
                    f"damaged ({exc})")
                raise EvidenceError(
                    f"{where}: the E01 set is incomplete: {len(segments)} segment(s) "
                    f"found; {problem}"
                ) from exc
            header = {k: str(v) for k, v in (ewf.get_header_values() or {}).items()}
            stored = {k.upper(): str(v) for k, v in (ewf.get_hash_values() or {}).items()}
            img = EWFImgInfo(handle)
        except BaseException:
            handle.close()
            raise
        try:
            disk = DiskImage.open(img, label, where, strict=False, keys=keys)
        except BaseException:
            img.close()
            raise
        return cls(path, label, disk, segments, header, stored)

    def describe(self, warn: WarningSink) -> EvidenceInfo:
        """Read the media once (MD5, SHA-256, and SHA-1 when one is stored) and verify.

        A second handle is used so that this full read, which the pipeline runs beside the
        walk, never waits on the walk's lock.
        """
        names = ["md5", "sha256"]
        if "SHA1" in self.stored:
            names.insert(1, "sha1")
        handle = _open_handle(self.segments, str(self.path))
        size = int(handle.ewf.get_media_size())
        stream = _MediaStream(handle.ewf, size)
        digests: dict[str, str] = {}
        verified: bool | None = None
        try:
            digests = digest_stream(cast(BinaryIO, stream), names).digests
        except OSError as exc:
            verified = False
            warn(TriageWarning(Address.of_evidence(self.label), STAGE_VERIFY,
                               f"{self.path}: media unreadable at offset {stream.offset} of "
                               f"{size}: {exc}; the image cannot be verified"))
        finally:
            handle.close()
        detail: dict[str, Any] = {
            "segments": [Path(s).name for s in self.segments],
            **{f"stored_{_STORED.get(k, k.lower())}": v for k, v in self.stored.items()},
            **{k: v for k, v in self.header.items() if k in _HEADER_FIELDS and v},
            **self.disk.detail(),
        }
        if digests:
            verified = self._verify(digests, warn)
        return EvidenceInfo(
            path=str(self.path),
            kind=self.NAME,
            size=size,
            sha256=digests.get("sha256", ""),
            md5=digests.get("md5", ""),
            verified=verified,
            detail=detail,
        )

    def _verify(self, digests: dict[str, str], warn: WarningSink) -> bool | None:
        """True when every stored hash we computed agrees; None when none is stored."""
        compared = False
        for stored_name, ours in _STORED.items():
            stored = self.stored.get(stored_name, "").lower()
            if not stored or ours not in digests:
                continue
            compared = True
            if stored != digests[ours]:
                warn(TriageWarning(
                    Address.of_evidence(self.label), STAGE_VERIFY,
                    f"{self.path}: {stored_name} stored at acquisition is {stored} but the "
                    f"media reads as {digests[ours]}: the image has changed or is damaged",
                ))
                return False
        return True if compared else None

    def files(self) -> list[Path]:
        return [Path(s) for s in self.segments]

