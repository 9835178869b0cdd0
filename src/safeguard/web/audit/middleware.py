"""Records every refusal (403, and the policy's 404) as an access_denied event.

It runs in process_exception, after the view's own transaction has rolled back, so the
record of a refusal survives the refusal.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from .models import Action


class AccessDeniedMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        from ..policy import Forbidden, NoAccess
        from .events import record

        if isinstance(exception, NoAccess | Forbidden):
            record(
                request,
                Action.ACCESS_DENIED,
                exception.ref,
                reason=exception.reason,
                path=request.path,
                method=request.method,
                status=404 if isinstance(exception, NoAccess) else 403,
            )
        elif isinstance(exception, PermissionDenied):
            record(
                request,
                Action.ACCESS_DENIED,
                reason=str(exception) or "permission denied",
                path=request.path,
                method=request.method,
                status=403,
            )
        return None
