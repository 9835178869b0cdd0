"""Records every refusal (403, and the policy's 404) as an access_denied event.

It runs in process_exception, after the view's own transaction has rolled back, so the
record of a refusal survives the refusal.

A refusal is recorded by the refused object's type and id only, never its label (the
audit list is read by the refused agency's supervisors: a label would give them the name
of a child they may not see), and every 404 with one reason, so that the log does not
tell an id that exists from one that does not.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from ...audit.models import Action


class AccessDeniedMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        from ...audit.events import Ref, record
        from ..policy import NOT_FOUND_OR_NO_ACCESS, Forbidden, NoAccess

        if isinstance(exception, NoAccess | Forbidden):
            ref = exception.ref
            bare = Ref(ref.object_type, ref.object_id) if ref is not None else None
            record(
                request,
                Action.ACCESS_DENIED,
                bare,
                reason=NOT_FOUND_OR_NO_ACCESS if isinstance(exception, NoAccess)
                else exception.reason,
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
