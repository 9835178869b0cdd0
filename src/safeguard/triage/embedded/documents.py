"""Documents: the pictures of a PDF (pypdf), and the test that tells an Office Open XML or
OpenDocument file from a plain zip (their media are archive members already: the examiner
flags them as embedded).

A PDF's JPEG (DCTDecode) and JPEG 2000 pictures are the very bytes that were put into the
document, so they match a known picture exactly; a picture stored as raw samples (Flate)
is written out by pypdf as PNG, which matches perceptually only.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from typing import Any, BinaryIO

from ..records import Address, FileEntry, WarningSink
from . import item, not_read, safe_name

# What marks a zip as a document: OOXML's content-types part, ODF's mimetype member.
_OOXML_PART = "[Content_Types].xml"
_ODF_MIMETYPE = "mimetype"
_ODF_PREFIX = b"application/vnd.oasis.opendocument"


def is_office_document(stream: BinaryIO) -> bool:
    """True when the zip in `stream` is a DOCX/XLSX/PPTX or an ODF document. Leaves the
    stream at its start; a damaged zip is not a document here (archive reading reports it)."""
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            if _OOXML_PART in names:
                return True
            if _ODF_MIMETYPE in names:
                info = archive.getinfo(_ODF_MIMETYPE)
                if info.file_size <= 256:
                    return archive.read(_ODF_MIMETYPE).startswith(_ODF_PREFIX)
            return False
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, KeyError):
        return False
    finally:
        stream.seek(0)


def pdf_items(stream: BinaryIO, address: Address, warn: WarningSink) -> Iterator[FileEntry]:
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    # pypdf logs every oddity of a damaged file; the warnings below say what matters.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(stream)
        if reader.is_encrypted and not _decrypts(reader):
            warn(not_read(address, "PDF", "encrypted"))
            return
        pages = list(reader.pages)
    except (PyPdfError, OSError, ValueError, KeyError, TypeError, AttributeError,
            RecursionError) as exc:
        warn(not_read(address, "PDF", exc))
        return
    for number, page in enumerate(pages, start=1):
        try:
            images = list(page.images)
        except Exception as exc:  # pypdf raises many kinds on damaged pages
            warn(not_read(address.member(f"/page {number}"), "PDF page", exc))
            continue
        for index, image in enumerate(images, start=1):
            try:
                data = _as_stored(image)
            except Exception as exc:
                warn(not_read(address.member(f"/page {number}/image {index}"), "PDF image", exc))
                continue
            name = safe_name(image.name or "")
            yield item(address, f"/page {number}/image {index}" + (f" {name}" if name else ""),
                       data)


# Pictures a PDF stores as a complete file: their bytes are the picture put in.
_WHOLE_FILES = (["/DCTDecode"], ["/JPXDecode"])


def _as_stored(image: Any) -> bytes:
    """A JPEG or JPEG 2000 picture as stored (pypdf would decode and encode it again, and
    its digest would no longer match); any other picture as pypdf writes it out."""
    reference = getattr(image, "indirect_reference", None)
    if reference is not None:
        stream = reference.get_object()
        filters = stream.get("/Filter")
        names = [str(f) for f in filters] if isinstance(filters, list) else [str(filters)]
        if names in _WHOLE_FILES:
            return bytes(stream.get_data())
    return bytes(image.data)


def _decrypts(reader: object) -> bool:
    """A PDF encrypted with an empty user password (owner restrictions only) opens."""
    try:
        return bool(reader.decrypt(""))  # type: ignore[attr-defined]
    except Exception:
        return False
