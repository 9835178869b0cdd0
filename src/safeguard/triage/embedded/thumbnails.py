"""Windows thumbnail caches: each thumbnail is an item, flagged as a thumbnail.

Windows keeps a thumbnail of a picture long after the picture is deleted, so a thumbnail
can be the only trace of possession. Two formats are read, both tested on caches that the
tests build in the documented layouts (no Windows system was at hand):

- **thumbcache_*.db** (Vista to 11; libwtcdb's "Windows Explorer Thumbnail Cache database
  format"): a 24-byte header ("CMMM", format version 20 Vista / 21 Windows 7 / 30–32
  Windows 8–11, cache type, offset of the first entry, offset of the first free entry,
  entry count), then entries: "CMMM", entry size, entry hash (8), [version 20: extension
  (8)], identifier size, padding size, data size, ..., checksums, the identifier (UTF-16,
  the ThumbnailCacheId in hex), padding, then the thumbnail (BMP, JPEG or PNG). The
  cache keeps no path: the original is looked for by picture (originals.py). Windows
  Search's database (Windows.edb) maps ThumbnailCacheId to paths; it is not read yet.
  The CRC-64 checksums are not verified (their polynomial is undocumented).
- **Thumbs.db** (XP; an OLE compound file, through olefile): the `Catalog` stream lists
  (index, modification time, file name) per thumbnail, and the stream named by the index
  written backwards ("1", "2", ..., "01" for 10) holds a small header and a JPEG. The
  name is in the same folder as the Thumbs.db, which gives the original's path.
"""

from __future__ import annotations

import posixpath
import struct
from collections.abc import Iterator
from typing import Any, BinaryIO

from ..records import Address, FileEntry, WarningSink
from . import item, not_read, safe_name

_FILE_HEADER = struct.Struct("<4sIIIII")
_ENTRY_START = struct.Struct("<4sIQ")
# Per format version: (header size, offset of identifier size / padding / data size).
_LAYOUTS = {20: (56, 24), 21: (48, 16)}
_LATER = (56, 16)  # format versions 30 and later
# A thumbnail larger than this is not read (the largest cache, 2560 px, stays below it).
MAX_THUMBNAIL = 64 * 1024 * 1024


def thumbcache_items(stream: BinaryIO, address: Address,
                     warn: WarningSink) -> Iterator[FileEntry]:
    header = stream.read(_FILE_HEADER.size)
    if len(header) < _FILE_HEADER.size:
        warn(not_read(address, "Windows thumbnail cache", "shorter than its header"))
        return
    _sig, version, _cache_type, first, _free, _count = _FILE_HEADER.unpack(header)
    size = stream.seek(0, 2)
    header_size, fields_at = _LAYOUTS.get(version, _LATER)
    if version not in _LAYOUTS and not 30 <= version <= 40:
        warn(not_read(address, "Windows thumbnail cache", f"unknown format version {version}"))
        return
    offset = first or _FILE_HEADER.size
    number = 0
    while offset + header_size <= size:
        stream.seek(offset)
        entry = stream.read(header_size)
        signature, entry_size, entry_hash = _ENTRY_START.unpack_from(entry)
        if signature != b"CMMM" or entry_size < header_size or offset + entry_size > size:
            if signature == b"CMMM" or any(entry):
                warn(not_read(address.member(f"/entry at {offset}"),
                              "Windows thumbnail cache entry", "damaged entry header"))
            return
        id_size, padding, data_size = struct.unpack_from("<III", entry, fields_at)
        data_at = offset + header_size + id_size + padding
        if data_size and data_at + data_size <= offset + entry_size \
                and data_size <= MAX_THUMBNAIL:
            number += 1
            stream.seek(offset + header_size)
            identifier = stream.read(id_size).decode("utf-16-le", "replace")
            stream.seek(data_at)
            data = stream.read(data_size)
            label = safe_name(identifier) or f"{entry_hash:016x}"
            yield item(address, f"/entry {number} {label}", data, thumbnail=True)
        elif data_size:
            warn(not_read(address.member(f"/entry at {offset}"),
                          "Windows thumbnail cache entry", "its data lies outside the entry"))
        offset += entry_size


# -- Thumbs.db ---------------------------------------------------------------------------

_CATALOG_ENTRY = struct.Struct("<IIQ")


def thumbs_db_items(ole: Any, address: Address, warn: WarningSink) -> Iterator[FileEntry]:
    """The thumbnails of a Thumbs.db already opened by olefile."""
    try:
        catalog = ole.openstream("Catalog").read()
    except (OSError, ValueError) as exc:
        warn(not_read(address, "Thumbs.db", exc))
        return
    folder = posixpath.dirname(address.path)
    for index, name in _catalog(catalog, address, warn):
        stream_name = str(index)[::-1]
        try:
            raw = ole.openstream(stream_name).read()
        except (OSError, ValueError) as exc:
            warn(not_read(address.member(f"/{index} {safe_name(name)}"), "Thumbs.db entry", exc))
            continue
        picture = _thumbnail(raw)
        original = posixpath.join(folder, name) if name and "/" not in name else ""
        yield item(address, f"/{index} {safe_name(name)}".rstrip(), picture, thumbnail=True,
                   original_path=original)


def _catalog(data: bytes, address: Address, warn: WarningSink) -> Iterator[tuple[int, str]]:
    if len(data) < 16:
        warn(not_read(address, "Thumbs.db", "its Catalog is shorter than its header"))
        return
    header_size = struct.unpack_from("<H", data)[0]
    offset = header_size if 8 <= header_size <= 64 else 16
    while offset + _CATALOG_ENTRY.size <= len(data):
        length, index, _filetime = _CATALOG_ENTRY.unpack_from(data, offset)
        if length < _CATALOG_ENTRY.size or offset + length > len(data):
            if length:
                warn(not_read(address, "Thumbs.db", f"damaged Catalog entry at byte {offset}"))
            return
        raw = data[offset + _CATALOG_ENTRY.size: offset + length]
        name = raw.decode("utf-16-le", "replace").split("\x00")[0]
        yield index, name
        offset += length


def _thumbnail(raw: bytes) -> bytes:
    """The JPEG of a thumbnail stream: after its header (12 bytes on XP: header size,
    index or type, data size); found by its marker where the header is another size."""
    if len(raw) >= 12:
        header_size = struct.unpack_from("<I", raw)[0]
        if 8 <= header_size <= 64 and raw[header_size:header_size + 2] == b"\xff\xd8":
            return raw[header_size:]
    start = raw.find(b"\xff\xd8\xff", 0, 64)
    return raw[start:] if start >= 0 else raw
