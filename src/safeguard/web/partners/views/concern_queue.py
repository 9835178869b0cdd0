"""The police triage queue of concern reports: list, open (with the reason asked first),
link to children, adults of concern and places, close with an outcome."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ... import audit
from ...audit.models import Action
from ...core.audit_pages.justification import require_justification
from ...core.policy import get_object_for, signed_in_user, visible_to
from ...safeguarding.models import AdultOfConcern, Child
from ..access import open_concern, require_queue
from ..forms import CloseForm, PlaceForm
from ..models import CodeStatus, ConcernPlace, ConcernReport, ConcernStatus
from .common import record_list_view
from .concern_page import back_to_report, mark_in_progress, open_for_change, report_context

PAGE_SIZE = 50
OPEN = (ConcernStatus.NEW, ConcernStatus.IN_PROGRESS)


def concern_queue(request: HttpRequest) -> HttpResponse:
    require_queue(request)
    status = request.GET.get("status", "open")
    code_status = request.GET.get("code", "")
    reports = visible_to(request, ConcernReport).select_related(
        "business__district", "assigned_to")
    if status == "open":
        reports = reports.filter(status__in=OPEN).order_by("received_at", "pk")
        if code_status != CodeStatus.HELD:  # a flood of unrecognised codes: on request
            reports = reports.exclude(code_status=CodeStatus.HELD)
    elif status in ConcernStatus.values:
        reports = reports.filter(status=status).order_by("-received_at", "-pk")
    else:
        status = "all"
        reports = reports.order_by("-received_at", "-pk")
    if code_status in CodeStatus.values:
        reports = reports.filter(code_status=code_status)
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    record_list_view(request, "concern queue", status=status, code=code_status)
    return render(request, "partners/concern_queue.html", {
        "page": page, "status": status, "code_status": code_status,
        "statuses": [("open", "Open"), *ConcernStatus.choices, ("all", "All")],
        "code_statuses": CodeStatus.choices,
    })


def concern_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = open_concern(request, pk)
    if (asked := require_justification(request, report)) is not None:
        return asked
    audit.record(request, Action.VIEW, report)
    return render(request, "partners/concern_detail.html", report_context(request, report))


@require_POST
def take(request: HttpRequest, pk: int) -> HttpResponse:
    report = open_for_change(request, pk)
    with transaction.atomic():
        report.status = ConcernStatus.IN_PROGRESS
        report.assigned_to = signed_in_user(request)
        report.save(update_fields=["status", "assigned_to"])
        audit.record(request, Action.UPDATE, report, fields=["status", "assigned_to"])
    return back_to_report(report)


@require_POST
def link(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    report = open_for_change(request, pk)
    target_pk = request.POST.get("target", "")
    # The user must be able to open what they link (else 404, as anywhere).
    target = get_object_for(request, Child if kind == "child" else AdultOfConcern, target_pk)
    links = report.child_links if kind == "child" else report.adult_links
    if links.filter(**{kind: target}).exists():
        return back_to_report(report)  # linked already
    with transaction.atomic():
        changed = mark_in_progress(request, report)
        links.create(**{kind: target, "added_by": signed_in_user(request)})
        if changed:
            report.save(update_fields=changed)
        audit.record(request, Action.UPDATE, report, linked=kind, target=target.pk)
    return back_to_report(report)


@require_POST
def place_add(request: HttpRequest, pk: int) -> HttpResponse:
    report = open_for_change(request, pk)
    form = PlaceForm(request.POST)
    if not form.is_valid():
        return render(request, "partners/concern_detail.html",
                      report_context(request, report, place_form=form), status=400)
    with transaction.atomic():
        changed = mark_in_progress(request, report)
        place = ConcernPlace.objects.create(report=report, added_by=signed_in_user(request),
                                            **form.cleaned_data)
        if changed:
            report.save(update_fields=changed)
        audit.record(request, Action.UPDATE, report, place_added=place.pk)
    return back_to_report(report)


@require_POST
def unlink(request: HttpRequest, pk: int, kind: str, link_pk: int) -> HttpResponse:
    report = open_for_change(request, pk)
    with transaction.atomic():
        if kind == "child":
            removed, _ = report.child_links.filter(pk=link_pk).delete()
        elif kind == "adult":
            removed, _ = report.adult_links.filter(pk=link_pk).delete()
        else:
            removed, _ = report.places.filter(pk=link_pk).delete()
        if removed:
            audit.record(request, Action.UPDATE, report, unlinked=kind, link=int(link_pk))
    return back_to_report(report)


@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    report = open_for_change(request, pk)
    form = CloseForm(request.POST, instance=report)
    if not form.is_valid():
        return render(request, "partners/concern_detail.html",
                      report_context(request, report, close_form=form), status=400)
    with transaction.atomic():
        report = form.save(commit=False)
        report.status = ConcernStatus.CLOSED
        report.closed_at = timezone.now()
        report.closed_by = signed_in_user(request)
        report.save(update_fields=["outcome", "outcome_notes", "status", "closed_at",
                                   "closed_by"])
        audit.record(request, Action.UPDATE, report, fields=["status", "outcome"],
                     outcome=report.outcome)
    return back_to_report(report)


@require_POST
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    report = open_concern(request, pk, need="write")
    if report.status == ConcernStatus.CLOSED:
        with transaction.atomic():
            report.status = ConcernStatus.IN_PROGRESS
            report.closed_at = None
            report.closed_by = None
            report.save(update_fields=["status", "closed_at", "closed_by"])
            audit.record(request, Action.UPDATE, report, fields=["status"], reopened=True)
    return back_to_report(report)
