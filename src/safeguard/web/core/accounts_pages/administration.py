"""Administrators' screens: agencies, users, roles, authenticator resets, unlocks.

An administrator manages the users of their own agency; a platform administrator
(manages_all_agencies) also manages agencies and every agency's users. Each change is
recorded in the audit in the same transaction.
"""

from __future__ import annotations

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from ...accounts import enrolment, totp
from ...accounts.forms import AgencyForm, SetPasswordForm, UserForm
from ...accounts.models import Agency, User
from ...audit.events import record
from ...audit.models import Action
from ..params import record_id
from ..policy import (
    get_user_for_admin,
    manageable_users,
    require_administrator,
    require_platform_administrator,
)


def agency_list(request: HttpRequest) -> HttpResponse:
    require_platform_administrator(request)
    agencies = Agency.objects.order_by("name")
    return render(request, "accounts/admin/agency_list.html", {"agencies": agencies})


@require_http_methods(["GET", "POST"])
def agency_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require_platform_administrator(request)
    agency = get_object_or_404(Agency, pk=pk) if pk is not None else None
    form = AgencyForm(request.POST or None, instance=agency)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            saved = form.save()
            action = Action.CREATE if agency is None else Action.UPDATE
            record(request, action, saved, fields=sorted(form.changed_data))
        messages.success(request, f"Saved {saved.name}.")
        return redirect("accounts:agency_list")
    return render(request, "accounts/admin/agency_form.html", {"form": form, "agency": agency})


def user_list(request: HttpRequest) -> HttpResponse:
    admin = require_administrator(request)
    users = manageable_users(request).order_by("agency__name", "username")
    agency_id = request.GET.get("agency", "")
    if admin.manages_all_agencies and record_id(agency_id) is not None:
        users = users.filter(agency_id=int(agency_id))
    enrolled = set(
        totp.TOTPDevice.objects.filter(confirmed=True, user__in=users).values_list(
            "user_id", flat=True
        )
    )
    return render(
        request,
        "accounts/admin/user_list.html",
        {
            "users": users,
            "enrolled": enrolled,
            "agencies": Agency.objects.all() if admin.manages_all_agencies else None,
            "chosen_agency": agency_id,
        },
    )


@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest) -> HttpResponse:
    admin = require_administrator(request)
    form = UserForm(request.POST or None, admin=admin)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = form.save()
            record(request, Action.CREATE, user, role=user.role, agency=str(user.agency))
        return _show_enrolment_link(request, admin, user, f"Created {user.username}.")
    return render(request, "accounts/admin/user_form.html", {"form": form, "target": None})


def _show_enrolment_link(request: HttpRequest, admin: User, target: User,
                         done: str) -> HttpResponse:
    """Issue a single-use enrolment link for `target` and show it, once: only its digest
    is kept, so it cannot be shown again (a new one can be issued)."""
    with transaction.atomic():
        token = enrolment.issue(target, by=admin)
        record(request, Action.UPDATE, target, change="enrolment link issued",
               valid_hours=settings.ENROLMENT_LINK_HOURS)
    url = request.build_absolute_uri(reverse("accounts:enrol", args=[token]))
    return render(request, "accounts/admin/enrolment_link.html", {
        "target": target, "url": url, "done": done, "hours": settings.ENROLMENT_LINK_HOURS})


@require_POST
def user_enrolment_link(request: HttpRequest, pk: int) -> HttpResponse:
    admin = require_administrator(request)
    target = get_user_for_admin(request, pk)
    return _show_enrolment_link(request, admin, target, "A new enrolment link: earlier "
                                "unused links for this person no longer work.")


@require_http_methods(["GET", "POST"])
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    admin = require_administrator(request)
    target = get_user_for_admin(request, pk)
    form = UserForm(request.POST or None, instance=target, admin=admin)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            record(request, Action.UPDATE, target, fields=sorted(form.changed_data),
                   role=target.role)
        messages.success(request, f"Saved {target.username}.")
        return redirect("accounts:user_edit", pk=target.pk)
    context = {
        "form": form,
        "target": target,
        "enrolled": totp.confirmed_device(target) is not None,
        "password_form": SetPasswordForm(user=target),
    }
    return render(request, "accounts/admin/user_form.html", context)


@require_POST
def user_reset_authenticator(request: HttpRequest, pk: int) -> HttpResponse:
    admin = require_administrator(request)
    target = get_user_for_admin(request, pk)
    with transaction.atomic():
        removed = totp.reset_devices(target)
        record(request, Action.UPDATE, target, change="authenticator reset", devices=removed)
    return _show_enrolment_link(request, admin, target, f"Reset the authenticator of "
                                f"{target.username}: their sessions no longer pass.")


@require_POST
def user_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_user_for_admin(request, pk)
    with transaction.atomic():
        cleared = axes_reset(username=target.username)
        record(request, Action.UPDATE, target, change="lockout cleared", attempts=cleared)
    messages.success(request, f"Cleared the failed sign-ins of {target.username}.")
    return redirect("accounts:user_edit", pk=target.pk)


@sensitive_post_parameters("password")
@require_POST
def user_set_password(request: HttpRequest, pk: int) -> HttpResponse:
    admin = require_administrator(request)
    target = get_user_for_admin(request, pk)
    form = SetPasswordForm(request.POST, user=target)
    if form.is_valid():
        with transaction.atomic():
            target.set_password(form.cleaned_data["password"])
            target.must_change_password = True
            target.save(update_fields=["password", "must_change_password"])
            record(request, Action.UPDATE, target, change="temporary password set")
        messages.success(request, f"Set a temporary password for {target.username}.")
        return redirect("accounts:user_edit", pk=target.pk)
    context = {
        "form": UserForm(instance=target, admin=admin),
        "target": target,
        "enrolled": totp.confirmed_device(target) is not None,
        "password_form": form,
    }
    return render(request, "accounts/admin/user_form.html", context, status=400)
