"""The files a triage found: metadata only (never the content), filtered, a page at a time.

Pages are keyset pages on (job, id), in files.csv's address order: `?after=ID` is the next
page, `?before=ID` the previous one. Each page is one indexed range scan of PAGE_SIZE + 1
rows, however deep into a million-row run it is, and no total is counted (the summary
gives the totals).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode

from ... import audit
from ...audit.models import Action
from ...core.audit_pages.justification import require_justification
from ...core.params import record_id
from ..access import get_job_for
from ..forms import FileFilterForm
from ..models import FileRecord, TriageSummary

PAGE_SIZE = 50
_HASH_COLUMNS = {32: "md5", 40: "sha1", 64: "sha256"}


def job_files(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_job_for(request, pk)
    if (asked := require_justification(request, job.exhibit)) is not None:
        return asked
    form = FileFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    chosen = {key: value for key, value in filters.items() if value}
    files = filter_files(FileRecord.objects.filter(job=job), chosen)
    page, previous_id, next_id = keyset_page(
        files, _int(request.GET.get("after")), _int(request.GET.get("before"))
    )
    audit.record(request, Action.VIEW, job.exhibit, page="triage files", job=job.pk,
                 filters=chosen, after=request.GET.get("after", ""),
                 before=request.GET.get("before", ""))
    summary = TriageSummary.objects.filter(job=job).first()
    base = urlencode({key: value for key, value in chosen.items()})
    return render(request, "triage_runs/job_files.html", {
        "job": job,
        "exhibit": job.exhibit,
        "form": form,
        "files": page,
        "summary": summary,
        "categories": list(summary.categories) if summary else [],
        "filtered": bool(chosen),
        "previous_url": _page_url(base, "before", previous_id),
        "next_url": _page_url(base, "after", next_id),
        "first_url": f"?{base}" if previous_id is not None else None,
    })


def filter_files(files: QuerySet[FileRecord], chosen: dict[str, Any]) -> QuerySet[FileRecord]:
    if "type" in chosen:
        files = files.filter(file_type=chosen["type"])
    if "match" in chosen:
        files = files.filter(match=chosen["match"])
    if "category" in chosen:
        files = files.filter(category=chosen["category"])
    if "group" in chosen:
        files = files.filter(group=chosen["group"])
    if chosen.get("deleted") == "yes":
        files = files.filter(deleted=True)
    elif chosen.get("deleted") == "no":
        files = files.filter(deleted=False)
    if "path" in chosen:
        text = chosen["path"]
        files = files.filter(Q(path__icontains=text) | Q(archive__icontains=text))
    if "hash" in chosen:
        value = chosen["hash"]
        files = files.filter(**{_HASH_COLUMNS[len(value)]: value})
    return files


def keyset_page(
    files: QuerySet[FileRecord], after: int | None, before: int | None
) -> tuple[list[FileRecord], int | None, int | None]:
    """One page and the ids for the previous and next links (None: no such page)."""
    if before is not None:
        rows = list(files.filter(id__lt=before).order_by("-id")[: PAGE_SIZE + 1])
        more_before = len(rows) > PAGE_SIZE
        page = rows[:PAGE_SIZE][::-1]
        return page, page[0].pk if page and more_before else None, page[-1].pk if page else None
    if after is not None:
        files = files.filter(id__gt=after)
    rows = list(files.order_by("id")[: PAGE_SIZE + 1])
    page = rows[:PAGE_SIZE]
    more_after = len(rows) > PAGE_SIZE
    previous_id = page[0].pk if page and after is not None else None
    return page, previous_id, page[-1].pk if page and more_after else None


def _page_url(base: str, key: str, value: int | None) -> str | None:
    if value is None:
        return None
    return f"?{base}&{key}={value}" if base else f"?{key}={value}"


def _int(value: str | None) -> int | None:
    return record_id(value)
