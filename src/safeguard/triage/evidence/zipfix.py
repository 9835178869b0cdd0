"""What Python's zipfile cannot read on its own, for zip archives found in evidence.

- **Names that break the UTF-8 promise.** A member whose entry sets the UTF-8 flag but
  whose name is not UTF-8 makes `zipfile.ZipFile` raise for the whole archive, hiding
  every good member beside it. `open_zip` then reads the archive through a view with that
  flag cleared for those entries only (in the central directory and, once zipfile has
  found them, their local headers), and gives their names back byte for byte (undecodable
  bytes as surrogate escapes, as everywhere else in the engine).
- **Compression methods zipfile lacks.** Deflate64 (method 9, which Windows Explorer uses
  for large files), Zstandard (93) and XZ (95) are decoded here from the member's raw
  bytes, with its CRC-32 checked; other methods (PPMd, IBM's ...) are named as not
  supported.
"""

from __future__ import annotations

import io
import lzma
import struct
import zipfile
import zlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, BinaryIO, cast

from .positioned import PositionedReader

if TYPE_CHECKING:  # collections.abc.Buffer is 3.12+; annotations only, never evaluated
    from typing_extensions import Buffer

_EOCD = b"PK\x05\x06"
_EOCD64_LOCATOR = b"PK\x06\x07"
_CENTRAL = b"PK\x01\x02"
_UTF8_FLAG = 0x800
_CENTRAL_SIZE = 46
_LOCAL_SIZE = 30
_CHUNK = 1024 * 1024

METHOD_NAMES = {
    1: "Shrink", 2: "Reduce", 3: "Reduce", 4: "Reduce", 5: "Reduce", 6: "Implode",
    9: "Deflate64", 10: "PKWARE DCL Implode", 18: "IBM TERSE", 19: "IBM LZ77",
    93: "Zstandard", 94: "MP3", 95: "XZ", 96: "JPEG variant", 97: "WavPack", 98: "PPMd",
    99: "AES (WinZip encryption)",
}
# What zipfile decodes itself: stored, deflate, bzip2, lzma.
NATIVE_METHODS = frozenset({0, 8, 12, 14})


class _Patched(PositionedReader):
    """A seekable view of an archive with a few bytes replaced (flag words)."""

    def __init__(self, inner: BinaryIO) -> None:
        super().__init__()
        self.inner = inner
        self.patches: dict[int, bytes] = {}

    def size(self) -> int:
        return self.inner.seek(0, io.SEEK_END)

    def read_at(self, offset: int, n: int) -> bytes:
        self.inner.seek(offset)
        data = bytearray(self.inner.read(n))
        for at, patch in self.patches.items():
            for i, byte in enumerate(patch):
                if offset <= at + i < offset + len(data):
                    data[at + i - offset] = byte
        return bytes(data)


def _central_directory(stream: BinaryIO) -> tuple[int, int]:
    """(offset, size) of the central directory, as zipfile would find it."""
    end = stream.seek(0, io.SEEK_END)
    tail_size = min(end, 65535 + 22)
    stream.seek(end - tail_size)
    tail = stream.read(tail_size)
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) - at < 22:
        raise zipfile.BadZipFile("no end of central directory record")
    size_cd, offset_cd = struct.unpack_from("<LL", tail, at + 12)
    eocd = end - tail_size + at
    concat = eocd - size_cd - offset_cd
    locator = tail.rfind(_EOCD64_LOCATOR, 0, at)
    if locator >= 0 and at - locator == 20:
        (record_at,) = struct.unpack_from("<Q", tail, locator + 8)
        stream.seek(record_at)
        record = stream.read(56)
        if len(record) == 56:
            size_cd, offset_cd = struct.unpack_from("<QQ", record, 40)
            concat = eocd - size_cd - offset_cd - 56 - 20
    return offset_cd + concat, size_cd


def _bad_utf8_entries(stream: BinaryIO, view: _Patched) -> dict[int, bytes]:
    """Central directory entries that claim UTF-8 names which are not: their flags are
    cleared in `view`; returns {entry index: raw name}."""
    start, size = _central_directory(stream)
    stream.seek(start)
    directory = stream.read(size)
    bad: dict[int, bytes] = {}
    pos = index = 0
    while pos + _CENTRAL_SIZE <= len(directory) and directory[pos:pos + 4] == _CENTRAL:
        flags, = struct.unpack_from("<H", directory, pos + 8)
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", directory, pos + 28)
        name = directory[pos + _CENTRAL_SIZE: pos + _CENTRAL_SIZE + name_len]
        if flags & _UTF8_FLAG:
            try:
                name.decode("utf-8")
            except UnicodeDecodeError:
                bad[index] = name
                view.patches[start + pos + 8] = struct.pack("<H", flags & ~_UTF8_FLAG)
        pos += _CENTRAL_SIZE + name_len + extra_len + comment_len
        index += 1
    return bad


def open_zip(stream: BinaryIO) -> tuple[zipfile.ZipFile, dict[str, str]]:
    """The archive, and {name zipfile gives: true name} for names that broke UTF-8.

    Raises what zipfile raises for an archive it cannot read at all.
    """
    try:
        return zipfile.ZipFile(stream), {}
    except UnicodeDecodeError:
        pass
    view = _Patched(stream)
    bad = _bad_utf8_entries(stream, view)
    archive = zipfile.ZipFile(cast(BinaryIO, view))
    renamed: dict[str, str] = {}
    infos = archive.infolist()
    for index, raw in bad.items():
        if index >= len(infos):
            continue
        info = infos[index]
        # The local header repeats the flag: cleared too, or zipfile refuses the member.
        view.inner.seek(info.header_offset + 6)
        local = view.inner.read(2)
        if len(local) == 2:
            (flags,) = struct.unpack("<H", local)
            view.patches[info.header_offset + 6] = struct.pack("<H", flags & ~_UTF8_FLAG)
        renamed[info.filename] = raw.decode("utf-8", "surrogateescape")
    return archive, renamed


def method_name(method: int) -> str:
    return f"{METHOD_NAMES.get(method, 'unknown')} ({method})"


def _deflate64() -> Callable[[bytes], bytes]:
    import inflate64

    inflater = inflate64.Inflater()
    return cast(Callable[[bytes], bytes], inflater.inflate)


def _zstandard() -> Callable[[bytes], bytes]:
    import zstandard

    return cast(Callable[[bytes], bytes], zstandard.ZstdDecompressor().decompressobj().decompress)


def _xz() -> Callable[[bytes], bytes]:
    return lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress


EXTRA_METHODS: dict[int, Callable[[], Callable[[bytes], bytes]]] = {
    9: _deflate64, 93: _zstandard, 95: _xz,
}


class RawMember(io.RawIOBase):
    """A member in a method zipfile lacks, decoded from its raw bytes (CRC-32 checked)."""

    def __init__(self, archive_stream: BinaryIO, info: zipfile.ZipInfo) -> None:
        super().__init__()
        archive_stream.seek(info.header_offset)
        header = archive_stream.read(_LOCAL_SIZE)
        if len(header) < _LOCAL_SIZE or header[:4] != b"PK\x03\x04":
            raise zipfile.BadZipFile("bad local file header")
        name_len, extra_len = struct.unpack_from("<HH", header, 26)
        self._stream = archive_stream
        self._pos = info.header_offset + _LOCAL_SIZE + name_len + extra_len
        self._left = info.compress_size
        self._decode = EXTRA_METHODS[info.compress_type]()
        self._crc = 0
        self._expected_crc = info.CRC
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Buffer) -> int:
        view = memoryview(buffer).cast("B")
        while not self._pending and self._left > 0:
            self._stream.seek(self._pos)
            raw = self._stream.read(min(_CHUNK, self._left))
            if not raw:
                raise EOFError("compressed data ends before the size the archive gives")
            self._pos += len(raw)
            self._left -= len(raw)
            try:
                self._pending = self._decode(raw)
            except Exception as exc:  # each decoder has its own error types: one message
                raise zipfile.BadZipFile(f"damaged compressed data: {exc}") from exc
            self._crc = zlib.crc32(self._pending, self._crc)
        if not self._pending:
            if self._crc != self._expected_crc:
                raise zipfile.BadZipFile("Bad CRC-32")
            return 0
        n = min(len(view), len(self._pending))
        view[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n


def open_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, stream: BinaryIO) -> BinaryIO:
    """A stream over one member's content, whichever supported method it uses."""
    if info.compress_type in EXTRA_METHODS:
        return cast(BinaryIO, RawMember(cast(Any, archive).fp or stream, info))
    return cast(BinaryIO, archive.open(info))
