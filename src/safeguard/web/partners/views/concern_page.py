"""A concern report's page as the police triage it: its context (the links, places,
licences and the searches to link more) and the steps every change to it shares, for
the queue's views (concern_queue.py) and the licensing ones (referrals.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from ... import audit
from ...core.audit_pages.views import access_log_url
from ...core.policy import Forbidden, can_see_access_log, signed_in_user, visible_to
from ...safeguarding.models import AdultOfConcern, Child
from ..access import QUEUE_WRITE_ROLES, open_concern
from ..forms import CloseForm, PlaceForm, SearchForm
from ..licensing_forms import LicenceLinkForm, ReferralForm
from ..models import ConcernReport, ConcernStatus, LicensedDriver
from .common import record_list_view

SEARCH_LIMIT = 20


def report_context(request: HttpRequest, report: ConcernReport,
                   place_form: PlaceForm | None = None,
                   close_form: CloseForm | None = None) -> dict[str, Any]:
    """Everything partners/concern_detail.html shows."""
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


def licence_context(request: HttpRequest, report: ConcernReport, can_write: bool,
                    link_form: LicenceLinkForm | None = None) -> dict[str, Any]:
    """The concern page's licensing part (partners/_licence_links.html)."""
    return {
        "licence_links": report.licence_links.select_related(
            "licensing_authority", "driver", "referral"),
        "seen_drivers": set(visible_to(request, LicensedDriver).filter(
            concern_links__report=report).values_list("pk", flat=True)),
        "licence_form": link_form or (LicenceLinkForm() if can_write else None),
        "referral_form": ReferralForm() if can_write else None,
    }


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


def open_for_change(request: HttpRequest, pk: int) -> ConcernReport:
    """The report, for a user who may change it, while it is open."""
    report = open_concern(request, pk, need="write")
    if report.status == ConcernStatus.CLOSED:
        raise Forbidden(audit.Ref(report._meta.label_lower, str(report.pk), str(report)),
                        "the report is closed: reopen it first")
    return report


def back_to_report(report: ConcernReport) -> HttpResponse:
    return HttpResponseRedirect(reverse("partners:concern_detail", args=[report.pk]))


def mark_in_progress(request: HttpRequest, report: ConcernReport) -> list[str]:
    """A new report that someone works on is theirs and in progress: the fields changed,
    for the caller to save with its own change."""
    if report.status != ConcernStatus.NEW:
        return []
    report.status = ConcernStatus.IN_PROGRESS
    report.assigned_to = signed_in_user(request)
    return ["status", "assigned_to"]
