"""Need to know: who may open what in the register, and the police-only fields.

Every register view reaches records through this module (on top of core.policy):

- roles: READ_ROLES may open records, WRITE_ROLES may record and change them;
- a record attached to a child (an assessment, an episode, a concern, a referral) is
  opened only by someone who may open the child as well (else 404, like any record not
  shared);
- police intelligence (POLICE_ONLY: intelligence notes, PNC-style and custody references,
  police operations) is shown only to police users (core.policy.is_police), even when the record is
  shared with a partner: pages get records through for_viewer(), forms their fields
  through editable_fields(). This is the one place the rule lives; a test walks every
  page a partner can open and looks for the intelligence.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.db import models
from django.http import HttpRequest

from ..accounts.models import Role, User
from ..core.models import Recorded
from ..core.policy import (
    Forbidden,
    Need,
    get_object_for,
    is_police,
    require_section,
    section_roles,
    signed_in_user,
    visible_to,
)
from .models import AdultOfConcern, Arrest, Child

R = TypeVar("R", bound=Recorded)

READ_ROLES = section_roles("register")
WRITE_ROLES = (Role.PRACTITIONER, Role.SUPERVISOR, Role.INVESTIGATOR)

POLICE_ONLY: dict[type[models.Model], frozenset[str]] = {
    AdultOfConcern: frozenset({"intelligence_notes", "pnc_reference", "police_operation",
                               "police_operation_reference"}),
    Arrest: frozenset({"custody_reference"}),
}


# Opening records -------------------------------------------------------------------


def open_record(request: HttpRequest, model: type[R], pk: int | str, need: Need = "read") -> R:
    """The record if the user may `need` it (policy: 404 / 403), with the register's roles."""
    roles = READ_ROLES if need == "read" else WRITE_ROLES
    return get_object_for(request, model, pk, need=need, roles=roles)


def open_child_part(request: HttpRequest, model: type[R], pk: int | str,
                    need: Need = "read") -> R:
    """A record attached to a child: the record's own access, and the child readable too."""
    obj = open_record(request, model, pk, need)
    open_record(request, Child, obj.child_id)  # type: ignore[attr-defined]
    return obj


def require_writer(request: HttpRequest) -> User:
    user = signed_in_user(request)
    if user.role not in WRITE_ROLES:
        raise Forbidden(None, f"role {user.role} may not record in the register")
    return user


def require_reader(request: HttpRequest) -> User:
    """403 unless the register section is open to the user (policy.SECTIONS)."""
    return require_section(request, "register")


def require_police_writer(request: HttpRequest) -> User:
    """Warning notices are served by police: a police agency's writers only."""
    user = require_writer(request)
    if not is_police(user):
        raise Forbidden(None, "only police serve warning notices")
    return user


# Lists -----------------------------------------------------------------------------


def visible_children(request: HttpRequest) -> models.QuerySet[Child]:
    require_reader(request)
    return visible_to(request, Child)


def visible_child_parts(request: HttpRequest, model: type[R]) -> models.QuerySet[R]:
    """Records of `model` the user may open, about children the user may open."""
    return visible_to(request, model).filter(child__in=visible_children(request).values("pk"))


def visible_records(request: HttpRequest, model: type[R]) -> models.QuerySet[R]:
    require_reader(request)
    return visible_to(request, model)


# Police intelligence ---------------------------------------------------------------


class Redacted:
    """A record seen by someone who may not see its police-only fields: reading one (or a
    hidden foreign key's `<name>_id`) gives an empty string; everything else reads through."""

    police_only_hidden = True

    def __init__(self, obj: models.Model, hidden: frozenset[str]) -> None:
        object.__setattr__(self, "_obj", obj)
        object.__setattr__(self, "_hidden", hidden)

    def __getattr__(self, name: str) -> Any:
        if name in self._hidden or (name.endswith("_id") and name[:-3] in self._hidden):
            return ""
        return getattr(self._obj, name)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("a redacted record is read-only")

    def __str__(self) -> str:
        return str(self._obj)


def hidden_fields(user: User, model: type[models.Model]) -> frozenset[str]:
    return frozenset() if is_police(user) else POLICE_ONLY.get(model, frozenset())


def for_viewer(user: User, obj: Any) -> Any:
    """`obj` as `user` may see it: police-only fields blanked for a partner agency."""
    hidden = hidden_fields(user, type(obj))
    return Redacted(obj, hidden) if hidden else obj


def all_for_viewer(user: User, objs: Iterable[Any]) -> list[Any]:
    return [for_viewer(user, obj) for obj in objs]


def editable_fields(user: User, model: type[models.Model], fields: Iterable[str]) -> list[str]:
    """A form's fields less the police-only ones, for a user of a partner agency."""
    hidden = hidden_fields(user, model)
    return [name for name in fields if name not in hidden]
