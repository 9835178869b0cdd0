"""Pictures that live inside other files (issue 17): e-mail attachments (PST/OST, MSG,
MBOX, EML), a document's pictures (PDF; DOCX/XLSX/PPTX and ODF are zips, so their media
are archive members, flagged here as embedded), a database's picture blobs (SQLite), web
cache entries (Firefox cache2, Chrome's simple cache), and thumbnail caches (Windows
thumbcache_*.db, Thumbs.db).

The examiner asks `recognise` whether a file it has read is such a container, then
examines each item `items` yields exactly as it examines an archive's member: digests,
type, PDQ, matching, within the same expansion limits. An item's address is the
container's address with the item's path inside it (`Address.member`), so files.csv shows
`/Outlook.pst!/Inbox/message 12/attachment 2 photo.jpg`.

A container recognised but not readable (damaged, encrypted, a library missing) is a
warning naming the container and the format, never a traceback and never silence.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import BinaryIO

from ..records import Address, FileEntry, TriageWarning, WarningSink

# The kinds of container `recognise` names; `items` opens each.
PST = "pst"
OLE = "ole"  # Thumbs.db, Outlook .msg (and Office 97 files, which hold no item we read)
SQLITE = "sqlite"
PDF = "pdf"
THUMBCACHE = "thumbcache"
MBOX = "mbox"
EML = "eml"
CHROME_CACHE = "chrome-cache"

STAGE = "embedded"

_MAIL_HEADERS = (b"from:", b"to:", b"subject:", b"date:", b"mime-version:", b"received:",
                 b"message-id:", b"return-path:", b"content-type:", b"delivered-to:")


def recognise(head: bytes) -> str | None:
    """The container kind whose items this file holds, from its first bytes, or None."""
    if head.startswith(b"!BDN"):
        return PST
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return OLE
    if head.startswith(b"SQLite format 3\x00"):
        return SQLITE
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"CMMM"):
        return THUMBCACHE
    if is_chrome_simple_entry(head):
        return CHROME_CACHE
    return _mail_kind(head)


def _mail_kind(head: bytes) -> str | None:
    """An RFC 5322 message, or an mbox of them: header lines, several of the usual ones."""
    if not head or not 33 <= head[0] <= 126:
        return None  # a header's name (or mbox's "From ") is printable ASCII
    first, _, rest = head.partition(b"\n")
    if first.startswith(b"From ") and rest[:1].isalpha():
        return MBOX if _header_count(rest) >= 1 else None
    name, colon, _ = first.partition(b":")
    if not colon or not name or not all(33 <= c <= 126 for c in name):
        return None
    return EML if _header_count(head) >= 2 else None


def _header_count(text: bytes) -> int:
    lines = text.lower().split(b"\n")
    return sum(1 for line in lines if line.startswith(_MAIL_HEADERS))


def items(kind: str, stream: BinaryIO, address: Address, warn: WarningSink) -> Iterator[FileEntry]:
    """The items inside the container of `kind` read from `stream` (seekable)."""
    if kind == PST:
        from .mail import pst_items

        return pst_items(stream, address, warn)
    if kind == OLE:
        from .mail import ole_items

        return ole_items(stream, address, warn)
    if kind == SQLITE:
        from .databases import sqlite_items

        return sqlite_items(stream, address, warn)
    if kind == PDF:
        from .documents import pdf_items

        return pdf_items(stream, address, warn)
    if kind == THUMBCACHE:
        from .thumbnails import thumbcache_items

        return thumbcache_items(stream, address, warn)
    if kind in (MBOX, EML):
        from .mail import mail_items

        return mail_items(stream, address, warn, mbox=kind == MBOX)
    if kind == CHROME_CACHE:
        from .webcache import chrome_items

        return chrome_items(stream, address, warn)
    raise ValueError(f"unknown container kind {kind!r}")


def item(address: Address, path: str, data: bytes, *, thumbnail: bool = False,
         original_path: str = "") -> FileEntry:
    """One item read out of the container at `address`, held in memory."""
    return FileEntry(
        address=address.member(path),
        size=len(data),
        opener=lambda: io.BytesIO(data),
        embedded=not thumbnail,
        thumbnail=thumbnail,
        original_path=original_path,
    )


def not_read(address: Address, what: str, exc: BaseException | str) -> TriageWarning:
    """The warning for a container (or part of one) recognised but not read."""
    reason = exc if isinstance(exc, str) else (str(exc) or type(exc).__name__)
    return TriageWarning(address, STAGE, f"{what} recognised but not read: {reason}")


def safe_name(name: str) -> str:
    """A name from inside a container as one path component: no "/" (it would read as a
    folder) and no control characters."""
    cleaned = "".join(c if c.isprintable() and c != "/" else "_" for c in name.strip())
    return cleaned[:255]


from .documents import is_office_document  # noqa: E402  (uses `item` above)
from .webcache import firefox_entry, is_chrome_simple_entry  # noqa: E402

__all__ = [
    "CHROME_CACHE",
    "EML",
    "MBOX",
    "OLE",
    "PDF",
    "PST",
    "SQLITE",
    "THUMBCACHE",
    "firefox_entry",
    "is_office_document",
    "item",
    "items",
    "not_read",
    "recognise",
    "safe_name",
]
