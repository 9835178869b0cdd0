"""Children: the list, a child's record, creating and changing it, linked people and the
agencies involved."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from ... import audit
from ...audit.models import Action
from ...core.clock import now, today
from ...core.policy import signed_in_user
from .. import legal_status
from ..conf import local_rules
from ..forms.children import (
    ChildFilterForm,
    ChildForm,
    InvolvementForm,
    LegalStatusForm,
    LinkedPersonForm,
)
from ..handoffs import route_placement, transition_due
from ..models import (
    AdultOfConcern,
    Child,
    Concern,
    MissingEpisode,
    Referral,
    RiskAssessment,
    ScreeningTool,
    WarningNotice,
)
from ..need_to_know import (
    open_record,
    require_writer,
    visible_child_parts,
    visible_children,
    visible_records,
)
from ..rules import ADULT_AGE, birthday_on_or_after, is_repeat_missing
from ..suggestions import facts_for, newer_than
from ..worklists import with_current_grade
from .common import form_page, open_for_view, record_context, record_list_view, save_new
from .one_child import duplicate_offer, one_child_context

PAGE_SIZE = 50


def child_list(request: HttpRequest) -> HttpResponse:
    children = with_current_grade(request, visible_children(request)).select_related(
        "district", "owning_agency")
    form = ChildFilterForm(request.GET or None)
    filters: dict[str, str] = {}
    if form.is_valid():
        query = form.cleaned_data["q"].strip()
        if query:
            children = children.filter(
                Q(first_name__icontains=query) | Q(last_name__icontains=query)
                | Q(known_as__icontains=query) | Q(reference__icontains=query)
            )
            filters["q"] = query
        if form.cleaned_data["district"] is not None:
            children = children.filter(district=form.cleaned_data["district"])
            filters["district"] = form.cleaned_data["district"].ons_code
        grade = form.cleaned_data["grade"]
        if grade == "none":
            # current_grade is an annotation (worklists.with_current_grade).
            children = children.filter(current_grade__isnull=True)  # type: ignore[misc]
        elif grade:
            children = children.filter(current_grade=grade)  # type: ignore[misc]
        if grade:
            filters["grade"] = grade
    page = Paginator(children.order_by("last_name", "first_name", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page"))
    record_list_view(request, "children", **filters)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "safeguarding/child_list.html", {
        "page": page, "form": form, "today": today(), "query": query.urlencode(),
    })


@require_http_methods(["GET", "POST"])
def child_create(request: HttpRequest) -> HttpResponse:
    user = require_writer(request)
    form = ChildForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        # Likely records of the same child already on the platform are offered first.
        if (offered := duplicate_offer(request, form)) is not None:
            return offered
        with transaction.atomic():
            child = form.save(commit=False)
            save_new(request, child)
            legal_status.record(child, child.legal_status,
                                form.cleaned_data["legal_status_since"] or today(), by=user,
                                note="Status when recorded")
            told = route_placement(request, child, user)
        messages.success(request, f"Recorded {child}." + (f" {told}" if told else ""))
        return redirect("safeguarding:child_detail", pk=child.pk)
    return form_page(request, "New child", [form], cancel=reverse("safeguarding:child_list"))


def child_detail(request: HttpRequest, pk: int) -> HttpResponse:
    child = open_record(request, Child, pk)
    if (asked := open_for_view(request, child)) is not None:
        return asked
    user = signed_in_user(request)
    rules = local_rules()
    assessments = visible_child_parts(request, RiskAssessment).filter(child=child).select_related(
        "tool", "completed_by", "owning_agency")
    episodes = list(visible_child_parts(request, MissingEpisode).filter(child=child)
                    .select_related("owning_agency"))
    current = now()
    repeat = is_repeat_missing([e.reported_at for e in episodes], current,
                               rules.repeat_missing_episodes, rules.repeat_missing_days)
    visible_adults = set(visible_records(request, AdultOfConcern).values_list("pk", flat=True))
    people = [
        {"link": link, "adult_visible": link.adult_id in visible_adults}
        for link in child.linked_people.select_related("adult")
    ]
    notices = visible_records(request, WarningNotice).filter(children=child).select_related(
        "adult").distinct()
    latest = assessments.first()
    # New facts since the last screening prompt its review now (suggestions.py).
    prompts = newer_than(facts_for(request, child), latest.completed_on) if latest else []
    return render(request, "safeguarding/child_detail.html", {
        "child": child, "user": user, "today": today(), "now": current,
        "assessments": assessments,
        "latest": latest, "review_prompts": prompts,
        "tools": ScreeningTool.objects.filter(active=True).order_by("name", "slug"),
        "legal_history": child.legal_history.select_related("recorded_by")[:20],
        "episodes": episodes, "repeat_missing": repeat, "rules": rules,
        "concerns": visible_child_parts(request, Concern).filter(child=child),
        "referrals": visible_child_parts(request, Referral).filter(child=child),
        "notices": notices,
        "people": people,
        "involvements": child.involvements.select_related("agency"),
        "aged_out": child.age >= ADULT_AGE, "transition": transition_due(child),
        "eighteenth": birthday_on_or_after(child.date_of_birth, ADULT_AGE),
        **record_context(request, child),
        **one_child_context(request, child),
    })


@require_http_methods(["GET", "POST"])
def child_edit(request: HttpRequest, pk: int) -> HttpResponse:
    child = open_record(request, Child, pk, need="write")
    if request.method == "GET" and (asked := open_for_view(request, child)) is not None:
        return asked
    form = ChildForm(request.POST or None, instance=child, user=signed_in_user(request))
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            if "legal_status" in form.changed_data:
                legal_status.record(child, child.legal_status,
                                    form.cleaned_data["legal_status_since"] or today(),
                                    by=signed_in_user(request))
            audit.record(request, Action.UPDATE, child, fields=sorted(form.changed_data))
            told = route_placement(request, child, signed_in_user(request))
        messages.success(request, f"Saved {child}." + (f" {told}" if told else ""))
        return redirect("safeguarding:child_detail", pk=child.pk)
    return form_page(request, f"Change {child}", [form], subject=child,
                     cancel=reverse("safeguarding:child_detail", args=[child.pk]))


@require_http_methods(["GET", "POST"])
def legal_status_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a legal status from a date: a warning notice served on an earlier date needs
    the status then, and leaving care ends a s49 notice's protection."""
    child = open_record(request, Child, pk, need="write")
    if request.method == "GET" and (asked := open_for_view(request, child)) is not None:
        return asked
    form = LegalStatusForm(request.POST or None, child=child)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            change = legal_status.record(child, data["status"], data["since"],
                                         by=signed_in_user(request), note=data["note"])
            audit.record(request, Action.UPDATE, child, legal_status=change.status,
                         since=change.since.isoformat())
        messages.success(request, f"Recorded: {change}.")
        return redirect("safeguarding:child_detail", pk=child.pk)
    return form_page(request, f"Legal status of {child}", [form], subject=child,
                     intro="The status from a date, today's change or an earlier one: the "
                           "history decides a warning notice's basis on the date it was "
                           "served, and when a Children Act s49 notice stops protecting "
                           "a child who leaves care.",
                     cancel=reverse("safeguarding:child_detail", args=[child.pk]))


@require_http_methods(["GET", "POST"])
def person_add(request: HttpRequest, pk: int) -> HttpResponse:
    child = open_record(request, Child, pk, need="write")
    if request.method == "GET" and (asked := open_for_view(request, child)) is not None:
        return asked
    form = LinkedPersonForm(request.POST or None,
                            adults=visible_records(request, AdultOfConcern))
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            link = form.save(commit=False)
            link.child = child
            link.save()
            audit.record(request, Action.UPDATE, child, linked_person=link.pk,
                         relationship=link.relationship,
                         adult=link.adult_id)
        messages.success(request, "Linked the person.")
        return redirect("safeguarding:child_detail", pk=child.pk)
    return form_page(request, f"Link a person to {child}", [form], subject=child,
                     cancel=reverse("safeguarding:child_detail", args=[child.pk]))


@require_http_methods(["GET", "POST"])
def involvement_add(request: HttpRequest, pk: int) -> HttpResponse:
    child = open_record(request, Child, pk, need="write")
    if request.method == "GET" and (asked := open_for_view(request, child)) is not None:
        return asked
    form = InvolvementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            involvement = form.save(commit=False)
            involvement.child = child
            involvement.save()
            audit.record(request, Action.UPDATE, child, involvement=involvement.pk,
                         agency=str(involvement))
        messages.success(request, f"Added {involvement}.")
        return redirect("safeguarding:child_detail", pk=child.pk)
    return form_page(request, f"An agency involved with {child}", [form], subject=child,
                     cancel=reverse("safeguarding:child_detail", args=[child.pk]))
