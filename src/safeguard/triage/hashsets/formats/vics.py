"""Project VIC (VICS) JSON: the 1.x `odata.metadata` files and 2.0 `@odata.context` ones.

The document is read with one `json.load`: VICS files are case exports (thousands to a few
hundred thousand media), and a JSON array cannot be streamed by the standard library.
The parsed document is the only copy held; rows leave it a chunk at a time as numpy
arrays. Lists of many millions of hashes come as NSRL or text lists, which do stream.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ...errors import NotThisFormat
from ...records import DIGESTS
from ..model import HashEntry
from .base import Chunk, HashSetFormat, ReadContext, RowBuffer, clean_pdq, flag, head_text

_CONTEXT = re.compile(r'"(@odata\.context|odata\.metadata)"\s*:\s*"([^"]*)"')
_PROFILE = re.compile(r"/(US|UK|Default|CUSTOM)/\$metadata#", re.IGNORECASE)

_EXAMPLE = """{
  "@odata.context": "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/UK/$metadata#Cases",
  "value": [
    {
      "CaseID": "c-0001",
      "CaseNumber": "EXAMPLE/1",
      "SourceApplicationName": "Safeguard example",
      "SourceApplicationVersion": "0.1",
      "Media": [
        {
          "MediaID": 1001,
          "Category": 1,
          "MD5": "8F398C463A6DF480210A1459F81409D5",
          "SHA1": "a14bc8609e0c9be98f7fd1ae6348417fc4b6ed3a",
          "MediaSize": 1234,
          "Series": "Example series",
          "IsDistributed": "TRUE",
          "VictimIdentified": false,
          "MediaMetadata": [
            {"PropertyName": "PDQ",
             "PropertyValue": "1a60f3f6c1eda4e13c0d850be22708f82bbfa1ef2921456a203a80f56106e957"}
          ],
          "MediaFiles": [{"MD5": "8f398c463a6df480210a1459f81409d5",
                          "FileName": "example-one.jpg"}]
        },
        {"MediaID": 1002, "Category": 3, "MD5": "96eb219993fcb121e5d8576140dfab1c",
         "SHA1": "089e0b355e42624e02b9e1f995e03aab7922c369", "IsDistributed": "false"},
        {"MediaID": 1003, "Category": 0, "MD5": "ef642e8dd765bcb24aea25ed0168ac48"}
      ]
    }
  ]
}
"""


class Vics(HashSetFormat):
    NAME = "vics"
    DESCRIPTION = "Project VIC (VICS) JSON 1.x and 2.0, #Cases or #Media"
    EXAMPLE = _EXAMPLE
    EXAMPLE_SUFFIX = ".json"
    EXAMPLE_ENTRIES = 3
    EXAMPLE_HITS = (
        ("md5", "8f398c463a6df480210a1459f81409d5"),
        ("sha1", "a14bc8609e0c9be98f7fd1ae6348417fc4b6ed3a"),
        ("md5", "96eb219993fcb121e5d8576140dfab1c"),
        ("sha1", "089e0b355e42624e02b9e1f995e03aab7922c369"),
        ("md5", "ef642e8dd765bcb24aea25ed0168ac48"),
    )
    EXAMPLE_ENTRY = HashEntry(
        category="A",
        series="Example series",
        distributed=True,
        victim_identified=False,
        media_id="1001",
        pdq="1a60f3f6c1eda4e13c0d850be22708f82bbfa1ef2921456a203a80f56106e957",
        name="example-one.jpg",
        size=1234,
    )

    @classmethod
    def sniff(cls, path: Path) -> None:
        head = head_text(path).lstrip()
        if not head.startswith("{") or not _CONTEXT.search(head):
            raise NotThisFormat("not a JSON object with an odata.metadata/@odata.context")

    @classmethod
    def read(cls, path: Path, ctx: ReadContext) -> Iterator[Chunk]:
        doc = _load(path, ctx)
        buffer = RowBuffer(ctx, DIGESTS, with_entries=True)
        for where, media in _media(doc, ctx):
            if not isinstance(media, dict):
                ctx.bad_row(where, "a Media item that is not a JSON object")
                continue
            fields = {str(k).lower(): v for k, v in media.items()}
            hexes = [_text(fields.get(d)) or "" for d in DIGESTS]
            buffer.add(where, hexes, _entry(fields, ctx, where))
            if buffer.full and (chunk := buffer.take()):
                yield chunk
        if chunk := buffer.take():
            yield chunk


def _load(path: Path, ctx: ReadContext) -> dict[str, Any]:
    try:
        with path.open("rb") as stream:
            doc = json.load(stream, parse_int=_int)
    except json.JSONDecodeError as exc:
        raise ctx.error(exc.lineno, f"not valid JSON (column {exc.colno}: {exc.msg})") from None
    except UnicodeDecodeError:
        raise ctx.error(None, "not UTF-8 text, so not VICS JSON") from None
    except RecursionError:
        raise ctx.error(None, "JSON nested too deeply to be VICS") from None
    if not isinstance(doc, dict):
        raise ctx.error(None, "VICS JSON must be an object at the top level")
    return doc


def _int(text: str) -> int | str:
    """A JSON integer; one too long for Python's int() (over 4,300 digits) stays text,
    for the field's own check to refuse, instead of stopping the whole import."""
    return int(text) if len(text) <= 1000 else text


def _media(doc: dict[str, Any], ctx: ReadContext) -> Iterator[tuple[str, Any]]:
    """(where, media) for every Media item, whichever of the layouts the file uses."""
    context = doc.get("@odata.context", doc.get("odata.metadata"))
    if not isinstance(context, str):
        raise ctx.error(None, "no @odata.context or odata.metadata: not VICS JSON")
    profile = _PROFILE.search(context)
    # The UK profile grades A/B/C; US, Default, CUSTOM and 1.x files use the VICS codes.
    ctx.suggest_scheme("uk" if profile and profile.group(1).upper() == "UK" else "us")
    fragment = context.rpartition("#")[2].strip().lower()
    value = doc.get("value")
    if not isinstance(value, list):
        raise ctx.error(None, 'no "value" list')
    if fragment == "media":
        for i, media in enumerate(value):
            yield f"value[{i}]", media
    elif fragment == "cases":
        for c, case in enumerate(value):
            items = case.get("Media", []) if isinstance(case, dict) else None
            if not isinstance(items, list):
                raise ctx.error(f"value[{c}]", 'a case whose "Media" is not a list')
            for i, media in enumerate(items):
                yield f"value[{c}].Media[{i}]", media
    else:
        raise ctx.error(None, f"VICS context {context!r} is neither #Media nor #Cases")


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    text = str(value).strip()
    return text or None


def _entry(fields: dict[str, Any], ctx: ReadContext, where: str) -> HashEntry:
    return HashEntry(
        category=ctx.category(fields.get("category"), where),
        series=_text(fields.get("series")),
        distributed=flag(fields.get("isdistributed"), ctx, where, "IsDistributed"),
        victim_identified=flag(fields.get("victimidentified"), ctx, where, "VictimIdentified"),
        offender_identified=flag(
            fields.get("offenderidentified"), ctx, where, "OffenderIdentified"
        ),
        media_id=_text(fields.get("mediaid")),
        pdq=clean_pdq(_pdq(fields), ctx, where),
        vpdq=_text(_metadata(fields, "vpdq")),
        photodna=_text(fields.get("photodna")),
        name=_name(fields),
        size=_size(fields.get("mediasize"), ctx, where),
    )


def _pdq(fields: dict[str, Any]) -> Any:
    """PDQ as a MediaMetadata property named "PDQ" (preferred), or a custom "PDQ" field."""
    found = _metadata(fields, "pdq")
    return found if found is not None else fields.get("pdq")


def _metadata(fields: dict[str, Any], name: str) -> Any:
    """The value of the MediaMetadata property `name` (case-insensitive), if present."""
    metadata = fields.get("mediametadata")
    if isinstance(metadata, list):
        for prop in metadata:
            if isinstance(prop, dict) and str(prop.get("PropertyName", "")).lower() == name:
                return prop.get("PropertyValue")
    return None


def _name(fields: dict[str, Any]) -> str | None:
    files = fields.get("mediafiles")
    if isinstance(files, list) and files and isinstance(files[0], dict):
        name = _text(files[0].get("FileName"))
        if name:
            return name
    return _text(fields.get("relativefilepath"))


def _size(value: Any, ctx: ReadContext, where: str) -> int | None:
    if value is None or value == "":
        return None
    try:
        size = int(value)
    except (TypeError, ValueError, OverflowError):  # OverflowError: 1e400 is infinity
        size = -1
    if size < 0 or isinstance(value, bool):
        ctx.warn(where, f"MediaSize {value!r} is not a size; ignored")
        return None
    return size
