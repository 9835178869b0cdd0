"""E-mail: attachments and inline pictures of EML and MBOX (Python's email package), of
Outlook's PST/OST (libpff) and of Outlook's .msg (OLE, through olefile).

Every attachment is an item, whatever its type: a zip attached to a message is then
expanded like any archive, and a message attached to a message is read in turn.
"""

from __future__ import annotations

import email.policy
from collections.abc import Iterator
from email.message import EmailMessage, Message
from email.parser import BytesParser
from typing import Any, BinaryIO

from ..records import Address, FileEntry, WarningSink
from . import item, not_read, safe_name

# A message larger than this in an mbox is not read (a warning says so): an mbox is read
# one message at a time, and one message is held in memory while its parts are decoded.
MAX_MESSAGE = 512 * 1024 * 1024


def mail_items(stream: BinaryIO, address: Address, warn: WarningSink,
               mbox: bool) -> Iterator[FileEntry]:
    if not mbox:
        data = stream.read(MAX_MESSAGE + 1)
        if len(data) > MAX_MESSAGE:
            warn(not_read(address, "e-mail message", "larger than 512 MiB"))
            return
        yield from _attachments(data, address, "", warn)
        return
    for number, message in enumerate(_mbox_messages(stream, address, warn), start=1):
        yield from _attachments(message, address, f"/message {number}", warn)


def _mbox_messages(stream: BinaryIO, address: Address, warn: WarningSink) -> Iterator[bytes]:
    """The messages of an mbox: each begins with a "From " line after a blank line (or at
    the start); ">From " inside a message is mboxrd's quoting, left as it is."""
    lines: list[bytes] = []
    size = 0
    previous_blank = True
    too_large = False
    for line in stream:
        if line.startswith(b"From ") and previous_blank:
            if lines and not too_large:
                yield b"".join(lines)
            lines, size, too_large = [], 0, False
            previous_blank = False
            continue
        previous_blank = line in (b"\n", b"\r\n")
        size += len(line)
        if size > MAX_MESSAGE:
            if not too_large:
                warn(not_read(address, "mbox message", "larger than 512 MiB"))
            too_large, lines = True, []
            continue
        if not too_large:
            lines.append(line)
    if lines and not too_large:
        yield b"".join(lines)


def _attachments(data: bytes, address: Address, prefix: str,
                 warn: WarningSink) -> Iterator[FileEntry]:
    try:
        message = BytesParser(policy=email.policy.default).parsebytes(data)
    except Exception as exc:  # the email package raises many kinds on hostile input
        warn(not_read(address.member(prefix or "/"), "e-mail message", exc))
        return
    number = 0
    for part in message.walk():
        if part.is_multipart():
            continue
        name = part.get_filename()
        disposition = part.get_content_disposition()
        maintype = part.get_content_maintype()
        if not name and disposition != "attachment" and maintype not in ("image", "video"):
            continue  # the message's own text
        try:
            payload = _payload(part)
        except Exception as exc:  # a damaged encoding: say which part
            warn(not_read(address.member(f"{prefix}/attachment {number + 1}"),
                          "e-mail attachment", exc))
            number += 1
            continue
        number += 1
        label = f"attachment {number}" + (f" {safe_name(name)}" if name else "")
        yield item(address, f"{prefix}/{label}", payload)


def _payload(part: Message) -> bytes:
    if isinstance(part, EmailMessage) and part.get_content_type() == "message/rfc822":
        return part.as_bytes()
    payload = part.get_payload(decode=True)
    if isinstance(payload, bytes):
        return payload
    return b""


# -- Outlook PST / OST (libpff) ----------------------------------------------------------

# PR_ATTACH_DATA_BIN's neighbours: the names an attachment may carry.
_ATTACH_LONG_FILENAME = 0x3707
_ATTACH_FILENAME = 0x3704


def pst_items(stream: BinaryIO, address: Address, warn: WarningSink) -> Iterator[FileEntry]:
    try:
        import pypff
    except ImportError:  # pragma: no cover - a pinned dependency
        warn(not_read(address, "Outlook PST/OST", "libpff-python is not installed"))
        return
    pst = pypff.file()
    try:
        pst.open_file_object(stream)
    except (OSError, OverflowError, ValueError) as exc:
        warn(not_read(address, "Outlook PST/OST", exc))
        return
    try:
        yield from _pst_folder(pst.get_root_folder(), "", address, warn)
    finally:
        pst.close()


def _pst_folder(folder: Any, path: str, address: Address,
                warn: WarningSink) -> Iterator[FileEntry]:
    try:
        messages = int(folder.get_number_of_sub_messages())
        folders = int(folder.get_number_of_sub_folders())
    except OSError as exc:
        warn(not_read(address.member(path or "/"), "Outlook folder", exc))
        return
    for index in range(messages):
        where = f"{path}/message {index + 1}"
        try:
            message = folder.get_sub_message(index)
            count = int(message.get_number_of_attachments())
        except OSError as exc:
            warn(not_read(address.member(where), "Outlook message", exc))
            continue
        for number in range(count):
            label = f"{where}/attachment {number + 1}"
            try:
                attachment = message.get_attachment(number)
                size = int(attachment.get_size() or 0)
                data = bytes(attachment.read_buffer(size)) if size else b""
                name = _attachment_name(attachment)
            except OSError as exc:
                warn(not_read(address.member(label), "Outlook attachment", exc))
                continue
            yield item(address, label + (f" {safe_name(name)}" if name else ""), data)
    for index in range(folders):
        try:
            sub = folder.get_sub_folder(index)
            name = safe_name(sub.get_name() or "") or f"folder {index + 1}"
        except OSError as exc:
            warn(not_read(address.member(f"{path}/folder {index + 1}"), "Outlook folder", exc))
            continue
        yield from _pst_folder(sub, f"{path}/{name}", address, warn)


def _attachment_name(attachment: Any) -> str:
    try:
        for record_set in attachment.record_sets:
            for entry in record_set.entries:
                if entry.entry_type in (_ATTACH_LONG_FILENAME, _ATTACH_FILENAME):
                    return str(entry.data_as_string or "")
    except (OSError, AttributeError, UnicodeDecodeError):
        return ""
    return ""


# -- OLE: Outlook .msg attachments, Thumbs.db --------------------------------------------

_MSG_ATTACH = "__attach_version1.0_#"
_MSG_DATA = "__substg1.0_37010102"
_MSG_LONG_NAME = ("__substg1.0_3707001F", "__substg1.0_3707001E")


def ole_items(stream: BinaryIO, address: Address, warn: WarningSink) -> Iterator[FileEntry]:
    import olefile

    try:
        ole = olefile.OleFileIO(stream)
    except (OSError, ValueError, olefile.olefile.OleFileError) as exc:  # type: ignore[attr-defined]
        warn(not_read(address, "OLE compound file", exc))
        return
    with ole:
        names = {"/".join(entry) for entry in ole.listdir(streams=True, storages=True)}
        if "Catalog" in names:
            from .thumbnails import thumbs_db_items

            yield from thumbs_db_items(ole, address, warn)
            return
        storages = sorted({name.split("/")[0] for name in names
                           if name.startswith(_MSG_ATTACH)})
        for number, storage in enumerate(storages, start=1):
            label = f"/attachment {number}"
            try:
                if f"{storage}/{_MSG_DATA}" not in names:
                    continue  # an attached message or an OLE object: no byte stream here
                data = ole.openstream(f"{storage}/{_MSG_DATA}").read()
                name = ""
                for stream_name in _MSG_LONG_NAME:
                    if f"{storage}/{stream_name}" in names:
                        raw = ole.openstream(f"{storage}/{stream_name}").read()
                        codec = "utf-16-le" if stream_name.endswith("1F") else "latin-1"
                        name = raw.decode(codec, "replace").rstrip("\x00")
                        break
            except (OSError, ValueError) as exc:
                warn(not_read(address.member(label), "Outlook .msg attachment", exc))
                continue
            yield item(address, label + (f" {safe_name(name)}" if name else ""), data)
