"""A triage job: its live progress, and its results (summary, warnings)."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from ... import audit
from ...audit.models import Action
from ...middleware import LAST_ACTIVITY_KEY
from ...policy import signed_in_user
from .. import queue
from ..access import TRIAGE_ROLES, can_triage, get_job_for
from ..models import FINISHED, JobStatus, TriageJob, TriageSummary

WARNINGS_SHOWN = 200


def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_job_for(request, pk)
    if (asked := audit.require_justification(request, job.exhibit)) is not None:
        return asked
    audit.record(request, Action.VIEW, job.exhibit, page="triage job", job=job.pk)
    summary = TriageSummary.objects.filter(job=job).first()
    warnings = job.warning_rows.all()[:WARNINGS_SHOWN] if summary else []
    return render(request, "investigations/job_detail.html", {
        "job": job,
        "exhibit": job.exhibit,
        "summary": summary,
        "categories": category_rows(summary),
        "warnings": warnings,
        "progress": progress_data(job),
        "may_cancel": not job.finished and can_triage(signed_in_user(request), job.exhibit),
    })


def category_rows(summary: TriageSummary | None) -> list[dict[str, Any]]:
    """The court figures, one row per category in report order, and a total row."""
    if summary is None:
        return []
    rows = [{"name": name, **_figures(figures)} for name, figures in summary.categories.items()]
    if rows:
        keys = [key for key in rows[0] if key != "name"]
        rows.append({"name": "Total", "total": True,
                     **{key: sum(int(row.get(key, 0)) for row in rows) for key in keys}})
    return rows


def _figures(stored: dict[str, Any]) -> dict[str, Any]:
    """A category's figures as the page shows them. Summaries imported before the engine
    renamed the hash set's IsDistributed count hold it only as `distributed`: it is shown
    under its true name, and never under the old one (it reads as the suspect's act)."""
    figures = dict(stored)
    distributed = figures.pop("distributed", 0)
    figures.setdefault("known_to_circulate", distributed)
    return figures


def job_progress(request: HttpRequest, pk: int) -> JsonResponse:
    """The progress page's poll (every second). Access is checked as for the page, but a
    poll is neither recorded (the page that polls was) nor counted as activity for the
    idle timeout: a page left open does not keep a session alive."""
    job = get_job_for(request, pk)
    _keep_idle_clock(request)
    return JsonResponse(progress_data(job))


def progress_data(job: TriageJob) -> dict[str, Any]:
    elapsed = job.elapsed_seconds
    rate_files = job.files_done / elapsed if elapsed else 0.0
    rate_mb = job.bytes_done / 1e6 / elapsed if elapsed else 0.0
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": job.get_status_display(),
        "stage": job.stage,
        "stage_label": job.get_stage_display() if job.status == JobStatus.RUNNING else "",
        "files": job.files_done,
        "bytes": job.bytes_done,
        "bytes_total": job.bytes_total,
        "mb": round(job.bytes_done / 1e6, 1),
        "mb_total": None if job.bytes_total is None else round(job.bytes_total / 1e6, 1),
        "files_per_second": round(rate_files, 1),
        "mb_per_second": round(rate_mb, 1),
        "elapsed_seconds": None if elapsed is None else round(elapsed, 1),
        "finished": job.status in FINISHED,
        "error": job.error,
        "url": reverse("investigations:job_detail", args=[job.pk]),
    }


def _keep_idle_clock(request: HttpRequest) -> None:
    """Put back the last-activity time the idle middleware just moved for this poll."""
    key = request.session.session_key
    if key is None:
        return
    stored = import_module(settings.SESSION_ENGINE).SessionStore(key).get(LAST_ACTIVITY_KEY)
    if stored is not None:
        request.session[LAST_ACTIVITY_KEY] = stored


@require_POST
def job_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_job_for(request, pk, need="write", roles=TRIAGE_ROLES)
    with transaction.atomic():
        cancelled = queue.cancel(job)
        if cancelled:
            audit.record(request, Action.UPDATE, job, exhibit=job.exhibit.pk,
                         change="cancel requested", was=job.status)
    if cancelled:
        messages.success(request, "Cancel requested." if job.status == JobStatus.RUNNING
                         else "Triage cancelled.")
    else:
        messages.info(request, "The triage had already finished.")
    return redirect("investigations:job_detail", pk=job.pk)
