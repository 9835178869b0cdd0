"""Containers built in their documented layouts, each holding given (benign, synthetic)
pictures: what the embedded-item tests read back."""

from __future__ import annotations

import hashlib
import io
import sqlite3
import struct
import zipfile
from email.message import EmailMessage

from .ole_writer import build_ole


def docx(pictures: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        z.writestr("word/document.xml", "<w:document/>")
        for name, data in pictures.items():
            z.writestr(f"word/media/{name}", data)
    return out.getvalue()


def odt(pictures: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text",
                   compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", "<office:document-content/>")
        for name, data in pictures.items():
            z.writestr(f"Pictures/{name}", data)
    return out.getvalue()


def plain_zip(pictures: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in pictures.items():
            z.writestr(f"Pictures/{name}", data)
    return out.getvalue()


def email_message(pictures: dict[str, bytes], subject: str = "holiday") -> bytes:
    message = EmailMessage()
    message["From"] = "a@example.org"
    message["To"] = "b@example.org"
    message["Subject"] = subject
    message.set_content("see attached")
    for name, data in pictures.items():
        message.add_attachment(data, maintype="image", subtype="jpeg", filename=name)
    return message.as_bytes()


def mbox(messages: list[bytes]) -> bytes:
    return b"".join(b"From a@example.org Mon Jan  1 00:00:00 2024\n" + m.replace(b"\r\n", b"\n")
                    + b"\n" for m in messages)


def sqlite_db(path: str, pictures: list[bytes]) -> bytes:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE messages (id INTEGER PRIMARY KEY, body TEXT, thumb BLOB)")
    db.execute("CREATE TABLE settings (k TEXT PRIMARY KEY, v BLOB) WITHOUT ROWID")
    for number, data in enumerate(pictures, start=1):
        db.execute("INSERT INTO messages VALUES (?, ?, ?)", (number * 10, "hello", data))
    db.execute("INSERT INTO settings VALUES ('avatar', ?)", (pictures[0],))
    db.execute("INSERT INTO settings VALUES ('blob', ?)", (b"\x00" * 500,))
    db.commit()
    db.close()
    with open(path, "rb") as handle:
        return handle.read()


def pdf_with_jpeg(jpeg: bytes, width: int, height: int) -> bytes:
    """A one-page PDF whose picture is `jpeg` itself (DCTDecode), named /Im1."""
    from safeguard.validate.pictures import pdf_with_picture

    return pdf_with_picture(jpeg, (width, height))


def outlook_msg(pictures: dict[str, bytes]) -> bytes:
    tree: dict[str, object] = {"__substg1.0_0037001F": "holiday".encode("utf-16-le")}
    for number, (name, data) in enumerate(pictures.items()):
        tree[f"__attach_version1.0_#{number:08X}"] = {
            "__substg1.0_37010102": data,
            "__substg1.0_3707001F": name.encode("utf-16-le"),
        }
    return build_ole(tree)  # type: ignore[arg-type]


def thumbs_db(thumbnails: dict[str, bytes]) -> bytes:
    """Windows XP's Thumbs.db: a Catalog of (index, time, name) and one stream per
    thumbnail, named by its index written backwards, holding a 12-byte header and a JPEG."""
    entries = b""
    streams: dict[str, object] = {}
    for index, (name, jpeg) in enumerate(thumbnails.items(), start=1):
        encoded = name.encode("utf-16-le") + b"\x00\x00" + b"\x00\x00"
        entries += struct.pack("<IIQ", 16 + len(encoded), index, 0x01D0000000000000) + encoded
        streams[str(index)[::-1]] = struct.pack("<III", 12, 1, len(jpeg)) + jpeg
    catalog = struct.pack("<HHIII", 16, 7, len(thumbnails), 96, 96) + entries
    return build_ole({"Catalog": catalog, **streams})  # type: ignore[arg-type]


def thumbcache(thumbnails: list[bytes], version: int = 21) -> bytes:
    """thumbcache_256.db: a 24-byte header, then one entry per thumbnail (format 21,
    Windows 7: 48-byte entry header; 32, Windows 10: 56 bytes), then a free entry."""
    entries = b""
    for number, data in enumerate(thumbnails, start=1):
        entry_hash = int.from_bytes(hashlib.sha1(data).digest()[:8], "little")
        identifier = f"{entry_hash:x}".encode("utf-16-le")
        padding = (-(len(identifier) + len(data))) % 8
        if version == 21:
            head = struct.pack("<4sIQIIIIQQ", b"CMMM", 0, entry_hash, len(identifier), padding,
                               len(data), 0, 0, 0)
        else:
            head = struct.pack("<4sIQIIIIQQQ", b"CMMM", 0, entry_hash, len(identifier),
                               padding, len(data), number, 0, 0, 0)
        size = len(head) + len(identifier) + padding + len(data)
        head = head[:4] + struct.pack("<I", size) + head[8:]
        entries += head + identifier + b"\x00" * padding + data
    free_at = 24 + len(entries)
    header = struct.pack("<4sIIIII", b"CMMM", version, 2, 24, free_at, len(thumbnails))
    free = b"CMMM" + struct.pack("<I", 64) + b"\x00" * 56
    return header + entries + free


def firefox_entry(body: bytes, url: str) -> bytes:
    """A Firefox cache2 entry: the body, then the metadata, then the body's length."""
    chunks = -(-len(body) // (256 * 1024))
    key = f"a,:{url}".encode()
    elements = b"request-method\x00GET\x00response-head\x00HTTP/1.1 200 OK\r\n\x00"
    metadata = (struct.pack(">I", 0x12345678) + b"\x00\x01" * chunks
                + struct.pack(">8I", 3, 1, 1700000000, 1700000000, 100, 1800000000, len(key), 0)
                + key + b"\x00" + elements)
    return body + metadata + struct.pack(">I", len(body))


def chrome_entry(body: bytes, url: str) -> bytes:
    """A Chrome simple-cache entry (`<hash>_0`): header, key, body, end record, HTTP
    headers, SHA-256 of the key, last end record."""
    key = f"1/0/_dk_https://example.org https://example.org {url}".encode()
    headers = b"HTTP/1.1 200 OK\x00Content-Type: image/jpeg\x00\x00"
    eof1 = struct.pack("<QIIII", 0xF4FA6F45970D41D8, 0, 0, len(body), 0)
    eof0 = struct.pack("<QIIII", 0xF4FA6F45970D41D8, 2, 0, len(headers), 0)
    header = struct.pack("<QIIII", 0xFCFB6D1BA7725C30, 5, len(key), 0x1234, 0)
    return header + key + body + eof1 + headers + hashlib.sha256(key).digest() + eof0
