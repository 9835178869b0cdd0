"""The home page and the CSRF refusal page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..audit.events import record
from ..audit.models import Action
from ..policy import signed_in_user


def home(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    return render(request, "core/home.html", {"user": user, "agency": user.agency})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    # A forged or stale form: refused and recorded, like any other refusal.
    record(request, Action.ACCESS_DENIED, reason=f"CSRF check failed: {reason}"[:200],
           path=request.path, method=request.method, status=403)
    return render(request, "403_csrf.html", status=403)
