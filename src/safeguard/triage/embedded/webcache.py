"""Web browser caches: the picture a cache entry holds, digested as the picture itself.

Firefox (cache2, `cache2/entries/<SHA-1>`): an entry is the response body followed by the
cache's metadata, and its last 4 bytes (big-endian) are the body's length, where the
metadata begins: [hash 4][chunk hashes 2 each per 256 KiB][header: version, fetch count,
last fetched, last modified, frecency, expiration, key size (4 each), flags (v2+)][key NUL]
[elements][offset 4]. The file starts like the picture, so it was taken for one, but its
digest is the picture's plus the metadata and never matched: the entry is reported as a
cache entry, and its body as the picture, under the entry's address.

Chrome (simple cache, `Cache_Data/<hash>_0`): a 24-byte header (magic 0xfcfb6d1ba7725c30,
version, key length, key hash, padding), the key (the URL), then the body, an end record
(magic 0xf4fa6f45970d41d8, flags, CRC-32, stream size, padding), the HTTP headers, an
optional SHA-256 of the key, and a last end record. Chrome's older block-file cache keeps
bodies over 16 KiB as plain `f_*` files (already pictures); smaller ones inside
`data_1..3` are not read.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from ..records import Address, FileEntry, WarningSink
from . import item, not_read

# The type a Firefox cache entry is reported as (its body is the picture).
FIREFOX_MIME = "application/x-firefox-cache2-entry"
_FIREFOX_CHUNK = 256 * 1024
_FIREFOX_HEADER = struct.Struct(">7I")  # version .. key size; flags follow from version 2
_FIREFOX_VERSIONS = (1, 2, 3)
# The key's first bytes: optional "a," / "O^..." attributes, then ":" and the URL.
_MAX_KEY = 64 * 1024

_CHROME_MAGIC = struct.pack("<Q", 0xFCFB6D1BA7725C30)
_CHROME_EOF_MAGIC = 0xF4FA6F45970D41D8
_CHROME_HEADER = struct.Struct("<QIIII")
_CHROME_EOF = struct.Struct("<QIIII")
_CHROME_KEY_SHA256 = 2


@dataclass(frozen=True, slots=True)
class CacheEntry:
    """A cache entry's body: where it lies in the entry, and the URL it was fetched from."""

    length: int
    url: str


def firefox_entry(stream: BinaryIO, size: int) -> CacheEntry | None:
    """The body of a Firefox cache2 entry, or None when `stream` is not one."""
    if size < 4 + 4 + _FIREFOX_HEADER.size:
        return None
    stream.seek(size - 4)
    (offset,) = struct.unpack(">I", stream.read(4))
    chunks = (offset + _FIREFOX_CHUNK - 1) // _FIREFOX_CHUNK
    header_at = offset + 4 + 2 * chunks
    if offset <= 0 or header_at + _FIREFOX_HEADER.size + 1 > size - 4:
        return None
    stream.seek(header_at)
    fields = _FIREFOX_HEADER.unpack(stream.read(_FIREFOX_HEADER.size))
    version, key_size = fields[0], fields[6]
    key_at = header_at + _FIREFOX_HEADER.size + (4 if version >= 2 else 0)
    if version not in _FIREFOX_VERSIONS or not 0 < key_size <= _MAX_KEY \
            or key_at + key_size + 1 > size - 4:
        return None
    stream.seek(key_at)
    key = stream.read(key_size + 1)
    if key[-1:] != b"\x00" or b":" not in key:
        return None
    try:
        text = key[:-1].decode("ascii")
    except UnicodeDecodeError:
        return None
    if not text.isprintable():
        return None
    return CacheEntry(offset, text.partition(":")[2])


def firefox_items(stream: BinaryIO, entry: CacheEntry, address: Address) -> Iterator[FileEntry]:
    stream.seek(0)
    yield item(address, _body_path(entry.url), stream.read(entry.length))


def is_chrome_simple_entry(head: bytes) -> bool:
    return head.startswith(_CHROME_MAGIC) and len(head) >= _CHROME_HEADER.size


def chrome_items(stream: BinaryIO, address: Address, warn: WarningSink) -> Iterator[FileEntry]:
    """The body (stream 1) of a Chrome simple-cache entry."""
    header = stream.read(_CHROME_HEADER.size)
    _magic, _version, key_length, _hash, _pad = _CHROME_HEADER.unpack(header)
    key = stream.read(key_length)
    start = _CHROME_HEADER.size + key_length
    size = stream.seek(0, 2)
    # From the end: stream 0 (headers), its end record, and before it stream 1's.
    if size < start + 2 * _CHROME_EOF.size:
        warn(not_read(address, "Chrome cache entry", "shorter than its records"))
        return
    stream.seek(size - _CHROME_EOF.size)
    magic, flags, _crc, headers_size, _ = _CHROME_EOF.unpack(stream.read(_CHROME_EOF.size))
    body_eof = size - _CHROME_EOF.size - headers_size - (32 if flags & _CHROME_KEY_SHA256 else 0)
    body_eof -= _CHROME_EOF.size
    if magic != _CHROME_EOF_MAGIC or body_eof < start:
        warn(not_read(address, "Chrome cache entry", "its end records are damaged"))
        return
    stream.seek(body_eof)
    magic, _flags, _crc, body_size, _ = _CHROME_EOF.unpack(stream.read(_CHROME_EOF.size))
    if magic != _CHROME_EOF_MAGIC or start + body_size != body_eof:
        warn(not_read(address, "Chrome cache entry", "its body's end record is damaged"))
        return
    if not body_size:
        return
    stream.seek(start)
    url = key.decode("utf-8", "replace").rpartition(" ")[2]
    yield item(address, _body_path(url), stream.read(body_size))


def _body_path(url: str) -> str:
    """The body's path in its entry: the URL it came from, which says where it was seen."""
    cleaned = "".join(c if c.isprintable() else "_" for c in url)[:2048]
    return "/" + (cleaned or "body")
