"""Access control: the one module every view asks, on its first line.

Rules (docs/web.md, "Access to records"):

- A record (core.AgencyOwned) belongs to its owning agency: that agency's users may read
  and change it, subject to their role.
- A partner agency sees a record only while it is shared with it (core.Share), and then
  read-only.
- Anyone else gets 404, never 403, so that a record's existence does not leak; a
  read-only partner asking to write gets 403.
- Work assigned to another agency (core.Assigned: a task) is read by the assigned agency
  too while the assignment lasts, and only that agency does the work
  (get_assigned_for); the record the work is about is not shared by it.
- Every refusal is recorded in the audit as access_denied (core/audit_pages/middleware.py).
- Police: an active agency of the police kind (`is_police`). Police sections, the concern
  queue, intelligence and the register's police-only fields ask this one rule; every
  other kind of agency is a partner.

    def exhibit_edit(request, pk):
        exhibit = get_object_for(request, Exhibit, pk, need="write",
                                 roles=[Role.INVESTIGATOR, Role.FORENSIC_EXAMINER])
        ...

An app's own access module (investigations/access.py, safeguarding/need_to_know.py ...)
only names its roles and composes these functions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal, Protocol, TypeVar

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from ..accounts.models import Agency, AgencyKind, Role, User
from ..audit.events import Ref, record
from ..audit.models import Action, current_type
from .errors import NOT_FOUND_OR_NO_ACCESS, Forbidden, NoAccess
from .models import AgencyOwned, Assigned, Share
from .params import record_id

__all__ = [
    "NOT_FOUND_OR_NO_ACCESS", "REGISTER_ROLES", "SECTIONS", "Forbidden", "Need", "NoAccess",
    "Section", "access_level", "can_see_access_log", "get_assigned_for", "get_object_for",
    "get_user_for_admin", "is_assignee",
    "is_police", "is_police_agency", "manageable_users", "may_open", "readable_labels",
    "require_administrator", "require_platform_administrator", "require_role",
    "require_section", "revoke", "section_roles", "share", "signed_in_user", "visible_to",
    "visible_to_user",
]

Need = Literal["read", "write"]
Owned = TypeVar("Owned", bound=AgencyOwned)


class AuditEventLike(Protocol):
    object_type: str
    object_id: str
    agency_id: int | None


def is_police_agency(agency: Agency | None) -> bool:
    """An active police agency. Deactivated agencies' users are signed out and cannot sign
    in (accounts), so the `active` test only matters for a record naming an agency (a
    concern's receiving force, an API token's agency): it fails closed there too."""
    return agency is not None and agency.active and agency.kind == AgencyKind.POLICE


def is_police(user: User) -> bool:
    """The user belongs to an active police agency (the platform's one police rule)."""
    return is_police_agency(user.agency)


def signed_in_user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated or not user.is_active:
        # The two-factor middleware lets no anonymous request this far; fail closed anyway.
        raise Forbidden(None, "not signed in")
    return user


def access_level(user: User, obj: AgencyOwned) -> Need | None:
    """'write' for the owning agency, 'read' for a partner with an active share, else None."""
    if not user.is_active or user.agency_id is None:
        return None
    if obj.owning_agency_id == user.agency_id:
        return "write"
    if is_assignee(user, obj):
        return "read"
    if Share.objects.active().for_object(obj).filter(agency_id=user.agency_id).exists():
        return "read"
    return None


def get_object_for(
    request: HttpRequest,
    model: type[Owned],
    pk: int | str,
    need: Need = "read",
    roles: Iterable[str] | None = None,
) -> Owned:
    """The object, if the user may `need` it; else NoAccess (404) or Forbidden (403).

    `roles`: the roles allowed to do this at all (e.g. only investigators edit an
    exhibit); checked after the agency, so an outsider still gets 404.
    """
    if not issubclass(model, AgencyOwned):
        raise TypeError(f"{model.__name__} is not agency-owned; the policy cannot judge it")
    user = signed_in_user(request)
    # Never the label: a refusal is recorded, and the record must not name what it hides.
    ref = Ref(model._meta.label_lower, str(pk))
    try:
        obj = model._default_manager.select_related("owning_agency").get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError, ValidationError):
        raise NoAccess(ref) from None
    level = access_level(user, obj)
    if level is None:
        raise NoAccess(ref)
    if need == "write" and level != "write":
        raise Forbidden(ref, "read-only: shared with this agency")
    if roles is not None and user.role not in set(roles):
        raise Forbidden(ref, f"role {user.role} may not do this")
    return obj


def is_assignee(user: User, obj: AgencyOwned) -> bool:
    """The user's agency holds the assignment (`obj` is core.Assigned and not revoked)."""
    return (isinstance(obj, Assigned) and obj.revoked_at is None
            and user.agency_id is not None and obj.assigned_agency_id == user.agency_id)


def get_assigned_for(
    request: HttpRequest,
    model: type[Owned],
    pk: int | str,
    roles: Iterable[str] | None = None,
) -> Owned:
    """Assigned work (core.Assigned) that the user's agency is to do: 404 to whoever may
    not read it, 403 to the owning agency (it set the work; the assignee does it) and to
    roles outside `roles`."""
    obj = get_object_for(request, model, pk, need="read", roles=roles)
    user = signed_in_user(request)
    if not is_assignee(user, obj):
        raise Forbidden(Ref(model._meta.label_lower, str(pk)),
                        "only the agency the work is assigned to does it")
    return obj


def visible_to(request: HttpRequest, model: type[Owned]) -> models.QuerySet[Owned]:
    """The records of `model` the user's agency owns or has been shared: for lists."""
    return visible_to_user(signed_in_user(request), model)


def visible_to_user(user: User, model: type[Owned]) -> models.QuerySet[Owned]:
    """As visible_to, for a form's choices (which know the user, not the request)."""
    agency_id = user.agency_id
    if agency_id is None:
        return model._default_manager.none()
    shared = Share.objects.active().filter(
        content_type=ContentType.objects.get_for_model(model),
        agency_id=agency_id,
    )
    mine = models.Q(owning_agency_id=agency_id) | models.Q(pk__in=shared.values("object_id"))
    if issubclass(model, Assigned):
        mine |= models.Q(assigned_agency_id=agency_id, revoked_at__isnull=True)
    return model._default_manager.filter(mine)


def require_role(request: HttpRequest, *roles: str) -> User:
    """403 unless the user holds one of `roles`."""
    user = signed_in_user(request)
    if user.role not in roles:
        raise Forbidden(None, f"role {user.role} may not open this page")
    return user


# The platform's sections and who may open them: the one rule behind the home page's
# cards and every section's pages. A section a user's agency or role may not use answers
# 403 on each of its pages, recorded, and without looking up any record (so the answer
# says nothing of what exists); inside an open section, records follow get_object_for.
# Police sections open to police agencies, and to another agency only for what has been
# shared with it.
REGISTER_ROLES = frozenset({Role.PRACTITIONER, Role.SUPERVISOR, Role.INVESTIGATOR,
                            Role.ANALYST})


@dataclass(frozen=True)
class Section:
    label: str
    roles: frozenset[str] | None = None  # None: every role
    police: bool = False
    shared: tuple[str, ...] = ()  # models whose shares open it to another agency


SECTIONS = {
    "register": Section("safeguarding register", REGISTER_ROLES),
    "investigations": Section("investigations", police=True, shared=(
        "investigations.investigation", "investigations.operation",
        "investigations.exhibit", "investigations.suspect")),
    "intelligence": Section("intelligence", frozenset({Role.ANALYST, Role.INVESTIGATOR,
                                                       Role.SUPERVISOR}), police=True),
    "partners": Section("partners", REGISTER_ROLES),
    "statistics": Section("statistics", frozenset({Role.ANALYST, Role.SUPERVISOR})),
    "audit": Section("audit log", frozenset({Role.SUPERVISOR, Role.ADMINISTRATOR})),
    # Every agency owns records on the schedule (register children, at least); its
    # supervisors review them, and decide only on their own agency's (retention/views.py).
    "retention": Section("retention review", frozenset({Role.SUPERVISOR})),
}


def section_roles(name: str) -> tuple[str, ...]:
    """The roles that open section `name`, for an app's own role checks (in Role order)."""
    roles = SECTIONS[name].roles
    return tuple(role for role in Role.values if roles is None or role in roles)


def may_open(user: User, name: str) -> bool:
    section = SECTIONS[name]
    if not user.is_active or user.agency is None or user.agency_id is None:
        return False
    if section.roles is not None and user.role not in section.roles:
        return False
    if section.police and not is_police(user):
        return bool(section.shared) and Share.objects.active().filter(
            agency_id=user.agency_id,
            content_type__in=[ContentType.objects.get_by_natural_key(*label.split("."))
                              for label in section.shared],
        ).exists()
    return True


def require_section(request: HttpRequest, name: str) -> User:
    """The user, if they may open section `name`; else 403 (recorded)."""
    user = signed_in_user(request)
    if not may_open(user, name):
        raise Forbidden(None, f"the {SECTIONS[name].label} is not open to this agency or role")
    return user


def require_administrator(request: HttpRequest) -> User:
    return require_role(request, Role.ADMINISTRATOR)


def require_platform_administrator(request: HttpRequest) -> User:
    user = require_administrator(request)
    if not user.manages_all_agencies:
        raise Forbidden(None, "only platform administrators manage agencies")
    return user


def get_user_for_admin(request: HttpRequest, pk: int | str) -> User:
    """A user account an administrator may manage: their own agency's, or any for a
    platform administrator. 404 for another agency's user, as for records."""
    admin = require_administrator(request)
    ref = Ref(User._meta.label_lower, str(pk))
    try:
        target = User.objects.select_related("agency").get(pk=pk)
    except (User.DoesNotExist, ValueError, TypeError):
        raise NoAccess(ref) from None
    if not admin.manages_all_agencies and (
        admin.agency_id is None or target.agency_id != admin.agency_id
    ):
        raise NoAccess(ref)
    return target


def manageable_users(request: HttpRequest) -> models.QuerySet[User]:
    admin = require_administrator(request)
    users = User.objects.select_related("agency")
    if admin.manages_all_agencies:
        return users
    if admin.agency is None:
        return users.none()
    return users.filter(agency=admin.agency)


def readable_labels(user: User, events: Iterable[AuditEventLike]) -> set[tuple[str, str]]:
    """The (object_type, object_id) of the events whose record `user` may read, so that
    an audit page names only those (rows written before refusals stopped carrying labels
    keep theirs: they are filtered here, since the chain forbids rewriting them).

    Agency-owned records: the user's agency owns them or has them shared. Users and
    agencies: the user's own agency's, or any for a platform administrator. Other
    records (review items, jobs ...): events of the user's own agency. Types that are
    not records at all ("api") carry no one's name.
    """
    from django.apps import apps

    wanted: dict[str, set[str]] = {}
    own_agency: set[tuple[str, str]] = set()
    for event in events:
        if not event.object_type:
            continue
        wanted.setdefault(event.object_type, set()).add(event.object_id)
        if event.agency_id is not None and event.agency_id == user.agency_id:
            own_agency.add((event.object_type, event.object_id))
    readable: set[tuple[str, str]] = set()
    for object_type, ids in wanted.items():
        try:
            model = apps.get_model(current_type(object_type))
        except (LookupError, ValueError):
            readable.update((object_type, i) for i in ids)  # not a record type
            continue
        keys = [key for i in ids if (key := record_id(i)) is not None]
        found: models.QuerySet[Any]
        if issubclass(model, AgencyOwned):
            found = visible_to_user(user, model).filter(pk__in=keys)
        elif model in (User, Agency):
            found = model._default_manager.filter(pk__in=keys)
            if not user.manages_all_agencies:
                found = found.filter(**({"agency_id": user.agency_id} if model is User
                                        else {"pk": user.agency_id}))
        else:
            readable.update(key for key in own_agency if key[0] == object_type)
            continue
        readable.update((object_type, str(pk)) for pk in found.values_list("pk", flat=True))
    return readable


def can_see_access_log(user: User, obj: AgencyOwned) -> bool:
    """Supervisors and administrators of the owning agency; never a partner."""
    return (
        user.is_active
        and user.agency_id == obj.owning_agency_id
        and user.has_role(Role.SUPERVISOR, Role.ADMINISTRATOR)
    )


def share(request: HttpRequest, obj: AgencyOwned, agency: Agency, reason: str) -> Share:
    """Share `obj` read-only with `agency` (a disclosure, recorded with its reason)."""
    user = signed_in_user(request)
    get_object_for(request, type(obj), obj.pk, need="write")
    if agency.pk == obj.owning_agency_id:
        raise ValueError("a record is not shared with its own agency")
    if not reason.strip():
        raise ValueError("a share needs a reason")
    with transaction.atomic():
        existing = Share.objects.active().for_object(obj).filter(agency=agency).first()
        if existing is not None:
            return existing
        created = Share.objects.create(
            content_type=ContentType.objects.get_for_model(obj),
            object_id=obj.pk,
            agency=agency,
            reason=reason,
            shared_by=user,
        )
        record(request, Action.SHARE, obj, reason, with_agency=agency.name)
    return created


def revoke(request: HttpRequest, granted: Share) -> None:
    """End a share (it stays on record, stamped, as the disclosure it was)."""
    user = signed_in_user(request)
    record_obj = granted.record
    if not isinstance(record_obj, AgencyOwned):
        raise NoAccess(None, "the shared record no longer exists")
    get_object_for(request, type(record_obj), record_obj.pk, need="write")
    with transaction.atomic():
        granted.revoked_at = timezone.now()
        granted.revoked_by = user
        granted.save(update_fields=["revoked_at", "revoked_by"])
        record(request, Action.REVOKE, record_obj, with_agency=granted.agency.name)
