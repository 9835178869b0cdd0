"""Sign-in in two steps (password, then a TOTP code), sign-out, password change.

No step tells which factor was wrong. After the password, right or wrong, the code page
comes next; a failure at its end says only that the username, password or code was not
right, and the sign-in starts again. (A password page that answered differently would
confirm a guessed password without the code.) Enrolling an authenticator is not offered
after a password either: it takes a single-use link from an administrator (views_enrol).

Failures count towards django-axes' lockout of the username, and towards a throttle per
client address (SAFEGUARD_SIGNIN_FAILURES_PER_ADDRESS in 15 minutes), so that one client
cannot lock every account in turn. No session is signed in until both factors pass: in
between, the session holds only a pending sign-in for PENDING_SECONDS.
"""

from __future__ import annotations

import time
from typing import Any

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

from ...accounts import totp
from ...accounts.forms import CodeForm, LoginForm
from ...accounts.lockout import lockout_response
from ...accounts.models import User
from ...audit.context import client_ip
from ...audit.events import record
from ...audit.models import Action
from ...middleware import LAST_ACTIVITY_KEY, SIGNED_IN_AT_KEY
from ..policy import signed_in_user
from ..ratelimit import record_anonymous

PENDING_USER = "safeguard_pending_user"
PENDING_NAME = "safeguard_pending_name"
PENDING_AT = "safeguard_pending_at"
PENDING_BACKEND = "safeguard_pending_backend"
PENDING_NEXT = "safeguard_pending_next"
_PENDING = (PENDING_USER, PENDING_NAME, PENDING_AT, PENDING_BACKEND, PENDING_NEXT)
# Time between the password and the code: enough to open an authenticator app.
PENDING_SECONDS = 300
ADDRESS_WINDOW = 900

SIGN_IN_FAILED = "The username, password or code was not right. Please sign in again."
NO_AGENCY = "Your account is not attached to an active agency. Ask your administrator."


def _safe_next(request: HttpRequest, url: str | None) -> str:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse(settings.LOGIN_REDIRECT_URL)


def _address_throttled(request: HttpRequest) -> bool:
    from ..ratelimit import peek

    limit = settings.SIGNIN_FAILURES_PER_ADDRESS
    return peek("sign-in-failures", client_ip(request), ADDRESS_WINDOW) >= limit


def _count_address_failure(request: HttpRequest) -> None:
    from ..ratelimit import hit

    hit("sign-in-failures", client_ip(request), settings.SIGNIN_FAILURES_PER_ADDRESS,
        ADDRESS_WINDOW)


def _throttled_response(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/throttled.html",
                  {"minutes": ADDRESS_WINDOW // 60}, status=429)


def _start_pending(request: HttpRequest, user: User | None, username: str) -> None:
    next_url = _safe_next(request, request.GET.get("next"))
    request.session.cycle_key()  # no session fixation across the sign-in
    request.session[PENDING_USER] = user.pk if user is not None else None
    request.session[PENDING_NAME] = username
    request.session[PENDING_AT] = time.time()
    request.session[PENDING_BACKEND] = getattr(user, "backend", "")
    request.session[PENDING_NEXT] = next_url


def _pending(request: HttpRequest) -> dict[str, Any] | None:
    """The pending sign-in: {"user": User or None (wrong password), "username": ...}."""
    started = request.session.get(PENDING_AT)
    if started is None or time.time() - float(started) > PENDING_SECONDS:
        _clear_pending(request)
        return None
    user_id = request.session.get(PENDING_USER)
    user = None
    if user_id is not None:
        user = User.objects.select_related("agency").filter(pk=user_id, is_active=True).first()
    return {"user": user, "username": str(request.session.get(PENDING_NAME, ""))}


def _clear_pending(request: HttpRequest) -> None:
    for key in _PENDING:
        request.session.pop(key, None)


def _start_again(request: HttpRequest, message: str, level: int = messages.ERROR
                 ) -> HttpResponse:
    _clear_pending(request)
    messages.add_message(request, level, message)
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
        if _address_throttled(request):
            record_anonymous(request, Action.LOGIN_FAILED, kind="sign-in", username=username,
                             reason="too many failed sign-ins from this address")
            return _throttled_response(request)
        credentials = {"username": username}
        was_locked = AxesProxyHandler.is_locked(request, credentials)
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        if user is None:
            if was_locked:
                _clear_pending(request)
                record(request, Action.LOGIN_FAILED, username=username, reason="account locked")
                return lockout_response(request)
            _count_address_failure(request)
            if getattr(request, "axes_locked_out", False):
                _clear_pending(request)
                record(request, Action.LOCKOUT, username=username, reason="wrong password")
                return lockout_response(request)
            record_anonymous(request, Action.LOGIN_FAILED, kind="sign-in", username=username,
                             reason="wrong password")
        # Right or wrong, the code comes next: the answer must not tell.
        _start_pending(request, user, username)
        return redirect("accounts:code")
    return render(request, "accounts/login.html", {"form": form})


def _count_failure(request: HttpRequest, user: User, reason: str) -> HttpResponse | None:
    """Count a failure after a right password like a wrong password (the lockout page
    once over the limit)."""
    _count_address_failure(request)
    user_login_failed.send(
        sender=__name__, credentials={"username": user.username}, request=request
    )
    if getattr(request, "axes_locked_out", False):
        record(request, Action.LOCKOUT, actor=user, reason=reason)
        _clear_pending(request)
        return lockout_response(request)
    record(request, Action.LOGIN_FAILED, actor=user, reason=reason)
    return None


def _locked(request: HttpRequest, user: User) -> bool:
    return AxesProxyHandler.is_locked(request, {"username": user.username})


def complete_login(request: HttpRequest, user: User, device: TOTPDevice,
                   next_url: str | None = None) -> HttpResponse:
    """Sign the user in (both factors passed) and go on to `next_url`."""
    next_url = next_url or request.session.get(PENDING_NEXT) or reverse(
        settings.LOGIN_REDIRECT_URL)
    backend = request.session.get(PENDING_BACKEND) or "django.contrib.auth.backends.ModelBackend"
    _clear_pending(request)
    # django-otp's user_logged_in handler stores this device in the session.
    user.otp_device = device  # type: ignore[attr-defined]
    with transaction.atomic():
        login(request, user, backend=backend)
        now = time.time()
        request.session[LAST_ACTIVITY_KEY] = now
        request.session[SIGNED_IN_AT_KEY] = now  # the session's longest life runs from here
        record(request, Action.LOGIN, method="password and TOTP")
    return HttpResponseRedirect(next_url)


@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def code_view(request: HttpRequest) -> HttpResponse:
    pending = _pending(request)
    if pending is None:
        return _start_again(request, "Your sign-in timed out. Please start again.",
                            messages.INFO)
    user: User | None = pending["user"]
    if user is not None and _locked(request, user):
        _clear_pending(request)
        return lockout_response(request)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = totp.confirmed_device(user) if user is not None else None
        if user is not None and device is not None and device.verify_token(
                form.cleaned_data["code"]):
            if not _has_active_agency(user):
                record(request, Action.LOGIN_FAILED, actor=user, reason="no active agency")
                return _start_again(request, NO_AGENCY)
            return complete_login(request, user, device)
        if user is not None:  # the password was right: the code was not
            reason = "wrong code" if device is not None else "no authenticator enrolled"
            if (locked := _count_failure(request, user, reason)) is not None:
                return locked
        return _start_again(request, SIGN_IN_FAILED)
    return render(request, "accounts/code.html", {"form": form, "username": pending["username"]})


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
