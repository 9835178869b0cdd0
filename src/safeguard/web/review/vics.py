"""The graded new material of an exhibit as a VICS 2.0 case (UK profile), for CAID.

The same shape as the engine's case.vics.json (triage.reports.vics_export: the context,
the case fields, the category map, MediaFiles with the full address), holding only the
items whose category is final and indecent (A, B or C): one Media per unique content
(keyed by MD5, else SHA-1), every copy a MediaFile. Differences from the triage's export:

- `IsPrecategorized` is false: the category comes from people, not from a hash set
  (`IsSuspected` false too: it is not a machine's suggestion either);
- `Comments` says who decided: how many graders agreed, and the rule in force; a category
  the graders disputed and a senior grader settled says so (CAID admits new images on
  undisputed votes: the receiving team must be able to tell);
- copies graded apart that ended in different categories take the most serious one, and
  the comment says so.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from safeguard import TOOL_NAME, __version__
from safeguard.triage import UNCATEGORISED_CODE, VICS_CONTEXT, address_of

from ..investigations.models import Exhibit
from ..triage_runs.models import FileRecord, TriageJob
from .models import INDECENT, ReviewItem

_SEVERITY: dict[str, int] = {str(name): rank for rank, name in enumerate(INDECENT)}


def case_id(exhibit: Exhibit, job: TriageJob) -> str:
    """Derived, not random: exporting the same grading twice gives the same case ID."""
    seed = "\n".join(["safeguard-review", exhibit.investigation.reference,
                      exhibit.reference, str(exhibit.pk), str(job.pk)])
    return str(uuid.uuid5(uuid.NAMESPACE_URL, seed))


def _time(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def media_file(record: FileRecord) -> dict[str, Any]:
    """One MediaFile, as the engine writes it: where this copy was, with its times."""
    entry: dict[str, Any] = {}
    if record.md5:
        entry["MD5"] = record.md5.lower()
    entry["FileName"] = record.path.rstrip("/").rsplit("/", 1)[-1]
    entry["FilePath"] = str(address_of(
        path=record.path, evidence=record.evidence, partition=record.partition,
        filesystem=record.filesystem, inode=record.inode, archive=record.archive))
    for name, value in (("Created", record.created), ("Written", record.modified),
                        ("Accessed", record.accessed)):
        text = _time(value)
        if text:
            entry[name] = text
    entry["Unallocated"] = record.deleted
    entry["Deleted"] = record.deleted
    return entry


def _key(record: FileRecord) -> str:
    if record.md5:
        return "md5:" + record.md5.lower()
    if record.sha1:
        return "sha1:" + record.sha1.lower()
    return f"record:{record.pk}"


def build_media(items: Iterable[ReviewItem], codes: dict[str, int],
                needed: int) -> list[dict[str, Any]]:
    groups: dict[str, list[ReviewItem]] = {}
    for item in items:
        groups.setdefault(_key(item.file), []).append(item)
    media = []
    for media_id, copies in enumerate(groups.values(), start=1):
        categories = sorted({item.final_category for item in copies}, key=_SEVERITY.__getitem__)
        chosen = categories[0]
        first = copies[0].file
        code = codes.get(chosen, UNCATEGORISED_CODE)
        entry: dict[str, Any] = {"MediaID": media_id, "Category": code}
        if first.md5:
            entry["MD5"] = first.md5.lower()
        if first.sha1:
            entry["SHA1"] = first.sha1.lower()
        lead = next(item for item in copies if item.final_category == chosen)
        comments = [
            f"New material graded by Safeguard's review: {lead.agreement or 'final'}, "
            f"Category {chosen}; final when {needed} independent graders agree and none "
            "dissents."
        ]
        if any(item.settled for item in copies):
            comments.append("Disputed: the graders disagreed, and a senior grader settled the "
                            "category (the votes and the reason are on record with the case).")
        if lead.corrected:
            comments.append("The graders' final category was corrected by a senior reviewer "
                            "(the reason is on record with the case).")
        if len(categories) > 1:
            comments.append("Copies of this content were graded apart, as "
                            + ", ".join(categories) + f": the most serious ({chosen}) is given.")
        if chosen not in codes:
            comments.append(f"Category {chosen!r} has no VICS code configured.")
        entry.update({
            "MediaSize": first.size,
            "IsDistributed": False,
            "VictimIdentified": False,
            "Series": "",
            "MimeType": first.mime,
            "IsPrecategorized": False,
            "IsSuspected": False,
            "Comments": " ".join(comments),
            "MediaFiles": [media_file(item.file) for item in copies],
        })
        media.append(entry)
    return media


def export_case(exhibit: Exhibit, job: TriageJob, codes: dict[str, int],
                needed: int) -> tuple[str, int]:
    """The VICS case file as JSON text (ASCII, one Media per line) and its Media count."""
    items = (ReviewItem.objects.filter(job=job, final_category__in=[str(c) for c in INDECENT])
             .select_related("file").order_by("file_id"))
    media = build_media(items, codes, needed)
    case = {
        "CaseID": case_id(exhibit, job),
        "CaseNumber": exhibit.investigation.reference,
        "SourceApplicationName": TOOL_NAME,
        "SourceApplicationVersion": __version__,
    }
    lines = [",\n".join(json.dumps(entry, ensure_ascii=True) for entry in media)]
    text = (
        '{"@odata.context": ' + json.dumps(VICS_CONTEXT) + ', "value": ['
        + json.dumps(case, ensure_ascii=True)[:-1] + ', "Media": [\n'
        + (lines[0] + "\n" if media else "") + "]}]}\n"
    )
    return text, len(media)

