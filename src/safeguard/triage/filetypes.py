"""File type from magic bytes, never from the extension (a renamed file is still a JPEG)."""

from __future__ import annotations

from .records import FileType

# How many leading bytes `sniff` needs: enough for tar's "ustar" at offset 257.
HEAD_SIZE = 512

# (offset, magic, type, mime); checked in order, first match wins.
_MAGIC: tuple[tuple[int, bytes, FileType, str], ...] = (
    (0, b"\xff\xd8\xff", FileType.IMAGE, "image/jpeg"),
    (0, b"\x89PNG\r\n\x1a\n", FileType.IMAGE, "image/png"),
    (0, b"GIF87a", FileType.IMAGE, "image/gif"),
    (0, b"GIF89a", FileType.IMAGE, "image/gif"),
    (0, b"II*\x00", FileType.IMAGE, "image/tiff"),
    (0, b"MM\x00*", FileType.IMAGE, "image/tiff"),
    (0, b"PK\x03\x04", FileType.ARCHIVE, "application/zip"),
    (0, b"PK\x05\x06", FileType.ARCHIVE, "application/zip"),
    (0, b"\x1f\x8b", FileType.ARCHIVE, "application/gzip"),
    (0, b"BZh", FileType.ARCHIVE, "application/x-bzip2"),
    (0, b"\xfd7zXZ\x00", FileType.ARCHIVE, "application/x-xz"),
    (0, b"7z\xbc\xaf\x27\x1c", FileType.ARCHIVE, "application/x-7z-compressed"),
    (0, b"Rar!\x1a\x07", FileType.ARCHIVE, "application/vnd.rar"),
    (257, b"ustar", FileType.ARCHIVE, "application/x-tar"),
    (0, b"\x1a\x45\xdf\xa3", FileType.VIDEO, "video/x-matroska"),
    (0, b"\x30\x26\xb2\x75\x8e\x66\xcf\x11", FileType.VIDEO, "video/x-ms-asf"),
    (0, b"FLV\x01", FileType.VIDEO, "video/x-flv"),
    (0, b"\x00\x00\x01\xba", FileType.VIDEO, "video/mpeg"),
    (0, b"\x00\x00\x01\xb3", FileType.VIDEO, "video/mpeg"),
)

# The first two bytes of every magic at offset 0: a head that starts with none of them
# (and has no tar header) skips the table's walk, as most files of a disk do not.
_STARTS = frozenset(magic[:2] for offset, magic, _type, _mime in _MAGIC if offset == 0)

# ISO base media ("ftyp" box) brands: still-image HEIF versus video containers.
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"mif1", b"msf1", b"avif"}
_QUICKTIME_BRANDS = {b"qt  "}
_3GP_PREFIX = b"3g"


def sniff(head: bytes) -> tuple[FileType, str]:
    """Classify a file from its first bytes (at least HEAD_SIZE where the file has them)."""
    if not head:
        return FileType.EMPTY, ""
    if head[:2] in _STARTS or head[257:262] == b"ustar":
        for offset, magic, file_type, mime in _MAGIC:
            if head[offset : offset + len(magic)] == magic:
                return file_type, mime
    if head[:2] == b"BM" and len(head) >= 26 and head[14] in (12, 40, 52, 56, 64, 108, 124):
        return FileType.IMAGE, "image/bmp"
    if head[:4] == b"RIFF" and len(head) >= 12:
        if head[8:12] == b"WEBP":
            return FileType.IMAGE, "image/webp"
        if head[8:12] == b"AVI ":
            return FileType.VIDEO, "video/x-msvideo"
    if head[4:8] == b"ftyp" and len(head) >= 12:
        brand = head[8:12]
        if brand in _HEIF_BRANDS:
            return FileType.IMAGE, "image/heif"
        if brand in _QUICKTIME_BRANDS:
            return FileType.VIDEO, "video/quicktime"
        if brand.startswith(_3GP_PREFIX):
            return FileType.VIDEO, "video/3gpp"
        return FileType.VIDEO, "video/mp4"
    if len(head) >= 189 and head[0] == 0x47 and head[188] == 0x47:
        return FileType.VIDEO, "video/mp2t"
    return FileType.OTHER, ""
