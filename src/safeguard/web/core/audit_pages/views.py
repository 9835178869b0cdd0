"""Audit pages: a record's access log, and an agency's recent events."""

from __future__ import annotations

from collections.abc import Sequence

from django.apps import apps
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from ...accounts.models import Role, User
from ...audit.events import Ref, access_log_for, record
from ...audit.models import Action, AuditEvent
from ..models import AgencyOwned

PAGE_SIZE = 50


def access_log_url(obj: AgencyOwned) -> str:
    """Link to `obj`'s access log, for record pages (shown to those who may see it)."""
    return reverse("audit:access_log", args=[obj._meta.label_lower, obj.pk])


def _name_only_readable(user: User, events: Sequence[AuditEvent]) -> None:
    """Blank the label of every event whose record the viewer may not read."""
    from ..policy import readable_labels

    readable = readable_labels(user, events)
    for event in events:
        if event.object_type and (event.object_type, event.object_id) not in readable:
            event.object_label = ""


def access_log(request: HttpRequest, model: str, pk: str) -> HttpResponse:
    from ..policy import NoAccess, get_object_for

    try:
        model_class = apps.get_model(model)
    except (LookupError, ValueError):
        raise NoAccess(Ref(model, pk)) from None
    if not issubclass(model_class, AgencyOwned):
        raise NoAccess(Ref(model, pk))
    # Owner agency only (a partner gets 403), and only its supervisors and administrators.
    obj = get_object_for(
        request, model_class, pk, need="write", roles=[Role.SUPERVISOR, Role.ADMINISTRATOR]
    )
    record(request, Action.VIEW, obj, page="access log")
    page = Paginator(access_log_for(obj), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/access_log.html", {"object": obj, "page": page})


def event_list(request: HttpRequest) -> HttpResponse:
    """Recent events of the user's agency (every agency for a platform administrator)."""
    from ..policy import require_section

    user = require_section(request, "audit")
    events = AuditEvent.objects.select_related("actor", "agency").order_by("-sequence")
    if not user.is_platform_administrator:
        events = events.filter(agency=user.agency)
    action = request.GET.get("action", "")
    if action in Action.values:
        events = events.filter(action=action)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    events_shown = list(page.object_list)
    _name_only_readable(user, events_shown)
    page.object_list = events_shown
    record(request, Action.VIEW, page="audit events", action_filter=action)
    return render(
        request,
        "audit/event_list.html",
        {"page": page, "actions": Action.choices, "chosen_action": action},
    )
