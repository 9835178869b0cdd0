"""Examine one file: digests from one read, type from magic bytes, and, for an archive,
the same for each file inside it (recursively, to a fixed depth)."""

from __future__ import annotations

import io
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Sequence
from typing import BinaryIO, cast

from .errors import EvidenceError, MediaError, NotThisFormat
from .evidence import archive
from .filetypes import HEAD_SIZE, sniff
from .hashing import Digested, digest_path, digest_stream
from .records import FileEntry, FileType, Record, TriageWarning, WarningSink

# Archives inside archives are followed this deep; deeper ones are recorded, not opened
# (a defence against archive bombs that nest without end).
MAX_ARCHIVE_DEPTH = 8

# Errors that mean "this item's content could not be read", as opposed to a bug.
READ_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    EOFError,
    EvidenceError,
    zipfile.BadZipFile,
    zlib.error,
    ValueError,
)

# Spooled copies of nested archives stay in memory up to this size, then go to a
# temporary file (never beside the evidence).
SPOOL_IN_MEMORY = 32 * 1024 * 1024


class _PrefixedStream(io.RawIOBase):
    """Serves bytes already read (the head) and then the rest of the stream."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head = memoryview(head)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        if self._head:
            n = min(len(view), len(self._head))
            view[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._rest.read(len(view))
        view[: len(data)] = data
        return len(data)


def _is_picture(head: bytes) -> bool:
    return sniff(head)[0] is FileType.IMAGE


class Examiner:
    """Turns file entries into records. Thread-safe: it holds only configuration.

    With `perceptual` on, a picture's bytes are kept from the one read that digests it
    and decoded once (at reduced size) for its PDQ hash; a video is decoded once, sampled
    a frame a second, for its vPDQ signature.
    """

    def __init__(
        self,
        digests: Sequence[str],
        on_bytes: Callable[[int], None] | None = None,
        perceptual: bool = False,
    ) -> None:
        self.digests = tuple(digests)
        self.on_bytes = on_bytes
        self.perceptual = perceptual
        self.keep = _is_picture if perceptual else None

    def examine(
        self, entry: FileEntry, warn: WarningSink, extra: Sequence[str] = ()
    ) -> list[Record]:
        """Records for `entry` and, when it is an archive, for everything inside it."""
        names = tuple(d for d in ("md5", "sha1", "sha256") if d in self.digests or d in extra)
        records: list[Record] = []
        try:
            if entry.local_path is not None:
                digested = digest_path(entry.local_path, names, self.on_bytes, self.keep)
            else:
                with entry.opener() as stream:
                    digested = digest_stream(stream, names, self.on_bytes, self.keep)
        except READ_ERRORS as exc:
            records.append(self._unreadable(entry, exc, warn))
            return records
        record = self._record(entry, digested, warn)
        records.append(record)
        if self.perceptual:
            if record.file_type is FileType.IMAGE:
                self._hash_picture(record, digested, warn)
            elif record.file_type is FileType.VIDEO:
                self._sign_video(record, entry.local_path or entry.opener, warn)
        if record.file_type is FileType.ARCHIVE:
            try:
                with entry.opener() as stream:
                    self._expand(stream, record, warn, records, depth=1)
            except READ_ERRORS as exc:
                warn(TriageWarning(str(entry.address), "archive", _describe(exc)))
        return records

    def _expand(
        self,
        stream: BinaryIO,
        record: Record,
        warn: WarningSink,
        out: list[Record],
        depth: int,
    ) -> None:
        if depth > MAX_ARCHIVE_DEPTH:
            warn(
                TriageWarning(
                    str(record.address),
                    "archive",
                    f"nested deeper than {MAX_ARCHIVE_DEPTH} archives: contents not examined",
                )
            )
            return
        for member in archive.members(stream, record.address, record.mime, warn):
            try:
                self._examine_member(member, warn, out, depth)
            except READ_ERRORS as exc:
                out.append(self._unreadable(member, exc, warn))

    def _examine_member(
        self, member: FileEntry, warn: WarningSink, out: list[Record], depth: int
    ) -> None:
        with member.opener() as stream:
            head = _read_head(stream)
            file_type, _mime = sniff(head)
            video = self.perceptual and file_type is FileType.VIDEO
            if file_type is not FileType.ARCHIVE and not video:
                rest = cast(BinaryIO, _PrefixedStream(head, stream))
                digested = digest_stream(rest, self.digests, self.on_bytes, self.keep)
                record = self._record(member, digested, warn)
                out.append(record)
                if self.perceptual and record.file_type is FileType.IMAGE:
                    self._hash_picture(record, digested, warn)
                return
            # A nested archive, or a video, must be seekable to be opened: spool it once,
            # then digest the copy and open it.
            with tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY) as spool:
                spool.write(head)
                shutil.copyfileobj(stream, spool, 1024 * 1024)
                spool.seek(0)
                copy = cast(BinaryIO, spool)
                digested = digest_stream(copy, self.digests, self.on_bytes)
                record = self._record(member, digested, warn)
                out.append(record)
                spool.seek(0)
                if video:
                    self._sign_video(record, lambda: cast(BinaryIO, _Unclosed(copy)), warn)
                else:
                    self._expand(copy, record, warn, out, depth + 1)

    def _hash_picture(self, record: Record, digested: Digested, warn: WarningSink) -> None:
        """PDQ and its dihedral variants, from the bytes the digests were computed on."""
        from .media.pdq import dihedral, hash_image_bytes

        if digested.data is None:
            warn(TriageWarning(str(record.address), "media", "picture too large to hash"))
            return
        try:
            result = hash_image_bytes(digested.data, record.mime or None)
        except MediaError as exc:
            record.error = f"cannot decode: {exc}"
            warn(TriageWarning(str(record.address), "media", record.error))
            return
        variants = dihedral(result)
        record.pdq = result.hash.hex
        record.pdq_quality = result.hash.quality
        record.pdq_variants = tuple(v.hex for v in variants[1:])

    def _sign_video(
        self, record: Record, source: str | Callable[[], BinaryIO], warn: WarningSink
    ) -> None:
        """The vPDQ signature: a second read of the file, by the decoder (a video is not
        held in memory), sampling one frame a second."""
        from .media.video import video_signature

        try:
            if isinstance(source, str):
                signature = video_signature(source)
            else:
                with source() as stream:
                    signature = video_signature(stream)
        except NotThisFormat:
            return  # a container with no picture (sound only): nothing to compare
        except (MediaError, *READ_ERRORS) as exc:  # type: ignore[misc]
            record.error = f"cannot decode: {exc}"
            warn(TriageWarning(str(record.address), "media", record.error))
            return
        for problem in signature.warnings:
            warn(TriageWarning(str(record.address), "media", problem))
        record.vpdq = signature.to_json()

    def _record(self, entry: FileEntry, digested: Digested, warn: WarningSink) -> Record:
        file_type, mime = sniff(digested.head)
        if entry.size >= 0 and digested.size != entry.size:
            warn(
                TriageWarning(
                    str(entry.address),
                    "read",
                    f"read {digested.size} bytes where {entry.size} were expected",
                )
            )
        return Record(
            address=entry.address,
            size=digested.size,
            file_type=file_type,
            mime=mime,
            times=entry.times,
            deleted=entry.deleted,
            carved=entry.carved,
            digests=digested.digests,
        )

    def _unreadable(self, entry: FileEntry, exc: BaseException, warn: WarningSink) -> Record:
        message = _describe(exc)
        warn(TriageWarning(str(entry.address), "read", message))
        return Record(
            address=entry.address,
            size=max(entry.size, 0),
            file_type=FileType.OTHER,
            times=entry.times,
            deleted=entry.deleted,
            carved=entry.carved,
            error=message,
        )


class _Unclosed(io.RawIOBase):
    """A view of a spooled copy that the decoder may close without closing the copy."""

    def __init__(self, inner: BinaryIO) -> None:
        self._inner = inner

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        data = self._inner.read(len(buffer))
        memoryview(buffer).cast("B")[: len(data)] = data
        return len(data)

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._inner.seek(offset, whence)

    def tell(self) -> int:
        return self._inner.tell()


def _read_head(stream: BinaryIO) -> bytes:
    chunks = b""
    while len(chunks) < HEAD_SIZE:
        piece = stream.read(HEAD_SIZE - len(chunks))
        if not piece:
            break
        chunks += piece
    return chunks


def _describe(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return f"cannot read: {exc.strerror}"
    text = str(exc) or type(exc).__name__
    return f"cannot read: {text}"


__all__ = ["MAX_ARCHIVE_DEPTH", "Examiner"]
