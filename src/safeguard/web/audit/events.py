"""audit.record(): one call per thing a person did, in the transaction that did it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import models
from django.http import HttpRequest
from django.utils import timezone

from ..accounts.models import Agency, User
from . import chain
from .context import client_ip, user_agent
from .models import Action, AuditEvent

LABEL_MAX = 300
JUSTIFIED_SESSION_KEY = "safeguard_justified"


@dataclass(frozen=True)
class Ref:
    """An object named by type and id, for events about an object that may not exist
    (an access denied to a made-up id) or no longer does."""

    object_type: str
    object_id: str
    label: str = ""


def ref_for(obj: models.Model | Ref) -> Ref:
    if isinstance(obj, Ref):
        return obj
    return Ref(obj._meta.label_lower, str(obj.pk), str(obj)[:LABEL_MAX])


def object_key(obj: models.Model | Ref) -> str:
    ref = ref_for(obj)
    return f"{ref.object_type}:{ref.object_id}"


def session_justification(request: HttpRequest | None, obj: models.Model | Ref) -> str:
    """The reason given for this object in this session, while it is still in force."""
    from django.conf import settings

    if request is None or not hasattr(request, "session"):
        return ""
    entry = request.session.get(JUSTIFIED_SESSION_KEY, {}).get(object_key(obj))
    if not entry:
        return ""
    given = datetime.fromisoformat(entry["at"])
    if timezone.now() - given > settings.JUSTIFICATION_WINDOW:
        return ""
    return str(entry["text"])


def record(
    request: HttpRequest | None,
    action: str,
    obj: models.Model | Ref | None = None,
    justification: str = "",
    *,
    actor: User | None = None,
    username: str = "",
    actor_agency: Agency | None = None,
    **details: Any,
) -> AuditEvent:
    """Append one audit event and return it.

    Call it inside the transaction that makes the change (`with transaction.atomic():`)
    so that both commit or neither does. `actor` defaults to the signed-in user;
    `username` names who acted when it is no user: the name typed at a failed sign-in, or
    an API token or the command line ("api token National feed (1a2b3c4d)"), with
    `actor_agency` the agency the token or command acts for (its supervisors then find
    the event in their audit list). Without an explicit `justification`, the reason the
    user gave for `obj` in this session is recorded. Keyword `details` are stored as
    JSON (no personal data beyond what the row needs).
    """
    if action not in Action.values:
        raise ValueError(f"unknown audit action {action!r}")
    if actor is None and not username and actor_agency is None and request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            actor = user
    agency: Agency | None = actor.agency if actor is not None else actor_agency
    ref = ref_for(obj) if obj is not None else None
    if ref is not None and not justification:
        justification = session_justification(request, ref)
    event = AuditEvent(
        at=timezone.now(),
        actor=actor,
        actor_username=(actor.get_username() if actor is not None else username)[:150],
        agency=agency,
        action=action,
        object_type=ref.object_type if ref else "",
        object_id=ref.object_id if ref else "",
        object_label=ref.label[:LABEL_MAX] if ref else "",
        justification=justification,
        ip_address=client_ip(request) if request is not None else "",
        user_agent=user_agent(request) if request is not None else "",
        details=_storable(details),
    )
    return chain.append(event)


def _storable(value: Any) -> Any:
    """`value` with each NUL character written as U+2400 (the symbol for null): a query
    parameter can carry one, and PostgreSQL's JSON cannot store it (SQLite can), so the
    same request would be audited on one database and a server error on the other."""
    if isinstance(value, str):
        return value.replace("\x00", "\u2400")
    if isinstance(value, dict):
        return {_storable(key): _storable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_storable(item) for item in value]
    return value


def access_log_for(obj: models.Model) -> models.QuerySet[AuditEvent]:
    """Every event about `obj`, newest first. Show it only where policy allows
    (policy.can_see_access_log): the log itself says who looked at what."""
    return AuditEvent.objects.for_object(obj).select_related("actor", "agency").order_by(
        "-sequence"
    )
