"""Zip and tar archives (also compressed tars and lone gzip/bzip2/xz files), wherever
they are found: as evidence, in a folder, inside a disk image or inside another archive.

Members are yielded in archive order with their address inside the archive; nested
archives are handled by the caller, which spools a member when it needs to seek in it.

Damage never ends more than the archive it is in: a member that cannot be read is a row
with its reason, a damaged tar stops at the damage with a warning, a zip whose one name
breaks the UTF-8 rule still lists its other members (zipfix.py), and a truncated gzip,
bzip2 or xz file keeps what was decoded before the damage (as zcat does).
"""

from __future__ import annotations

import bz2
import calendar
import contextlib
import functools
import gzip
import io
import lzma
import posixpath
import struct
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, BinaryIO, cast

from ..errors import EvidenceError
from ..expansion import Budget
from ..records import Address, FileEntry, Times, TriageWarning, WarningSink
from . import zipfix

if TYPE_CHECKING:  # collections.abc.Buffer is 3.12+; annotations only, never evaluated
    from typing_extensions import Buffer

# Formats we recognise but cannot open with the standard library: the examiner is told
# that their contents were not examined.
NOT_EXPANDED = {
    "application/x-7z-compressed": "7-Zip",
    "application/vnd.rar": "RAR",
}

# What a damaged archive or compressed stream raises, across the decoders.
DAMAGE = (tarfile.TarError, OSError, EOFError, lzma.LZMAError, zlib.error, ValueError,
          zipfile.BadZipFile, NotImplementedError, struct.error)

# At most this many names are listed in the warning for members without content.
_NAMES_SHOWN = 10


def _gunzip(stream: BinaryIO) -> BinaryIO:
    return gzip.GzipFile(fileobj=stream, mode="rb")  # type: ignore[return-value]


def _bunzip(stream: BinaryIO) -> BinaryIO:
    return bz2.BZ2File(stream)  # type: ignore[return-value]


def _unxz(stream: BinaryIO) -> BinaryIO:
    return lzma.LZMAFile(stream)  # type: ignore[return-value]


_SINGLE_STREAM: dict[str, tuple[Callable[[BinaryIO], BinaryIO], str, str]] = {
    "application/gzip": (_gunzip, ".gz", "gzip"),
    "application/x-bzip2": (_bunzip, ".bz2", "bzip2"),
    "application/x-xz": (_unxz, ".xz", "xz"),
}


class _NoReopen:
    """Opener for members of a streamed archive: each can be read once, in order."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.used = False

    def __call__(self) -> BinaryIO:
        if self.used:
            raise OSError("an archive member can only be read once, in archive order")
        self.used = True
        return self.stream


class Salvaging(io.RawIOBase):
    """A decompressed stream that ends where its data is damaged instead of raising, so
    the bytes decoded before the damage are kept; `damage` says why it ended early."""

    def __init__(self, inner: BinaryIO, kind: str) -> None:
        super().__init__()
        self.inner = inner
        self.kind = kind
        self.damage = ""
        self.recovered = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Buffer) -> int:
        if self.damage:
            return 0
        view = memoryview(buffer).cast("B")
        try:
            data = self.inner.read(len(view))
        except DAMAGE as exc:
            self.damage = str(exc) or type(exc).__name__
            return 0
        n = len(data)
        view[:n] = data
        self.recovered += n
        return n

    def close(self) -> None:
        with contextlib.suppress(*DAMAGE):
            self.inner.close()
        super().close()


def members(
    stream: BinaryIO,
    address: Address,
    mime: str,
    warn: WarningSink,
    budget: Budget | None = None,
) -> Iterator[FileEntry]:
    """The files inside the archive at `address`, read from `stream` (seekable).

    `budget`: what may still be read out of this archive; a zip whose members declare
    more raises ExpansionLimit before anything is read.
    """
    if mime in NOT_EXPANDED:
        warn(
            TriageWarning(
                address,
                "archive",
                f"{NOT_EXPANDED[mime]} archive: contents not examined (format not supported)",
            )
        )
        return
    if mime == "application/zip":
        yield from _zip_members(stream, address, warn, budget)
        return
    # Tar, plain or compressed; a compressed file that is not a tar holds one member.
    try:
        tar = tarfile.open(fileobj=stream, mode="r:*")  # noqa: SIM115 - closed below
    except DAMAGE as exc:
        if mime in _SINGLE_STREAM:
            stream.seek(0)
            yield from _single_member(stream, address, mime)
        else:
            warn(TriageWarning(address, "archive", f"unreadable tar archive: {exc}"))
        return
    with tar:
        yield from _tar_members(tar, address, warn)


def _zip_members(
    stream: BinaryIO, address: Address, warn: WarningSink, budget: Budget | None
) -> Iterator[FileEntry]:
    try:
        archive, renamed = zipfix.open_zip(stream)
    except DAMAGE as exc:
        warn(TriageWarning(address, "archive", f"corrupt zip archive: {exc}"))
        return
    with archive:
        # ZipInfo.is_dir() fails on an empty name (it reads the last character).
        infos = [info for info in archive.infolist() if not info.filename.endswith("/")]
        if budget is not None:
            budget.check_declared(sum(info.file_size for info in infos))
        if renamed:
            warn(TriageWarning(address, "archive",
                               f"{len(renamed)} member name(s) marked as UTF-8 are not UTF-8: "
                               "kept byte for byte (escaped in the reports)"))
        for info in infos:
            name = renamed.get(info.filename, info.filename)
            member_address = address.member("/" + name.lstrip("/"))
            if info.flag_bits & 0x1:
                warn(
                    TriageWarning(
                        member_address, "archive", "encrypted member: content not read"
                    )
                )
                continue
            opener: Callable[[], BinaryIO] = functools.partial(
                zipfix.open_member, archive, info, stream)
            if (info.compress_type not in zipfix.NATIVE_METHODS
                    and info.compress_type not in zipfix.EXTRA_METHODS):
                opener = functools.partial(_unsupported, zipfix.method_name(info.compress_type))
            yield FileEntry(
                address=member_address,
                size=info.file_size,
                # zip timestamps carry no time zone; recorded as if UTC (documented).
                times=Times(modified=_zip_time(info)),
                opener=opener,
            )


def _zip_time(info: zipfile.ZipInfo) -> float | None:
    try:
        return float(calendar.timegm((*info.date_time, 0, 0, 0)))
    except (ValueError, OverflowError):  # month 0 and the like: a damaged entry
        return None


def _unsupported(method: str) -> BinaryIO:
    raise EvidenceError(f"compression method {method} not supported: content not read")


def _tar_members(tar: tarfile.TarFile, address: Address, warn: WarningSink) -> Iterator[FileEntry]:
    no_content: list[str] = []
    try:
        while True:
            try:
                info = tar.next()
            except DAMAGE as exc:
                warn(TriageWarning(address, "archive", f"damaged tar archive: {exc}"))
                return
            if info is None:
                return
            if info.isdir():
                continue
            handle: BinaryIO | None = None
            if info.isfile():
                handle = cast(BinaryIO | None, tar.extractfile(info))
            elif info.islnk():
                handle = _hard_link(tar, info, address, warn)
                if handle is None:
                    continue
            if handle is None:
                no_content.append(_no_content(info))
                continue
            yield FileEntry(
                address=address.member("/" + info.name.lstrip("/")),
                size=info.size if info.isfile() else -1,
                times=Times(modified=float(info.mtime)),
                opener=_NoReopen(handle),  # type: ignore[arg-type]
            )
    finally:
        if no_content:
            shown = ", ".join(no_content[:_NAMES_SHOWN])
            more = len(no_content) - _NAMES_SHOWN
            warn(TriageWarning(
                address, "archive",
                f"{len(no_content)} member(s) with no content of their own not examined "
                f"(links, devices): {shown}{f' and {more} more' if more > 0 else ''}"))


def _hard_link(
    tar: tarfile.TarFile, info: tarfile.TarInfo, address: Address, warn: WarningSink
) -> BinaryIO | None:
    """A hard link is a second name of a file earlier in the archive: that content."""
    wanted = posixpath.normpath(info.linkname.lstrip("/"))
    # What tarfile has read so far, this link last (the target always comes first).
    read_so_far: list[tarfile.TarInfo] = tar.members  # type: ignore[attr-defined]
    earlier = read_so_far[:-1]
    target = next((m for m in reversed(earlier)
                   if m.isfile() and posixpath.normpath(m.name.lstrip("/")) == wanted), None)
    if target is None:
        warn(TriageWarning(address.member("/" + info.name.lstrip("/")), "archive",
                           f"hard link to {info.linkname}: no such file earlier in the archive"))
        return None
    return cast(BinaryIO | None, tar.extractfile(target))


def _no_content(info: tarfile.TarInfo) -> str:
    name = "/" + info.name.lstrip("/")
    if info.issym():
        return f"{name} (symbolic link to {info.linkname})"
    kind = ("character device" if info.ischr() else "block device" if info.isblk()
            else "pipe" if info.isfifo() else "special member")
    return f"{name} ({kind})"


def _single_member(stream: BinaryIO, address: Address, mime: str) -> Iterator[FileEntry]:
    opener_cls, suffix, kind = _SINGLE_STREAM[mime]
    name = address.path.rsplit("/", 1)[-1]
    inner = name[: -len(suffix)] if name.lower().endswith(suffix) else name + ".out"
    yield FileEntry(
        address=address.member("/" + inner),
        size=-1,  # unknown until read; the record takes the size actually read
        opener=_NoReopen(cast(BinaryIO, Salvaging(opener_cls(stream), kind))),
    )


def zlib_error() -> type[Exception]:
    return zlib.error
