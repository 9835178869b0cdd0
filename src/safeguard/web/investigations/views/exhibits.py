"""Exhibits: the seized devices, their triage runs and results. Opening one asks for a
reason (DPA s62): the reason then covers the exhibit's triage pages too."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.views.decorators.http import require_POST

from ... import audit
from ...audit.models import Action
from ...policy import get_object_for, require_section, signed_in_user, visible_to
from ..access import EDITOR_ROLES, TRIAGE_ROLES, can_edit, can_triage
from ..forms import ExhibitForm, RunTriageForm
from ..models import Exhibit, Investigation, JobStatus, TriageJob, check_evidence_path
from ..worker import hashset_store
from .common import create_page, edit_page

# The review app (safeguard.web.review) renders its block on the exhibit page by
# providing this template; until it exists, the page says review is not available.
REVIEW_PANEL_TEMPLATE = "review/_exhibit_panel.html"


def exhibit_list(request: HttpRequest) -> HttpResponse:
    require_section(request, "investigations")
    exhibits = visible_to(request, Exhibit).select_related("investigation", "seized_by")
    exhibit_type = request.GET.get("type", "")
    if exhibit_type:
        exhibits = exhibits.filter(exhibit_type=exhibit_type)
    audit.record(request, Action.VIEW, list="exhibits", type=exhibit_type)
    return render(request, "investigations/exhibit_list.html", {
        "exhibits": exhibits[:500], "exhibit_type": exhibit_type})


def exhibit_create(request: HttpRequest, pk: int) -> HttpResponse:
    investigation = get_object_for(request, Investigation, pk, need="write", roles=EDITOR_ROLES)
    user = signed_in_user(request)
    form = ExhibitForm(request.POST or None, investigation=investigation,
                       initial={"seized_by": user.pk})
    return create_page(request, form, title=f"New exhibit for {investigation}",
                       detail="investigations:exhibit_detail",
                       cancel=reverse("investigations:investigation_detail",
                                      args=[investigation.pk]),
                       investigation=investigation,
                       owning_agency=investigation.owning_agency)


def exhibit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    exhibit = get_object_for(request, Exhibit, pk, need="write", roles=EDITOR_ROLES)
    if (asked := audit.require_justification(request, exhibit)) is not None:
        return asked
    form = ExhibitForm(request.POST or None, instance=exhibit,
                       investigation=exhibit.investigation)
    return edit_page(request, exhibit, form, detail="investigations:exhibit_detail",
                     view_recorded=True)


def exhibit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    exhibit = get_object_for(request, Exhibit, pk)
    if (asked := audit.require_justification(request, exhibit)) is not None:
        return asked
    audit.record(request, Action.VIEW, exhibit)
    return render(request, "investigations/exhibit_detail.html",
                  exhibit_context(request, exhibit))


def exhibit_context(request: HttpRequest, exhibit: Exhibit,
                    form: RunTriageForm | None = None) -> dict[str, Any]:
    user = signed_in_user(request)
    may_triage = can_triage(user, exhibit)
    if may_triage and form is None:
        form = RunTriageForm(hashsets=hashset_choices())
    latest = exhibit.latest_done_job()
    summary = getattr(latest, "summary", None) if latest is not None else None
    return {
        "exhibit": exhibit,
        "jobs": exhibit.triage_jobs.select_related("requested_by")[:20],
        "latest": latest,
        "summary": summary,
        "may_edit": can_edit(user, exhibit),
        "may_triage": may_triage,
        "triage_form": form if may_triage else None,
        "evidence_present": Path(exhibit.evidence_path).exists(),
        "review_panel": review_panel(),
    }


def review_panel() -> str | None:
    try:
        get_template(REVIEW_PANEL_TEMPLATE)
    except TemplateDoesNotExist:
        return None
    return REVIEW_PANEL_TEMPLATE


def hashset_choices() -> list[tuple[str, str]]:
    return [
        (info.name, f"{info.name} ({info.kind}, {info.format}, {info.entries:,} entries)")
        for info in hashset_store().list()
    ]


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
                      exhibit_context(request, exhibit, form), status=400)
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
    return redirect("investigations:job_detail", pk=job.pk)


def _evidence_problem(exhibit: Exhibit) -> str:
    from django.core.exceptions import ValidationError

    try:
        path = check_evidence_path(exhibit.evidence_path)
    except ValidationError as exc:
        return " ".join(exc.messages)
    if not path.exists():
        return f"The evidence path {exhibit.evidence_path} does not exist on the server."
    return ""
