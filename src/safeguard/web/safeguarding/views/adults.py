"""Adults of concern: the list, an adult's record (police intelligence for police only),
creating and changing it, arrests."""

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
from ...core.policy import is_police, signed_in_user, visible_to
from ...investigations.models import Operation
from ..forms.adults import adult_form_class, arrest_form_class
from ..models import (
    AdultOfConcern,
    LinkedPerson,
    PanelDiscussion,
    PanelMeeting,
    WarningNotice,
)
from ..need_to_know import (
    all_for_viewer,
    for_viewer,
    hidden_fields,
    open_record,
    require_writer,
    visible_children,
    visible_records,
)
from .common import form_page, open_for_view, record_context, record_list_view, save_new


def adult_list(request: HttpRequest) -> HttpResponse:
    adults = visible_records(request, AdultOfConcern).select_related("district")
    query = request.GET.get("q", "").strip()
    if query:
        # Names only: never a search over police-only fields.
        adults = adults.filter(Q(first_name__icontains=query) | Q(last_name__icontains=query)
                               | Q(aliases__icontains=query))
    page = Paginator(adults, 50).get_page(request.GET.get("page"))
    record_list_view(request, "adults of concern", q=query)
    return render(request, "safeguarding/adult_list.html", {"page": page, "q": query})


@require_http_methods(["GET", "POST"])
def adult_create(request: HttpRequest) -> HttpResponse:
    user = require_writer(request)
    form = adult_form_class(user)(request.POST or None)
    if request.method == "POST" and form.is_valid():
        adult = save_new(request, form.save(commit=False))
        messages.success(request, f"Recorded {adult}.")
        return redirect("safeguarding:adult_detail", pk=adult.pk)
    return form_page(request, "New adult of concern", [form],
                     cancel=reverse("safeguarding:adult_list"))


def adult_detail(request: HttpRequest, pk: int) -> HttpResponse:
    adult = open_record(request, AdultOfConcern, pk)
    if (asked := open_for_view(request, adult)) is not None:
        return asked
    user = signed_in_user(request)
    children = visible_children(request)
    links = LinkedPerson.objects.filter(adult=adult, child__in=children.values("pk")
                                        ).select_related("child", "child__district")
    notices = visible_records(request, WarningNotice).filter(adult=adult)
    discussions = PanelDiscussion.objects.filter(
        adult=adult, meeting__in=visible_records(request, PanelMeeting).values("pk"),
    ).select_related("meeting")
    operation = (visible_to(request, Operation).filter(pk=adult.police_operation_id).first()
                 if adult.police_operation_id and is_police(user) else None)
    return render(request, "safeguarding/adult_detail.html", {
        "adult": for_viewer(user, adult),
        "operation": operation,
        "intelligence_hidden": bool(hidden_fields(user, AdultOfConcern)),
        "police": is_police(user),
        "arrests": all_for_viewer(user, adult.arrests.all()),
        "links": links, "notices": notices, "discussions": discussions,
        "can_serve": is_police(user),
        **record_context(request, adult),
    })


@require_http_methods(["GET", "POST"])
def adult_edit(request: HttpRequest, pk: int) -> HttpResponse:
    adult = open_record(request, AdultOfConcern, pk, need="write")
    if request.method == "GET" and (asked := open_for_view(request, adult)) is not None:
        return asked
    form = adult_form_class(signed_in_user(request))(request.POST or None, instance=adult)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            audit.record(request, Action.UPDATE, adult, fields=sorted(form.changed_data))
        messages.success(request, f"Saved {adult}.")
        return redirect("safeguarding:adult_detail", pk=adult.pk)
    return form_page(request, f"Change {adult}", [form], subject=adult,
                     cancel=reverse("safeguarding:adult_detail", args=[adult.pk]))


@require_http_methods(["GET", "POST"])
def arrest_add(request: HttpRequest, pk: int) -> HttpResponse:
    adult = open_record(request, AdultOfConcern, pk, need="write")
    if request.method == "GET" and (asked := open_for_view(request, adult)) is not None:
        return asked
    user = signed_in_user(request)
    form = arrest_form_class(user)(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            arrest = form.save(commit=False)
            arrest.adult, arrest.recorded_by = adult, user
            arrest.save()
            audit.record(request, Action.UPDATE, adult, arrest=arrest.pk,
                         offence=arrest.offence)
        messages.success(request, "Recorded the arrest.")
        return redirect("safeguarding:adult_detail", pk=adult.pk)
    return form_page(request, f"Arrest of {adult}", [form], subject=adult,
                     cancel=reverse("safeguarding:adult_detail", args=[adult.pk]))

