"""Licensed drivers: list, record, change; their training (added to a session like a
business); and the refreshers due and overdue, for businesses and drivers together."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from ... import audit
from ...audit.models import Action
from ...core.audit_pages.views import access_log_url
from ...core.clock import today
from ...core.params import record_id
from ...core.policy import access_level, can_see_access_log, visible_to
from ..access import WRITE_ROLES, open_record, require_reader, require_writer
from ..conf import refresher_months
from ..licensing_forms import DriverAttendanceForm, DriverForm, authorities
from ..models import Business, DriverAttendance, LicensedDriver, Sector, TrainingSession
from ..refreshers import due_on, refreshers, with_last_trained
from .common import form_page, record_list_view, save_changes, save_new

PAGE_SIZE = 50


def _firms(request: HttpRequest) -> QuerySet[Business]:
    return visible_to(request, Business).filter(sector=Sector.TAXI).order_by("name")


def driver_list(request: HttpRequest) -> HttpResponse:
    require_reader(request)
    on = today()
    drivers = with_last_trained(visible_to(request, LicensedDriver), on).select_related(
        "licensing_authority", "owning_agency")
    filters = {key: request.GET.get(key, "").strip()[:100] for key in ("authority", "q")}
    if record_id(filters["authority"]) is not None:
        drivers = drivers.filter(licensing_authority_id=int(filters["authority"]))
    if filters["q"]:
        drivers = drivers.filter(Q(name__icontains=filters["q"])
                                 | Q(badge_number__icontains=filters["q"].replace(" ", "")))
    page = Paginator(drivers.order_by("badge_number", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page"))
    for driver in page:
        driver.due = due_on(driver.last_trained) if driver.last_trained else None
    record_list_view(request, "licensed drivers", **{k: v for k, v in filters.items() if v})
    return render(request, "partners/driver_list.html", {
        "page": page, "filters": filters, "authorities": authorities(), "on": on,
    })


def driver_create(request: HttpRequest) -> HttpResponse:
    require_writer(request)
    form = DriverForm(request.POST or None, firms=_firms(request))
    if request.method == "POST" and form.is_valid():
        driver = save_new(request, form.save(commit=False))
        return HttpResponseRedirect(reverse("partners:driver_detail", args=[driver.pk]))
    return form_page(request, "New licensed driver", form,
                     cancel=reverse("partners:driver_list"),
                     intro="A driver licensed by a council's licensing authority, known by "
                           "the badge number it issued.")


def driver_detail(request: HttpRequest, pk: int) -> HttpResponse:
    driver = open_record(request, LicensedDriver, pk)
    audit.record(request, Action.VIEW, driver)
    user = request.user
    level = access_level(user, driver)  # type: ignore[arg-type]
    attendances = list(driver.attendances.select_related("session__district").order_by(
        "-session__held_on"))
    on = today()
    held = [a.session.held_on for a in attendances if a.session.held_on <= on]
    due = due_on(max(held)) if held else None
    visible_sessions = set(visible_to(request, TrainingSession).filter(
        driver_attendances__driver=driver).values_list("pk", flat=True))
    return render(request, "partners/driver_detail.html", {
        "driver": driver, "attendances": attendances, "visible_sessions": visible_sessions,
        "due": due, "overdue": due is not None and due < on, "months": refresher_months(),
        "firm_visible": driver.firm_id is not None and visible_to(request, Business).filter(
            pk=driver.firm_id).exists(),
        "can_write": level == "write" and getattr(user, "role", "") in WRITE_ROLES,
        "access_log_url": access_log_url(driver)
        if can_see_access_log(user, driver) else "",  # type: ignore[arg-type]
    })


def driver_edit(request: HttpRequest, pk: int) -> HttpResponse:
    driver = open_record(request, LicensedDriver, pk, need="write")
    form = DriverForm(request.POST or None, instance=driver, firms=_firms(request))
    url = reverse("partners:driver_detail", args=[driver.pk])
    if request.method == "POST" and form.is_valid():
        save_changes(request, form)
        return HttpResponseRedirect(url)
    return form_page(request, f"Change {driver}", form, cancel=url)


def driver_attendance_add(request: HttpRequest, pk: int) -> HttpResponse:
    session = open_record(request, TrainingSession, pk, need="write")
    drivers = visible_to(request, LicensedDriver).exclude(attendances__session=session)
    form = DriverAttendanceForm(request.POST or None,
                                drivers=drivers.order_by("badge_number"))
    url = reverse("partners:session_detail", args=[session.pk])
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            attendance = DriverAttendance.objects.create(
                session=session, driver=form.cleaned_data["driver"])
            audit.record(request, Action.UPDATE, session, driver_added=attendance.pk,
                         driver=attendance.driver_id)
        return HttpResponseRedirect(url)
    return form_page(request, f"Drivers at {session}", form, cancel=url, submit="Add")


@require_POST
def driver_attendance_remove(request: HttpRequest, pk: int, attendance_pk: int) -> HttpResponse:
    session = open_record(request, TrainingSession, pk, need="write")
    with transaction.atomic():
        removed = DriverAttendance.objects.filter(session=session, pk=attendance_pk).first()
        if removed is not None:
            audit.record(request, Action.UPDATE, session, driver_removed=removed.pk,
                         driver=removed.driver_id)
            removed.delete()
    return HttpResponseRedirect(reverse("partners:session_detail", args=[session.pk]))


def refresher_list(request: HttpRequest) -> HttpResponse:
    require_reader(request)
    on = today()
    rows = refreshers(visible_to(request, Business), visible_to(request, LicensedDriver), on)
    show = "all" if request.GET.get("show") == "all" else "overdue"
    record_list_view(request, "training refreshers", show=show)
    return render(request, "partners/refreshers.html", {
        "rows": [r for r in rows if r.overdue or show == "all"], "show": show, "on": on,
        "months": refresher_months(), "overdue": sum(r.overdue for r in rows),
    })
