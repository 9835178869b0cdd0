"""Sign-in in two steps (password, then a TOTP code), enrolment, sign-out, password.

No session is signed in until both factors pass: after the password, the session only
holds a pending user id for PENDING_SECONDS, which the code and enrolment pages accept.
Wrong codes count towards the django-axes lockout like wrong passwords.
"""

from __future__ import annotations

import time

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from ..audit.events import record
from ..audit.models import Action
from ..middleware import LAST_ACTIVITY_KEY
from ..policy import signed_in_user
from . import totp
from .forms import CodeForm, LoginForm
from .lockout import lockout_response
from .models import User

PENDING_USER = "safeguard_pending_user"
PENDING_AT = "safeguard_pending_at"
PENDING_BACKEND = "safeguard_pending_backend"
PENDING_NEXT = "safeguard_pending_next"
# Time between the password and the code: enough to open an authenticator app.
PENDING_SECONDS = 300

WRONG_PASSWORD = "Wrong username or password."
WRONG_CODE = "That code is not right. Enter the code your authenticator shows now."


def _safe_next(request: HttpRequest, url: str | None) -> str:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse(settings.LOGIN_REDIRECT_URL)


def _pending_user(request: HttpRequest) -> User | None:
    user_id = request.session.get(PENDING_USER)
    started = request.session.get(PENDING_AT)
    if user_id is None or started is None:
        return None
    if time.time() - float(started) > PENDING_SECONDS:
        _clear_pending(request)
        return None
    return User.objects.select_related("agency").filter(pk=user_id, is_active=True).first()


def _clear_pending(request: HttpRequest) -> None:
    for key in (PENDING_USER, PENDING_AT, PENDING_BACKEND, PENDING_NEXT):
        request.session.pop(key, None)


def _start_again(request: HttpRequest) -> HttpResponse:
    messages.info(request, "Your sign-in timed out. Please start again.")
    return redirect("accounts:login")


def _has_active_agency(user: User) -> bool:
    return user.agency is not None and user.agency.active


@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        if request.user.is_verified():  # type: ignore[attr-defined,union-attr]
            return redirect(settings.LOGIN_REDIRECT_URL)
        logout(request)  # half signed in (e.g. a device reset): start from the password
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        credentials = {"username": username}
        was_locked = AxesProxyHandler.is_locked(request, credentials)
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        if user is None:
            if was_locked:
                record(request, Action.LOGIN_FAILED, username=username, reason="account locked")
                return lockout_response(request)
            if getattr(request, "axes_locked_out", False):
                record(request, Action.LOCKOUT, username=username, reason="wrong password")
                return lockout_response(request)
            record(request, Action.LOGIN_FAILED, username=username, reason="wrong password")
            form.add_error(None, WRONG_PASSWORD)
        elif not _has_active_agency(user):
            record(request, Action.LOGIN_FAILED, actor=user, reason="no active agency")
            form.add_error(None, "Your account is not attached to an active agency. "
                                 "Ask your administrator.")
        else:
            request.session.cycle_key()  # no session fixation across the sign-in
            request.session[PENDING_USER] = user.pk
            request.session[PENDING_AT] = time.time()
            request.session[PENDING_BACKEND] = user.backend  # type: ignore[attr-defined]
            request.session[PENDING_NEXT] = _safe_next(request, request.GET.get("next"))
            if totp.confirmed_device(user) is None:
                return redirect("accounts:enrol")
            return redirect("accounts:code")
    return render(request, "accounts/login.html", {"form": form})


def _wrong_code(request: HttpRequest, user: User, form: CodeForm) -> HttpResponse | None:
    """Count a wrong code like a wrong password; the lockout page once over the limit."""
    user_login_failed.send(
        sender=__name__, credentials={"username": user.username}, request=request
    )
    if getattr(request, "axes_locked_out", False):
        record(request, Action.LOCKOUT, actor=user, reason="wrong code")
        _clear_pending(request)
        return lockout_response(request)
    record(request, Action.LOGIN_FAILED, actor=user, reason="wrong code")
    form.add_error("code", WRONG_CODE)
    return None


def _locked(request: HttpRequest, user: User) -> bool:
    return AxesProxyHandler.is_locked(request, {"username": user.username})


def _complete_login(request: HttpRequest, user: User, device: TOTPDevice) -> HttpResponse:
    next_url = request.session.get(PENDING_NEXT) or reverse(settings.LOGIN_REDIRECT_URL)
    backend = request.session.get(PENDING_BACKEND)
    _clear_pending(request)
    # django-otp's user_logged_in handler stores this device in the session.
    user.otp_device = device  # type: ignore[attr-defined]
    with transaction.atomic():
        login(request, user, backend=backend)
        request.session[LAST_ACTIVITY_KEY] = time.time()
        record(request, Action.LOGIN, method="password and TOTP")
    return HttpResponseRedirect(next_url)


@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def code_view(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None:
        return _start_again(request)
    device = totp.confirmed_device(user)
    if device is None:
        return redirect("accounts:enrol")
    if _locked(request, user):
        _clear_pending(request)
        return lockout_response(request)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            return _complete_login(request, user, device)
        if (locked := _wrong_code(request, user, form)) is not None:
            return locked
    return render(request, "accounts/code.html", {"form": form, "pending": user})


@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def enrol_view(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None:
        return _start_again(request)
    if totp.confirmed_device(user) is not None:
        return redirect("accounts:code")
    if _locked(request, user):
        _clear_pending(request)
        return lockout_response(request)
    device = totp.enrolment_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            with transaction.atomic():
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                record(request, Action.UPDATE, user, actor=user, change="authenticator enrolled")
            return _complete_login(request, user, device)
        if (locked := _wrong_code(request, user, form)) is not None:
            return locked
    context = {
        "form": form,
        "pending": user,
        "qr": totp.qr_svg(device),
        "secret": totp.grouped(totp.secret_base32(device)),
        "issuer": settings.OTP_TOTP_ISSUER,
    }
    return render(request, "accounts/enrol.html", context)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        record(request, Action.LOGOUT, reason="signed out")
    logout(request)
    messages.info(request, "You are signed out.")
    return redirect("accounts:login")


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@require_http_methods(["GET", "POST"])
def password_view(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            user.must_change_password = False
            user.save(update_fields=["must_change_password"])
            record(request, Action.UPDATE, user, change="password changed")
        update_session_auth_hash(request, user)
        messages.success(request, "Your password has been changed.")
        return redirect(settings.LOGIN_REDIRECT_URL)
    return render(
        request,
        "accounts/password.html",
        {"form": form, "forced": user.must_change_password},
    )
