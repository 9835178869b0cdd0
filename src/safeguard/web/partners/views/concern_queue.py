"""The police triage queue of concern reports: list, open (with the reason asked first),
link to children, adults of concern and places, close with an outcome."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ... import audit
from ...audit.models import Action
from ...core.audit_pages.justification import require_justification
from ...core.audit_pages.views import access_log_url
from ...core.policy import (
    Forbidden,
    can_see_access_log,
    get_object_for,
    signed_in_user,
    visible_to,
)
from ...safeguarding.models import AdultOfConcern, Child
from ..access import QUEUE_WRITE_ROLES, open_concern, require_queue
from ..forms import CloseForm, PlaceForm, SearchForm
from ..models import CodeStatus, ConcernPlace, ConcernReport, ConcernStatus
from .common import record_list_view
from .referrals import licence_context

PAGE_SIZE = 50
SEARCH_LIMIT = 20
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
    return render(request, "partners/concern_detail.html", _context(request, report))


def _context(request: HttpRequest, report: ConcernReport,
             place_form: PlaceForm | None = None,
             close_form: CloseForm | None = None) -> dict[str, Any]:
    user = request.user
    children = visible_to(request, Child)
    adults = visible_to(request, AdultOfConcern)
    seen_children = set(children.filter(
        pk__in=report.child_links.values("child")).values_list("pk", flat=True))
    seen_adults = set(adults.filter(
        pk__in=report.adult_links.values("adult")).values_list("pk", flat=True))
    writable = report.owning_agency_id == getattr(user, "agency_id", None) and (
        getattr(user, "role", "") in QUEUE_WRITE_ROLES)
    context: dict[str, Any] = {
        "report": report,
        "child_links": report.child_links.select_related("child", "added_by"),
        "adult_links": report.adult_links.select_related("adult", "added_by"),
        "places": report.places.select_related("district", "added_by"),
        "seen_children": seen_children, "seen_adults": seen_adults,
        "can_write": writable and report.status != ConcernStatus.CLOSED,
        "can_reopen": writable and report.status == ConcernStatus.CLOSED,
        "place_form": place_form or PlaceForm(),
        "close_form": close_form or CloseForm(instance=report),
        "access_log_url": access_log_url(report)
        if can_see_access_log(user, report) else "",  # type: ignore[arg-type]
    }
    context.update(licence_context(request, report, context["can_write"]))
    if context["can_write"]:
        context.update(_searches(request, report, children, adults))
    return context


def _searches(request: HttpRequest, report: ConcernReport, children: QuerySet[Child],
              adults: QuerySet[AdultOfConcern]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, queryset, fields, linked in (
        ("child", children, ("first_name", "last_name", "known_as", "reference"),
         report.child_links.values("child")),
        ("adult", adults, ("first_name", "last_name", "aliases"),
         report.adult_links.values("adult")),
    ):
        form = SearchForm(request.GET or None, prefix=key)
        found[f"{key}_search"] = form
        found[f"{key}_results"] = None
        if form.is_bound and form.is_valid() and (q := form.cleaned_data["q"].strip()):
            match = Q()
            for word in q.split()[:4]:
                word_match = Q()
                for field in fields:
                    word_match |= Q(**{f"{field}__icontains": word})
                match &= word_match
            results = list(queryset.filter(match).exclude(pk__in=linked)
                           .select_related("district")[:SEARCH_LIMIT])
            found[f"{key}_results"] = results
            record_list_view(request, f"concern triage: {key} search", concern=report.pk,
                             results=len(results))
    return found


def _open_for_change(request: HttpRequest, pk: int) -> ConcernReport:
    report = open_concern(request, pk, need="write")
    if report.status == ConcernStatus.CLOSED:
        raise Forbidden(audit.Ref(report._meta.label_lower, str(report.pk), str(report)),
                        "the report is closed: reopen it first")
    return report


def _back(report: ConcernReport) -> HttpResponse:
    return HttpResponseRedirect(reverse("partners:concern_detail", args=[report.pk]))


def _in_progress(request: HttpRequest, report: ConcernReport) -> list[str]:
    if report.status != ConcernStatus.NEW:
        return []
    report.status = ConcernStatus.IN_PROGRESS
    report.assigned_to = signed_in_user(request)
    return ["status", "assigned_to"]


@require_POST
def take(request: HttpRequest, pk: int) -> HttpResponse:
    report = _open_for_change(request, pk)
    with transaction.atomic():
        report.status = ConcernStatus.IN_PROGRESS
        report.assigned_to = signed_in_user(request)
        report.save(update_fields=["status", "assigned_to"])
        audit.record(request, Action.UPDATE, report, fields=["status", "assigned_to"])
    return _back(report)


@require_POST
def link(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    report = _open_for_change(request, pk)
    target_pk = request.POST.get("target", "")
    # The user must be able to open what they link (else 404, as anywhere).
    target = get_object_for(request, Child if kind == "child" else AdultOfConcern, target_pk)
    links = report.child_links if kind == "child" else report.adult_links
    if links.filter(**{kind: target}).exists():
        return _back(report)  # linked already
    with transaction.atomic():
        changed = _in_progress(request, report)
        links.create(**{kind: target, "added_by": signed_in_user(request)})
        if changed:
            report.save(update_fields=changed)
        audit.record(request, Action.UPDATE, report, linked=kind, target=target.pk)
    return _back(report)


@require_POST
def place_add(request: HttpRequest, pk: int) -> HttpResponse:
    report = _open_for_change(request, pk)
    form = PlaceForm(request.POST)
    if not form.is_valid():
        return render(request, "partners/concern_detail.html",
                      _context(request, report, place_form=form), status=400)
    with transaction.atomic():
        changed = _in_progress(request, report)
        place = ConcernPlace.objects.create(report=report, added_by=signed_in_user(request),
                                            **form.cleaned_data)
        if changed:
            report.save(update_fields=changed)
        audit.record(request, Action.UPDATE, report, place_added=place.pk)
    return _back(report)


@require_POST
def unlink(request: HttpRequest, pk: int, kind: str, link_pk: int) -> HttpResponse:
    report = _open_for_change(request, pk)
    with transaction.atomic():
        if kind == "child":
            removed, _ = report.child_links.filter(pk=link_pk).delete()
        elif kind == "adult":
            removed, _ = report.adult_links.filter(pk=link_pk).delete()
        else:
            removed, _ = report.places.filter(pk=link_pk).delete()
        if removed:
            audit.record(request, Action.UPDATE, report, unlinked=kind, link=int(link_pk))
    return _back(report)


@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    report = _open_for_change(request, pk)
    form = CloseForm(request.POST, instance=report)
    if not form.is_valid():
        return render(request, "partners/concern_detail.html",
                      _context(request, report, close_form=form), status=400)
    with transaction.atomic():
        report = form.save(commit=False)
        report.status = ConcernStatus.CLOSED
        report.closed_at = timezone.now()
        report.closed_by = signed_in_user(request)
        report.save(update_fields=["outcome", "outcome_notes", "status", "closed_at",
                                   "closed_by"])
        audit.record(request, Action.UPDATE, report, fields=["status", "outcome"],
                     outcome=report.outcome)
    return _back(report)


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
    return _back(report)
