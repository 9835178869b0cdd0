"""Middleware that applies to every request: headers, idle timeout, two-factor gate."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.http import urlencode

Handler = Callable[[HttpRequest], HttpResponse]

LAST_ACTIVITY_KEY = "safeguard_last_activity"
SIGNED_IN_AT_KEY = "safeguard_signed_in_at"

# Paths reachable before the second factor: the login steps and the files they use, and
# the one API that authenticates each request itself with a bearer token (no session).
# The public concern form (partners:report) takes a business's access code, no account;
# its privacy notice (partners:report_privacy) is read before anything is sent.
_OPEN_URL_NAMES = ("accounts:login", "accounts:code", "intelligence_api:referrals",
                   "partners:report", "partners:report_privacy")
# Enrolment links (/accounts/enrol/<token>/): the token is the authority.
_OPEN_PREFIXES = ("/accounts/enrol/",)


class SecurityHeadersMiddleware:
    """CSP and no-store on every response; the rest of the headers come from Django."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response
        self.policy = settings.CONTENT_SECURITY_POLICY

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", self.policy)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        # Pages show personal data: no copies in browser or proxy caches. Static files
        # arrive with WhiteNoise's own Cache-Control and keep it.
        response.setdefault("Cache-Control", "no-store")
        return response


def keep_idle_clock(request: HttpRequest) -> None:
    """For a page's own background polls (a triage's progress, the live picture): put
    back the last-activity time that IdleTimeoutMiddleware just moved, so that a page
    left open does not keep its session alive."""
    from importlib import import_module

    key = request.session.session_key
    if key is None:
        return
    stored = import_module(settings.SESSION_ENGINE).SessionStore(key).get(LAST_ACTIVITY_KEY)
    if stored is not None:
        request.session[LAST_ACTIVITY_KEY] = stored


def _open_paths() -> tuple[str, ...]:
    return tuple(reverse(name) for name in _OPEN_URL_NAMES)


class IdleTimeoutMiddleware:
    """Signs a user out after SAFEGUARD_IDLE_MINUTES without a request (default 15), and
    after SAFEGUARD_SESSION_MAX_HOURS from signing in, active or not (default 10: one
    shift). Django's own session age slides with every request; this cap does not.

    The clocks are the server's, kept in the session: a client cannot extend them.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            now = time.time()
            last = request.session.get(LAST_ACTIVITY_KEY)
            limit = settings.IDLE_TIMEOUT.total_seconds()
            if last is not None and now - float(last) > limit:
                minutes = int(limit // 60)
                return _sign_out(request, "idle timeout",
                                 f"You were signed out after {minutes} minutes idle.")
            signed_in = request.session.setdefault(SIGNED_IN_AT_KEY, now)
            if now - float(signed_in) > settings.SESSION_COOKIE_AGE:
                hours = settings.SESSION_COOKIE_AGE // 3600
                return _sign_out(request, "longest session reached",
                                 f"You were signed out: a session lasts {hours} hours at most.")
            request.session[LAST_ACTIVITY_KEY] = now
        return self.get_response(request)


class RequireVerifiedMiddleware:
    """No page but the login steps without a password AND a verified TOTP code.

    A deactivated user, or one whose agency was deactivated, is signed out at the next
    request; a user told to change their password sees only that page until they do.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response
        self.static_prefix = settings.STATIC_URL

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if (path.startswith(self.static_prefix) or path in _open_paths()
                or path.startswith(_OPEN_PREFIXES)):
            return self.get_response(request)
        user = request.user
        # is_verified() is installed on the user by django-otp's middleware.
        if not user.is_authenticated or not user.is_verified():  # type: ignore[attr-defined,union-attr]
            return _to_login(request)
        agency = user.agency
        if not user.is_active or agency is None or not agency.active:
            logout(request)
            return _to_login(request)
        if user.must_change_password and path not in (
            reverse("accounts:password"),
            reverse("accounts:logout"),
        ):
            return HttpResponseRedirect(reverse("accounts:password"))
        return self.get_response(request)


def _sign_out(request: HttpRequest, reason: str, message: str) -> HttpResponse:
    from .audit import events
    from .audit.models import Action

    events.record(request, Action.LOGOUT, reason=reason)
    logout(request)
    messages.info(request, message)
    return _to_login(request)


def _to_login(request: HttpRequest) -> HttpResponse:
    url = resolve_url(settings.LOGIN_URL)
    if request.method == "GET" and request.path_info != "/":
        url = f"{url}?{urlencode({'next': request.get_full_path()})}"
    return HttpResponseRedirect(url)
