"""Exploitation panels (MACE): meetings, attendees, discussions, actions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from ... import audit
from ...audit.models import Action
from ...core.clock import today
from ...core.policy import NoAccess, signed_in_user
from ..forms.panels import (
    ActionForm,
    AttendeeForm,
    DiscussionForm,
    DisruptionForm,
    MeetingForm,
)
from ..models import AdultOfConcern, PanelAction, PanelMeeting
from ..need_to_know import (
    open_record,
    require_writer,
    visible_children,
    visible_records,
)
from .common import form_page, open_for_view, record_context, record_list_view, save_new


def panel_list(request: HttpRequest) -> HttpResponse:
    meetings = visible_records(request, PanelMeeting).select_related("area")
    page = Paginator(meetings, 50).get_page(request.GET.get("page"))
    record_list_view(request, "panels")
    return render(request, "safeguarding/panel_list.html", {"page": page})


@require_http_methods(["GET", "POST"])
def panel_create(request: HttpRequest) -> HttpResponse:
    require_writer(request)
    form = MeetingForm(request.POST or None, initial={"held_on": today()})
    if request.method == "POST" and form.is_valid():
        meeting = save_new(request, form.save(commit=False))
        messages.success(request, "Recorded the panel meeting.")
        return redirect("safeguarding:panel_detail", pk=meeting.pk)
    return form_page(request, "New panel meeting", [form],
                     cancel=reverse("safeguarding:panel_list"))


def panel_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = open_record(request, PanelMeeting, pk)
    if (asked := open_for_view(request, meeting)) is not None:
        return asked
    children = set(visible_children(request).values_list("pk", flat=True))
    adults = set(visible_records(request, AdultOfConcern).values_list("pk", flat=True))
    discussions = [
        {"row": row, "child_visible": row.child_id in children,
         "adult_visible": row.adult_id in adults}
        for row in meeting.discussions.select_related("child", "adult")
    ]
    return render(request, "safeguarding/panel_detail.html", {
        "meeting": meeting, "discussions": discussions, "today": today(),
        "attendees": meeting.attendees.select_related("agency"),
        "actions": meeting.actions.select_related("owner", "owner_agency", "child", "adult"),
        "children_visible": children, "adults_visible": adults,
        "disruption_steps": meeting.disruption_steps.select_related("adult"),
        **record_context(request, meeting),
    })


def _add_to_meeting(request: HttpRequest, pk: int, title: str, form_class: Any,
                    part: str, **form_kwargs: Any) -> HttpResponse:
    meeting = open_record(request, PanelMeeting, pk, need="write")
    if request.method == "GET" and (asked := open_for_view(request, meeting)) is not None:
        return asked
    form = form_class(request.POST or None, **{
        key: value(request, meeting) for key, value in form_kwargs.items()})
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            row = form.save(commit=False)
            row.meeting = meeting
            row.save()
            audit.record(request, Action.UPDATE, meeting, **{part: row.pk})
        messages.success(request, "Saved.")
        return redirect("safeguarding:panel_detail", pk=meeting.pk)
    return form_page(request, title, [form], subject=meeting,
                     cancel=reverse("safeguarding:panel_detail", args=[meeting.pk]))


@require_http_methods(["GET", "POST"])
def attendee_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _add_to_meeting(request, pk, "Attendee", AttendeeForm, "attendee")


@require_http_methods(["GET", "POST"])
def discussion_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _add_to_meeting(
        request, pk, "Child or adult discussed, and the decision", DiscussionForm,
        "discussion", children=lambda r, _: visible_children(r),
        adults=lambda r, _: visible_records(r, AdultOfConcern))


@require_http_methods(["GET", "POST"])
def action_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _add_to_meeting(request, pk, "Action", ActionForm, "panel_action",
                           meeting=lambda _, meeting: meeting,
                           children=lambda r, _: visible_children(r),
                           adults=lambda r, _: visible_records(r, AdultOfConcern))


@require_http_methods(["GET", "POST"])
def disruption_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _add_to_meeting(
        request, pk, "Disruption step: an order, a licensing referral or a closure order",
        DisruptionForm, "disruption_step",
        adults=lambda r, _: visible_records(r, AdultOfConcern))


@require_POST
def action_done(request: HttpRequest, pk: int) -> HttpResponse:
    """The action's owner, or the panel's agency, marks an action done."""
    user = signed_in_user(request)
    action = PanelAction.objects.filter(pk=pk).select_related("meeting").first()
    if action is None:
        raise NoAccess(None, "no such panel action")
    if action.owner_id != user.pk:
        open_record(request, PanelMeeting, action.meeting_id, need="write")
    else:
        open_record(request, PanelMeeting, action.meeting_id)
    with transaction.atomic():
        action.completed_on = today()
        action.save(update_fields=["completed_on"])
        audit.record(request, Action.UPDATE, action.meeting, panel_action=action.pk,
                     completed=True)
    messages.success(request, "Marked the action done.")
    return redirect("safeguarding:panel_detail", pk=action.meeting_id)
