"""The audit log (DPA 2018 Part 3 s62): who viewed, changed, disclosed or exported what,
when, from where, and why.

    from safeguard.web import audit

    with transaction.atomic():
        exhibit.save()
        audit.record(request, audit.Action.UPDATE, exhibit, fields=["make"])

The functions here import the models when called, so that importing this package is
safe before Django's app registry is ready.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.db import models
    from django.http import HttpRequest

    from .chain import Verification
    from .events import Ref
    from .models import AuditEvent


def record(
    request: HttpRequest | None,
    action: str,
    obj: models.Model | Ref | None = None,
    justification: str = "",
    **details: Any,
) -> AuditEvent:
    from .events import record as _record

    return _record(request, action, obj, justification, **details)


def access_log_for(obj: models.Model) -> models.QuerySet[AuditEvent]:
    from .events import access_log_for as _log

    return _log(obj)


def verify_chain(anchor: tuple[int, str] | None = None) -> Verification:
    from .chain import verify_chain as _verify

    return _verify(anchor=anchor)


def __getattr__(name: str) -> Any:
    # `audit.Action.VIEW` without importing models at package import time.
    if name == "Action":
        from .models import Action

        return Action
    if name == "Ref":
        from .events import Ref

        return Ref
    raise AttributeError(name)
