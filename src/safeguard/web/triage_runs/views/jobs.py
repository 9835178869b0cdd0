"""A triage job: starting one for an exhibit, its live progress, and its results (summary,
warnings)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from ... import audit
from ...audit.models import Action
from ...core import formats
from ...core.audit_pages.justification import require_justification
from ...core.policy import get_object_for, signed_in_user
from ...investigations.models import Exhibit, check_evidence_path
from ...investigations.views.exhibits import exhibit_context
from ...middleware import keep_idle_clock
from .. import run_queue
from ..access import TRIAGE_ROLES, can_triage, get_job_for
from ..forms import RunTriageForm
from ..models import FINISHED, JobStage, JobStatus, TriageJob, TriageSummary
from ..worker import hashset_choices

WARNINGS_SHOWN = 200


@require_POST
def exhibit_triage(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue a triage of the exhibit's evidence (the worker picks it up)."""
    exhibit = get_object_for(request, Exhibit, pk, need="write", roles=TRIAGE_ROLES)
    form = RunTriageForm(request.POST, hashsets=hashset_choices())
    if form.is_valid():
        problem = _evidence_problem(exhibit)
        if problem:
            form.add_error(None, problem)
    if not form.is_valid():
        audit.record(request, Action.VIEW, exhibit, page="triage form refused")
        return render(request, "investigations/exhibit_detail.html",
                      exhibit_context(request, exhibit, triage_form=form), status=400)
    with transaction.atomic():
        job = TriageJob.objects.create(
            exhibit=exhibit,
            status=JobStatus.QUEUED,
            requested_by=signed_in_user(request),
            hashsets=form.cleaned_data["hashsets"],
            options=form.job_options(),
        )
        audit.record(request, Action.CREATE, job, exhibit=exhibit.pk,
                     hashsets=job.hashsets, options=job.options)
    return redirect("triage_runs:job_detail", pk=job.pk)


def _evidence_problem(exhibit: Exhibit) -> str:
    try:
        path = check_evidence_path(exhibit.evidence_path)
    except ValidationError as exc:
        return " ".join(exc.messages)
    if not path.exists():
        return f"The evidence path {exhibit.evidence_path} does not exist on the server."
    return ""


def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_job_for(request, pk)
    if (asked := require_justification(request, job.exhibit)) is not None:
        return asked
    audit.record(request, Action.VIEW, job.exhibit, page="triage job", job=job.pk)
    summary = TriageSummary.objects.filter(job=job).first()
    warnings = job.warning_rows.all()[:WARNINGS_SHOWN] if summary else []
    return render(request, "triage_runs/job_detail.html", {
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
    keep_idle_clock(request)
    return JsonResponse(progress_data(job))


def progress_data(job: TriageJob) -> dict[str, Any]:
    """The job's progress, as numbers and as the page shows them (the page and its poll,
    progress.js, write the same strings: one format for sizes and times, core/formats)."""
    elapsed = job.elapsed_seconds
    files_rate = job.files_done / elapsed if elapsed else None
    bytes_rate = job.bytes_done / elapsed if elapsed else None
    examining = job.status == JobStatus.RUNNING and job.stage == JobStage.EXAMINING
    percent = None
    if examining and job.bytes_total:
        percent = min(100, int(100 * job.bytes_done / job.bytes_total))
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": job.get_status_display(),
        "stage": job.stage,
        "stage_label": _stage_label(job),
        "files": job.files_done,
        "bytes": job.bytes_done,
        "bytes_total": job.bytes_total,
        "elapsed_seconds": None if elapsed is None else round(elapsed, 1),
        "read": formats.size(job.bytes_done) + (
            f" of {formats.size(job.bytes_total)}" if job.bytes_total is not None else ""),
        "rate": "—" if files_rate is None or bytes_rate is None else (
            f"{_per_second(files_rate)} files/s · {formats.size(bytes_rate)}/s"),
        "elapsed": formats.duration(elapsed) or "not started",
        "examined_by": _examined_by(job),
        "percent": percent,
        "remaining": _time_left(job, bytes_rate) if percent is not None else "",
        "out_dir": job.out_dir or "",
        "finished": job.status in FINISHED,
        "error": job.error,
        "url": reverse("triage_runs:job_detail", args=[job.pk]),
    }


def _examined_by(job: TriageJob) -> str:
    """"2 worker processes on this machine", "8 workers of the cluster tcp://…": where
    the engine said the items are examined (a cluster's count changes as workers come
    and go)."""
    if job.examiners is None:
        return "—"
    if job.examined_on == "this machine":
        noun = "worker process" if job.examiners == 1 else "worker processes"
        return f"{job.examiners} {noun} on this machine"
    noun = "worker thread" if job.examiners == 1 else "worker threads"
    return f"{job.examiners} {noun} of the cluster {job.examined_on}"


def _stage_label(job: TriageJob) -> str:
    if job.status == JobStatus.QUEUED:
        return "a worker will start it shortly"
    return job.get_stage_display() if job.status == JobStatus.RUNNING else ""


def _per_second(rate: float) -> str:
    return f"{rate:,.0f}" if rate >= 100 else f"{rate:.1f}"


def _time_left(job: TriageJob, bytes_rate: float | None) -> str:
    """"about 3 min left", from the reading rate so far; "" until the rate means anything
    (a few seconds in, and once something has been read)."""
    if (not bytes_rate or job.bytes_total is None or job.elapsed_seconds is None
            or job.elapsed_seconds < 3):
        return ""
    seconds = max(job.bytes_total - job.bytes_done, 0) / bytes_rate
    if seconds < 60:
        return "less than a minute left"
    minutes = round(seconds / 60)
    return f"about {formats.duration(minutes * 60)} left"


@require_POST
def job_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_job_for(request, pk, need="write", roles=TRIAGE_ROLES)
    with transaction.atomic():
        cancelled = run_queue.cancel(job)
        if cancelled:
            audit.record(request, Action.UPDATE, job, exhibit=job.exhibit.pk,
                         change="cancel requested", was=job.status)
    if cancelled:
        messages.success(request, "Cancel requested." if job.status == JobStatus.RUNNING
                         else "Triage cancelled.")
    else:
        messages.info(request, "The triage had already finished.")
    return redirect("triage_runs:job_detail", pk=job.pk)
