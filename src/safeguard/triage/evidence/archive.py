"""Zip and tar archives (also compressed tars and lone gzip/bzip2/xz files), wherever
they are found: as evidence, in a folder, inside a disk image or inside another archive.

Members are yielded in archive order with their address inside the archive; nested
archives are handled by the caller, which spools a member to a temporary file (never
beside the evidence) when it needs to seek in it.
"""

from __future__ import annotations

import bz2
import calendar
import functools
import gzip
import lzma
import tarfile
import zipfile
from collections.abc import Callable, Iterator
from typing import BinaryIO

from ..records import Address, FileEntry, Times, TriageWarning, WarningSink

# Formats we recognise but cannot open with the standard library: the examiner is told
# that their contents were not examined.
NOT_EXPANDED = {
    "application/x-7z-compressed": "7-Zip",
    "application/vnd.rar": "RAR",
}

def _gunzip(stream: BinaryIO) -> BinaryIO:
    return gzip.GzipFile(fileobj=stream, mode="rb")  # type: ignore[return-value]


def _bunzip(stream: BinaryIO) -> BinaryIO:
    return bz2.BZ2File(stream)  # type: ignore[return-value]


def _unxz(stream: BinaryIO) -> BinaryIO:
    return lzma.LZMAFile(stream)  # type: ignore[return-value]


_SINGLE_STREAM: dict[str, tuple[Callable[[BinaryIO], BinaryIO], str]] = {
    "application/gzip": (_gunzip, ".gz"),
    "application/x-bzip2": (_bunzip, ".bz2"),
    "application/x-xz": (_unxz, ".xz"),
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


def members(
    stream: BinaryIO, address: Address, mime: str, warn: WarningSink
) -> Iterator[FileEntry]:
    """The files inside the archive at `address`, read from `stream` (seekable)."""
    if mime in NOT_EXPANDED:
        warn(
            TriageWarning(
                str(address),
                "archive",
                f"{NOT_EXPANDED[mime]} archive: contents not examined (format not supported)",
            )
        )
        return
    if mime == "application/zip":
        yield from _zip_members(stream, address, warn)
        return
    # Tar, plain or compressed; a compressed file that is not a tar holds one member.
    try:
        tar = tarfile.open(fileobj=stream, mode="r:*")  # noqa: SIM115 - closed below
    except (tarfile.TarError, OSError, EOFError, lzma.LZMAError) as exc:
        if mime in _SINGLE_STREAM:
            stream.seek(0)
            yield from _single_member(stream, address, mime, warn)
        else:
            warn(TriageWarning(str(address), "archive", f"unreadable tar archive: {exc}"))
        return
    with tar:
        yield from _tar_members(tar, address, warn)


def _zip_members(stream: BinaryIO, address: Address, warn: WarningSink) -> Iterator[FileEntry]:
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        warn(TriageWarning(str(address), "archive", f"corrupt zip archive: {exc}"))
        return
    with archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            member_address = address.member("/" + info.filename.lstrip("/"))
            if info.flag_bits & 0x1:
                warn(
                    TriageWarning(
                        str(member_address), "archive", "encrypted member: content not read"
                    )
                )
                continue
            modified = calendar.timegm((*info.date_time, 0, 0, 0))
            yield FileEntry(
                address=member_address,
                size=info.file_size,
                # zip timestamps carry no time zone; recorded as if UTC (documented).
                times=Times(modified=float(modified)),
                opener=functools.partial(_open_member, archive, info),
            )


def _open_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> BinaryIO:
    return archive.open(info)  # type: ignore[return-value]


def _tar_members(tar: tarfile.TarFile, address: Address, warn: WarningSink) -> Iterator[FileEntry]:
    while True:
        try:
            info = tar.next()
        except (tarfile.TarError, OSError, EOFError, lzma.LZMAError, zlib_error()) as exc:
            warn(TriageWarning(str(address), "archive", f"damaged tar archive: {exc}"))
            return
        if info is None:
            return
        if not info.isfile():
            continue
        handle = tar.extractfile(info)
        if handle is None:
            continue
        yield FileEntry(
            address=address.member("/" + info.name.lstrip("/")),
            size=info.size,
            times=Times(modified=float(info.mtime)),
            opener=_NoReopen(handle),  # type: ignore[arg-type]
        )


def _single_member(
    stream: BinaryIO, address: Address, mime: str, warn: WarningSink
) -> Iterator[FileEntry]:
    opener_cls, suffix = _SINGLE_STREAM[mime]
    name = address.path.rsplit("/", 1)[-1]
    inner = name[: -len(suffix)] if name.lower().endswith(suffix) else name + ".out"
    yield FileEntry(
        address=address.member("/" + inner),
        size=-1,  # unknown until read; the record takes the size actually read
        opener=_NoReopen(opener_cls(stream)),
    )


def zlib_error() -> type[Exception]:
    import zlib

    return zlib.error
