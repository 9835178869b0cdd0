"""Training sessions and who attended; coverage by district and sector."""

from __future__ import annotations

from datetime import date

from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from ... import audit
from ...audit.models import Action
from ...core.clock import today
from ...core.models import Area
from ...core.params import record_id
from ...core.policy import access_level, is_police, visible_to
from ..access import WRITE_ROLES, open_record, require_reader, require_writer
from ..coverage import by_authority, coverage
from ..forms import AttendanceForm, TrainingSessionForm
from ..models import Attendance, Business, LicensedDriver, Sector, TrainingSession
from .common import form_page, record_list_view, save_changes, save_new

PAGE_SIZE = 50


def session_list(request: HttpRequest) -> HttpResponse:
    require_reader(request)
    sessions = visible_to(request, TrainingSession).select_related("district").annotate(
        businesses=Count("attendances"), staff=Sum("attendances__staff_count"))
    filters = {key: request.GET.get(key, "").strip()[:20] for key in ("district", "sector")}
    if record_id(filters["district"]) is not None:
        sessions = sessions.filter(district_id=int(filters["district"]))
    if filters["sector"] in Sector.values:
        sessions = sessions.filter(sector=filters["sector"])
    page = Paginator(sessions.order_by("-held_on", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page"))
    record_list_view(request, "training sessions", **{k: v for k, v in filters.items() if v})
    return render(request, "partners/session_list.html", {
        "page": page, "filters": filters, "areas": Area.objects.filter(active=True),
        "sectors": Sector.choices,
    })


def session_create(request: HttpRequest) -> HttpResponse:
    require_writer(request)
    form = TrainingSessionForm(request.POST or None, today=today())
    if request.method == "POST" and form.is_valid():
        session = save_new(request, form.save(commit=False))
        return HttpResponseRedirect(reverse("partners:session_detail", args=[session.pk]))
    return form_page(request, "New training session", form,
                     cancel=reverse("partners:session_list"))


def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = open_record(request, TrainingSession, pk)
    audit.record(request, Action.VIEW, session)
    level = access_level(request.user, session)  # type: ignore[arg-type]
    visible = set(visible_to(request, Business).filter(
        attendances__session=session).values_list("pk", flat=True))
    attendances = list(session.attendances.select_related("business__district"))
    drivers = list(session.driver_attendances.select_related(
        "driver__licensing_authority"))
    return render(request, "partners/session_detail.html", {
        "session": session, "attendances": attendances, "visible_businesses": visible,
        "drivers": drivers, "visible_drivers": set(visible_to(request, LicensedDriver).filter(
            attendances__session=session).values_list("pk", flat=True)),
        "staff": sum(a.staff_count for a in attendances),
        "can_write": level == "write" and getattr(request.user, "role", "") in WRITE_ROLES,
    })


def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = open_record(request, TrainingSession, pk, need="write")
    form = TrainingSessionForm(request.POST or None, instance=session, today=today())
    url = reverse("partners:session_detail", args=[session.pk])
    if request.method == "POST" and form.is_valid():
        save_changes(request, form)
        return HttpResponseRedirect(url)
    return form_page(request, f"Change {session}", form, cancel=url)


def attendance_add(request: HttpRequest, pk: int) -> HttpResponse:
    session = open_record(request, TrainingSession, pk, need="write")
    businesses = visible_to(request, Business).exclude(attendances__session=session)
    form = AttendanceForm(request.POST or None, businesses=businesses.order_by("name"),
                          instance=Attendance(session=session))
    url = reverse("partners:session_detail", args=[session.pk])
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            attendance = form.save()
            audit.record(request, Action.UPDATE, session, attendance_added=attendance.pk,
                         business=attendance.business_id, staff=attendance.staff_count)
        return HttpResponseRedirect(url)
    return form_page(request, f"Attendees of {session}", form, cancel=url, submit="Add")


@require_POST
def attendance_remove(request: HttpRequest, pk: int, attendance_pk: int) -> HttpResponse:
    session = open_record(request, TrainingSession, pk, need="write")
    with transaction.atomic():
        removed = Attendance.objects.filter(session=session, pk=attendance_pk).first()
        if removed is not None:
            audit.record(request, Action.UPDATE, session, attendance_removed=removed.pk,
                         business=removed.business_id, staff=removed.staff_count)
            removed.delete()
    return HttpResponseRedirect(reverse("partners:session_detail", args=[session.pk]))


def coverage_table(request: HttpRequest) -> HttpResponse:
    require_reader(request)
    on = today()
    since = _date(request.GET.get("since", ""))
    if since is not None and since > on:
        since = None
    businesses = visible_to(request, Business)
    table = coverage(businesses, on, since)
    authorities = by_authority(businesses, visible_to(request, LicensedDriver), on, since)
    record_list_view(request, "training coverage", since=str(since or ""))
    return render(request, "partners/coverage.html", {
        "table": table, "authorities": authorities, "on": on, "since": since,
    })


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def index(request: HttpRequest) -> HttpResponse:
    user = require_reader(request)
    record_list_view(request, "partners overview")
    return render(request, "partners/index.html", {"police": is_police(user)})
