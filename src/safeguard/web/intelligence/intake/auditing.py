"""Who is acting in an import: a signed-in user, an API token, or the command line.

The audit records every referral collected (DPA 2018 Part 3 s62: collection) and every
profile joined or split, through audit.record like every other app. A token or the
command line is not a user: its event names it (`actor_username`, e.g. "api token
National feed (1a2b3c4d)") and carries its agency, so the agency's supervisors find it
in their audit list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.http import HttpRequest

from ... import audit
from ...accounts.models import Agency, User
from ...audit.events import Ref
from ...audit.models import AuditEvent


@dataclass(frozen=True)
class Actor:
    agency: Agency
    user: User | None = None
    request: HttpRequest | None = None
    name: str = ""  # for a token or the command line

    @classmethod
    def of_request(cls, request: HttpRequest, user: User) -> Actor:
        assert user.agency is not None
        return cls(user.agency, user, request)

    @property
    def user_id(self) -> int | None:
        return self.user.pk if self.user is not None else None


def record(actor: Actor, action: str, obj: models.Model | Ref | None = None,
           **details: Any) -> AuditEvent:
    if actor.user is not None:
        return audit.record(actor.request, action, obj, actor=actor.user, **details)
    # A token or the command line: named, with its agency, and never the request's user.
    return audit.record(actor.request, action, obj, username=actor.name,
                        actor_agency=actor.agency, **details)
