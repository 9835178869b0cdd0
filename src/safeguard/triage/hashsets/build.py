"""Sets from reference media: how a unit turns its own graded material into a hash set.

`build_vics` hashes a folder of graded pictures and videos (digests, PDQ, vPDQ) and
writes a VICS 2.0 file: the set is then imported like any other list, so the store keeps
exactly what was built, with its digest, and the indexes are derived from it.
PDQ goes in a MediaMetadata property "PDQ" and the video signature in "vPDQ" (the form
docs/hashsets.md describes), so other VICS tools keep them as opaque metadata.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ... import TOOL_NAME, __version__
from ..errors import EvidenceError, HashSetError
from ..evidence.directory import DirectorySource
from ..examine import Examiner
from ..records import DIGESTS, Record, TriageWarning
from .categories import get_scheme

_CONTEXT = "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/{profile}/$metadata#Cases"


def category_code(category: str, scheme_name: str) -> tuple[int, str]:
    """The integer code VICS carries for a category name of the scheme, and that name."""
    scheme = get_scheme(scheme_name)
    name = scheme.canonical(category)
    if name is None:
        raise HashSetError(
            f"unknown category {category!r} for the {scheme_name} scheme "
            f"(one of {', '.join(scheme.names)})"
        )
    for code, mapped in scheme.default_map.items():
        if mapped == name:
            return code, name
    raise HashSetError(f"category {name!r} has no code in the {scheme_name} scheme's map")


def build_vics(
    folder: Path,
    out: Path,
    *,
    category: str,
    scheme: str = "uk",
    series: str = "",
    warnings: list[TriageWarning] | None = None,
) -> int:
    """Hash every picture and video under `folder` into a VICS 2.0 file at `out`.

    Returns the number of media written. Files that are not media are skipped; damaged
    media are reported in `warnings` and left out.
    """
    code, _name = category_code(category, scheme)
    try:
        source = DirectorySource.open(folder, str(folder))
    except EvidenceError as exc:
        raise HashSetError(str(exc)) from exc
    problems: list[TriageWarning] = warnings if warnings is not None else []
    examiner = Examiner(DIGESTS, perceptual=True)
    media: list[dict[str, Any]] = []
    seen: set[str] = set()
    for entry in source.entries(problems.append):
        for record in examiner.examine(entry, problems.append):
            if not record.is_media or record.error or "md5" not in record.digests:
                continue
            if record.digests["md5"] in seen:
                continue
            seen.add(record.digests["md5"])
            media.append(_media(record, len(media) + 1, code, series))
    if not media:
        raise HashSetError(f"{folder}: no pictures or videos to build a set from")
    profile = "UK" if scheme == "uk" else "US"
    document = {
        "@odata.context": _CONTEXT.format(profile=profile),
        "value": [
            {
                "CaseID": f"reference-{folder.name}",
                "CaseNumber": "",
                "SourceApplicationName": TOOL_NAME,
                "SourceApplicationVersion": __version__,
                "Media": media,
            }
        ],
    }
    out.write_text(json.dumps(document, indent=1))
    return len(media)


def _media(record: Record, media_id: int, code: int, series: str) -> dict[str, Any]:
    metadata = []
    if record.pdq:
        metadata.append({"PropertyName": "PDQ", "PropertyValue": record.pdq})
    if record.vpdq:
        metadata.append({"PropertyName": "vPDQ", "PropertyValue": record.vpdq})
    item: dict[str, Any] = {
        "MediaID": media_id,
        "Category": code,
        "MD5": record.digests["md5"],
        "SHA1": record.digests.get("sha1", ""),
        "MediaSize": record.size,
        "MimeType": record.mime,
        "RelativeFilePath": record.address.path,
        "IsPrecategorized": True,
        "MediaMetadata": metadata,
    }
    if series:
        item["Series"] = series
    return item
