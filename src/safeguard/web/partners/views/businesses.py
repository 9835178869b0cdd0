"""Businesses: list, record, change; their access codes (issued once, revoked)."""

from __future__ import annotations

from typing import Any

import segno
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from ... import audit
from ...audit.models import Action
from ...core.audit_pages.views import access_log_url
from ...core.models import Area
from ...core.params import record_id
from ...core.policy import access_level, can_see_access_log, signed_in_user, visible_to
from .. import codes
from ..access import WRITE_ROLES, open_record, require_reader, require_writer
from ..forms import BusinessForm
from ..models import AccessCode, Attendance, Business, Sector, TrainingSession
from .common import form_page, record_list_view, save_changes, save_new

PAGE_SIZE = 50


def business_list(request: HttpRequest) -> HttpResponse:
    require_reader(request)
    businesses = visible_to(request, Business).select_related("district").annotate(
        last_trained=Max("attendances__session__held_on"))
    filters = {key: request.GET.get(key, "").strip()[:100]
               for key in ("district", "sector", "trained", "q")}
    if record_id(filters["district"]) is not None:
        businesses = businesses.filter(district_id=int(filters["district"]))
    if filters["sector"] in Sector.values:
        businesses = businesses.filter(sector=filters["sector"])
    if filters["trained"] in ("yes", "no"):
        trained = Exists(Attendance.objects.filter(business=OuterRef("pk")))
        businesses = businesses.filter(trained if filters["trained"] == "yes" else ~trained)
    if filters["q"]:
        businesses = businesses.filter(Q(name__icontains=filters["q"])
                                       | Q(licence_number__icontains=filters["q"]))
    page = Paginator(businesses.order_by("name", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page"))
    record_list_view(request, "businesses", **{k: v for k, v in filters.items() if v})
    return render(request, "partners/business_list.html", {
        "page": page, "filters": filters, "areas": Area.objects.filter(active=True),
        "sectors": Sector.choices,
        "query": urlencode({k: v for k, v in filters.items() if v}),
    })


def business_create(request: HttpRequest) -> HttpResponse:
    require_writer(request)
    form = BusinessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        business = save_new(request, form.save(commit=False))
        return HttpResponseRedirect(reverse("partners:business_detail", args=[business.pk]))
    return form_page(request, "New business", form, cancel=reverse("partners:business_list"))


def business_detail(request: HttpRequest, pk: int) -> HttpResponse:
    business = open_record(request, Business, pk)
    audit.record(request, Action.VIEW, business)
    return render(request, "partners/business_detail.html", _detail_context(request, business))


def _detail_context(request: HttpRequest, business: Business) -> dict[str, Any]:
    user = request.user
    level = access_level(user, business)  # type: ignore[arg-type]
    visible_sessions = set(visible_to(request, TrainingSession).filter(
        attendances__business=business).values_list("pk", flat=True))
    return {
        "business": business,
        "attendances": business.attendances.select_related("session").order_by(
            "-session__held_on"),
        "visible_sessions": visible_sessions,
        "codes": business.access_codes.all(),
        "can_write": level == "write" and getattr(user, "role", "") in WRITE_ROLES,
        "access_log_url": access_log_url(business)
        if can_see_access_log(user, business) else "",  # type: ignore[arg-type]
    }


def business_edit(request: HttpRequest, pk: int) -> HttpResponse:
    business = open_record(request, Business, pk, need="write")
    form = BusinessForm(request.POST or None, instance=business)
    url = reverse("partners:business_detail", args=[business.pk])
    if request.method == "POST" and form.is_valid():
        save_changes(request, form)
        return HttpResponseRedirect(url)
    return form_page(request, f"Change {business}", form, cancel=url)


@require_POST
def code_issue(request: HttpRequest, pk: int) -> HttpResponse:
    """A new access code for the business; the old one stops working. The code is shown
    on this response only (no redirect, nothing in the session): only its hash is kept."""
    business = open_record(request, Business, pk, need="write")
    user = signed_in_user(request)
    code = codes.new_code()
    now = timezone.now()
    with transaction.atomic():
        for old in AccessCode.objects.select_for_update().filter(business=business,
                                                                 revoked_at__isnull=True):
            old.revoked_at, old.revoked_by = now, user
            old.save(update_fields=["revoked_at", "revoked_by"])
            audit.record(request, Action.UPDATE, old, revoked=True, reason="replaced")
        issued = AccessCode.objects.create(business=business, code_hash=codes.digest(code),
                                           hint=code[:5], issued_by=user)
        audit.record(request, Action.CREATE, issued)
    link = (request.build_absolute_uri(reverse("partners:report"))
            + f"?code={codes.grouped(code)}")
    qr = segno.make(link, error="m").svg_inline(scale=4, border=2)
    return render(request, "partners/code_issued.html", {
        "business": business, "code": codes.grouped(code), "link": link,
        "qr": mark_safe(qr),  # segno's own markup of our URL and a code we made
    })


@require_POST
def code_revoke(request: HttpRequest, pk: int, code_pk: int) -> HttpResponse:
    business = open_record(request, Business, pk, need="write")
    with transaction.atomic():
        code = AccessCode.objects.select_for_update().filter(
            business=business, pk=code_pk, revoked_at__isnull=True).first()
        if code is not None:
            code.revoked_at, code.revoked_by = timezone.now(), signed_in_user(request)
            code.save(update_fields=["revoked_at", "revoked_by"])
            audit.record(request, Action.UPDATE, code, revoked=True)
    return HttpResponseRedirect(reverse("partners:business_detail", args=[business.pk]))
