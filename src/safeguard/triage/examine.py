"""Examine one file: digests from one read, type from magic bytes, and, for an archive,
the same for each file inside it (recursively, within the expansion limits).

Records leave through a sink as they are made, so an archive of 100,000 members is
journalled as it is read (a killed run resumes inside it) and never held in memory. An
archive's own record goes out after its members: once it is journalled, everything in it
is, and a resumed run may skip it whole.

No damaged input ends the run: a member that cannot be read is a row with its reason; a
reader that fails in a way nobody foresaw is caught per item, recorded as an internal
error naming the item, and the run goes on (tests and the fuzz targets treat that
message as a failure).
"""

from __future__ import annotations

import io
import lzma
import struct
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO, Protocol, cast

from . import embedded
from .errors import EvidenceError, MediaError, NotThisFormat, ResumeRefused
from .evidence import archive, nested
from .expansion import Budget, ExpansionLimit, ExpansionLimits, Metered, spooled
from .filetypes import HEAD_SIZE, sniff
from .hashing import Digested, digest_path, digest_stream
from .records import DIGESTS, FileEntry, FileType, Record, TriageWarning, WarningSink

# Errors that mean "this item's content could not be read", as opposed to a bug.
READ_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    EOFError,
    EvidenceError,
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
    tarfile.TarError,
    NotImplementedError,
    struct.error,
    ValueError,
)
# Raised on purpose to stop the whole run: never turned into a row.
_STOP_RUN = (ResumeRefused,)

INTERNAL_ERROR = "internal error while examining"


class RecordSink(Protocol):
    """Where the examiner's records and warnings go (the pipeline's journal batch)."""

    def record(self, record: Record) -> None: ...

    def warn(self, warning: TriageWarning) -> None: ...

    def done(self, entry: FileEntry) -> bool:
        """True when an earlier invocation already examined this entry (resume)."""
        ...


class _Collect:
    """A sink that keeps everything in a list (small jobs and tests)."""

    def __init__(self, warn: WarningSink) -> None:
        self.records: list[Record] = []
        self.warn = warn

    def record(self, record: Record) -> None:
        self.records.append(record)

    def done(self, entry: FileEntry) -> bool:
        return False


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
    a frame a second, for its vPDQ signature. `spool_dir`: where copies of nested
    archives and of videos in archives go when too large for memory (a run passes a
    folder inside --out; None is the system's temporary folder).
    """

    def __init__(
        self,
        digests: Sequence[str],
        on_bytes: Callable[[int], None] | None = None,
        perceptual: bool = False,
        limits: ExpansionLimits | None = None,
        spool_dir: Path | None = None,
    ) -> None:
        self.digests = tuple(digests)
        self.on_bytes = on_bytes
        self.perceptual = perceptual
        self.keep = _is_picture if perceptual else None
        self.limits = limits or ExpansionLimits()
        self.spool_dir = spool_dir
        # The digests an item gets, by the extra ones asked of it: worked out once, not
        # once a file (a generator a file was a microsecond of a small file's 20).
        self._names: dict[tuple[str, ...], tuple[str, ...]] = {}

    def examine(
        self, entry: FileEntry, warn: WarningSink, extra: Sequence[str] = ()
    ) -> list[Record]:
        """Records for `entry` and, when it is an archive, for everything inside it: the
        entry's own record first."""
        sink = _Collect(warn)
        own = self.stream(entry, sink, extra)
        return [own, *(r for r in sink.records if r is not own)]

    def names(self, extra: Sequence[str] = ()) -> tuple[str, ...]:
        """The digests an item gets: the run's, and `extra` (a loose file's SHA-256)."""
        extra = tuple(extra)
        names = self._names.get(extra)
        if names is None:
            names = self._names[extra] = tuple(
                d for d in DIGESTS if d in self.digests or d in extra)
        return names

    def nothing_inside(self, file_type: FileType, head: bytes) -> bool:
        """Whether a file of this type and these first bytes is its record and no more:
        no picture to hash or cache entry to open, no archive, container or disk image
        to look inside (`stream` asks the same before it looks)."""
        if file_type is FileType.IMAGE or file_type is FileType.ARCHIVE:
            return False
        if self.perceptual and file_type is FileType.VIDEO:
            return False
        if embedded.recognise(head) is not None:
            return False
        return file_type is not FileType.OTHER or not nested.recognise(head)

    def stream(self, entry: FileEntry, sink: RecordSink, extra: Sequence[str] = (),
               digested: Digested | None = None) -> Record:
        """Examine `entry`, sending its records to `sink` (its own last); returns its own.
        `digested`: the entry's file already read (batches.py), not to be read again."""
        try:
            if digested is None:
                digested = self._read(entry, self.names(extra))
        except _STOP_RUN:
            raise
        except Exception as exc:  # READ_ERRORS, or a reader's bug: one row
            record = self._unreadable(entry, exc, sink.warn)
            sink.record(record)
            return record
        record = self._record(entry, digested, sink.warn)
        try:
            if self.nothing_inside(record.file_type, digested.head):
                sink.record(record)
                return record
            cache = self._cache_entry(entry, record, digested)
            if self.perceptual and record.file_type is FileType.IMAGE:
                self._hash_picture(record, digested, sink.warn)
            elif self.perceptual and record.file_type is FileType.VIDEO:
                self._sign_video(record, entry.opener, sink.warn)
            if record.file_type is FileType.ARCHIVE:
                budget = Budget.outermost(self.limits, str(entry.address))
                with entry.opener() as stream:
                    self._expand(stream, record, sink, 1, budget)
            elif cache is not None or (kind := embedded.recognise(digested.head)) is not None:
                # Pictures inside other files (issue 17): read like an archive's members.
                budget = Budget.outermost(self.limits, str(entry.address))
                with entry.opener() as stream:
                    items = (embedded.webcache.firefox_items(stream, cache, record.address)
                             if cache is not None
                             else embedded.items(cast(str, kind), stream, record.address,
                                                 sink.warn))
                    self._contents(items, record, sink, 1, budget)
            elif record.file_type is FileType.OTHER:
                # A disk image found inside the evidence: examined as evidence (nested.py).
                # Its budget is made only for one: most files of a disk are not images.
                nested.examine(entry, digested.head, self.spool_dir, sink.warn,
                               lambda items: self._contents(
                                   items, record, sink, 1,
                                   Budget.outermost(self.limits, str(entry.address))))
        except _STOP_RUN:
            raise
        except Exception as exc:  # the item's own row stands; say what failed
            sink.warn(TriageWarning(entry.address, "examine", _failure(exc)))
        sink.record(record)
        return record

    def _read(self, entry: FileEntry, names: tuple[str, ...]) -> Digested:
        """The entry's digests and first bytes, from one read of it."""
        if entry.local_path is not None:
            return digest_path(entry.local_path, names, self.on_bytes, self.keep)
        with entry.opener() as stream:
            return digest_stream(stream, names, self.on_bytes, self.keep)

    def _expand(
        self, stream: BinaryIO, record: Record, sink: RecordSink, depth: int, budget: Budget
    ) -> None:
        address = record.address
        if depth > self.limits.depth:
            sink.warn(TriageWarning(
                address, "archive",
                f"nested deeper than {self.limits.depth} archives: contents not examined"))
            return
        # An Office or OpenDocument file is a zip: its pictures are inside another file.
        document = (record.mime == "application/zip" and stream.seekable()
                    and embedded.is_office_document(stream))
        try:
            for member in archive.members(stream, record.address, record.mime, sink.warn,
                                          budget):
                member.embedded = member.embedded or document
                if not sink.done(member):
                    self._examine_member(member, sink, depth, budget)
        except ExpansionLimit as exc:
            if exc.budget is not budget:
                raise  # an archive further out ran out: it stops, and says so
            sink.warn(TriageWarning(address, "archive", str(exc)))
        except archive.DAMAGE as exc:
            sink.warn(TriageWarning(address, "archive", f"damaged archive: {exc}"))

    def _examine_member(
        self, member: FileEntry, sink: RecordSink, depth: int, budget: Budget
    ) -> None:
        """Examine one member; its record always reaches the sink, whatever happens."""
        record: Record | None = None
        try:
            with member.opener() as raw:
                stream = cast(BinaryIO, Metered(raw, budget))
                head = _read_head(stream)
                file_type, _mime = sniff(head)
                video = self.perceptual and file_type is FileType.VIDEO
                container = embedded.recognise(head) if file_type is FileType.OTHER else None
                image = (nested.recognise(head) if file_type is FileType.OTHER
                         and container is None else "")
                if file_type is not FileType.ARCHIVE and not video and container is None \
                        and not image:
                    rest = cast(BinaryIO, _PrefixedStream(head, stream))
                    digested = digest_stream(rest, self.digests, self.on_bytes, self.keep)
                    record = self._record(member, digested, sink.warn, raw)
                    if self.perceptual and record.file_type is FileType.IMAGE:
                        self._hash_picture(record, digested, sink.warn)
                    sink.record(record)
                    return
                # A nested archive, or a video, must be seekable to be opened: spool it
                # once (inside the output folder), then digest the copy and open it.
                with spooled(head, stream, self.spool_dir) as copy:
                    digested = digest_stream(copy, self.digests, self.on_bytes)
                    record = self._record(member, digested, sink.warn, raw)
                    copy.seek(0)
                    try:
                        if video:
                            self._sign_video(
                                record, lambda: cast(BinaryIO, _Unclosed(copy)), sink.warn)
                        elif container is not None:
                            inner = budget.nested(self.limits, str(member.address), record.size)
                            self._contents(embedded.items(container, copy, record.address,
                                                          sink.warn),
                                           record, sink, depth + 1, inner)
                        elif image:  # a disk image in an archive (nested.py)
                            inner = budget.nested(self.limits, str(member.address), record.size)
                            nested.examine_copy(copy, member, self.spool_dir, sink.warn,
                                                lambda items: self._contents(
                                                    items, record, sink, depth + 1, inner))
                        else:
                            inner = budget.nested(self.limits, str(member.address), record.size)
                            self._expand(copy, record, sink, depth + 1, inner)
                    finally:
                        sink.record(record)
        except ExpansionLimit as exc:
            if record is None:  # cut short while it was read: no digests to give
                sink.record(self._not_examined(member, str(exc)))
            raise
        except _STOP_RUN:
            raise
        except Exception as exc:  # READ_ERRORS, or a reader's bug: one row
            if record is None:
                sink.record(self._unreadable(member, exc, sink.warn))
            else:
                sink.warn(TriageWarning(member.address, "examine", _failure(exc)))

    def _contents(self, items: Iterator[FileEntry], record: Record, sink: RecordSink,
                  depth: int, budget: Budget) -> None:
        """Examine the items of a container that is not an archive (embedded/)."""
        if depth > self.limits.depth:
            sink.warn(TriageWarning(
                record.address, embedded.STAGE,
                f"nested deeper than {self.limits.depth} containers: contents not examined"))
            return
        try:
            for item in items:
                if not sink.done(item):
                    self._examine_member(item, sink, depth, budget)
        except ExpansionLimit as exc:
            if exc.budget is not budget:
                raise
            sink.warn(TriageWarning(record.address, embedded.STAGE, str(exc)))
        except READ_ERRORS as exc:
            sink.warn(TriageWarning(record.address, embedded.STAGE,
                                    f"damaged {record.mime or 'container'}: {_describe(exc)}"))

    def _cache_entry(self, entry: FileEntry, record: Record,
                     digested: Digested) -> embedded.webcache.CacheEntry | None:
        """A Firefox cache entry that looked like a picture: the record becomes the cache
        entry's, and its body (the picture itself) is examined as an item inside it."""
        if record.file_type is not FileType.IMAGE:
            return None
        if digested.data is not None:
            cache = embedded.firefox_entry(io.BytesIO(digested.data), record.size)
        else:
            with entry.opener() as stream:
                cache = embedded.firefox_entry(stream, record.size) if stream.seekable() \
                    else None
        if cache is not None:
            record.file_type, record.mime = FileType.OTHER, embedded.webcache.FIREFOX_MIME
        return cache

    def _hash_picture(self, record: Record, digested: Digested, warn: WarningSink) -> None:
        """PDQ and its dihedral variants, from the bytes the digests were computed on."""
        from .media.pdq import dihedral, hash_image_bytes

        if digested.data is None:
            warn(TriageWarning(record.address, "media", "picture too large to hash"))
            return
        try:
            result = hash_image_bytes(digested.data, record.mime or None)
        except MediaError as exc:
            record.error = f"cannot decode: {exc}"
            warn(TriageWarning(record.address, "media", record.error))
            return
        variants = dihedral(result)
        record.pdq = result.hash.hex
        record.pdq_quality = result.hash.quality
        record.pdq_variants = tuple(v.hex for v in variants[1:])

    def _sign_video(self, record: Record, source: Callable[[], BinaryIO],
                    warn: WarningSink) -> None:
        """The vPDQ signature: a second read of the file, by the decoder (a video is not
        held in memory), sampling one frame a second. With the frames' region hashes
        (media/video_regions.py): a copy with a logo over it, cropped, with bars or set
        inside another video matches a known video by them where whole frames do not; a
        set built with `hashset build` carries them too. Measured: +25-40 % CPU on a 20 s
        720p clip, where decoding dominates; 2.7x on an 8 s 320x240 one (docs/video.md)."""
        from .media.video import video_signature

        try:
            with source() as stream:
                signature = video_signature(stream, regions=True)
        except NotThisFormat:
            return  # a container with no picture (sound only): nothing to compare
        except (MediaError, *READ_ERRORS) as exc:  # type: ignore[misc]
            record.error = f"cannot decode: {exc}"
            warn(TriageWarning(record.address, "media", record.error))
            return
        for problem in signature.warnings:
            warn(TriageWarning(record.address, "media", problem))
        record.vpdq = signature.to_json()

    def _record(self, entry: FileEntry, digested: Digested, warn: WarningSink,
                raw: BinaryIO | None = None) -> Record:
        file_type, mime = sniff(digested.head)
        if entry.size >= 0 and digested.size != entry.size:
            warn(
                TriageWarning(
                    entry.address,
                    "read",
                    f"read {digested.size} bytes where {entry.size} were expected",
                )
            )
        record = Record(
            address=entry.address,
            size=digested.size,
            file_type=file_type,
            mime=mime,
            times=entry.times,
            deleted=entry.deleted,
            carved=entry.carved,
            embedded=entry.embedded,
            thumbnail=entry.thumbnail,
            original_path=entry.original_path,
            digests=digested.digests,
            fingerprint=entry.fingerprint(),
        )
        if isinstance(raw, archive.Salvaging) and raw.damage:
            record.error = (f"damaged {raw.kind} data: {raw.recovered:,} bytes recovered before "
                            f"the damage ({raw.damage}); the digests are of those bytes")
            warn(TriageWarning(entry.address, "read", record.error))
        return record

    def _unreadable(self, entry: FileEntry, exc: BaseException, warn: WarningSink) -> Record:
        message = _describe(exc) if isinstance(exc, READ_ERRORS) else _failure(exc)
        warn(TriageWarning(entry.address, "read", message))
        return self._not_examined(entry, message)

    def _not_examined(self, entry: FileEntry, message: str) -> Record:
        return Record(
            address=entry.address,
            size=max(entry.size, 0),
            file_type=FileType.OTHER,
            times=entry.times,
            deleted=entry.deleted,
            carved=entry.carved,
            embedded=entry.embedded,
            thumbnail=entry.thumbnail,
            original_path=entry.original_path,
            error=message,
            fingerprint=entry.fingerprint(),
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


def _failure(exc: BaseException) -> str:
    if isinstance(exc, READ_ERRORS):
        return _describe(exc)
    return (f"{INTERNAL_ERROR} ({type(exc).__name__}: {exc}); the rest of this item was not "
            "examined — please report this")


__all__ = ["INTERNAL_ERROR", "Examiner", "RecordSink"]
