"""The home page and the CSRF refusal page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..audit.events import record
from ..audit.models import Action
from .policy import signed_in_user
from .ratelimit import record_anonymous


def home(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    return render(request, "core/home.html", {"user": user, "agency": user.agency})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    # A forged or stale form: refused and recorded, like any other refusal (for a client
    # that is not signed in, rate-limited per address: anyone can send these).
    details: dict[str, Any] = {"reason": f"CSRF check failed: {reason}"[:200],
                               "path": request.path, "method": request.method, "status": 403}
    if request.user.is_authenticated:
        record(request, Action.ACCESS_DENIED, **details)
    else:
        record_anonymous(request, Action.ACCESS_DENIED, kind="csrf", **details)
    return render(request, "403_csrf.html", status=403)
