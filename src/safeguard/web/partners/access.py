"""Who may do what with partners' records, on top of safeguard.web.policy.

- Businesses and training sessions belong to the agency whose user recorded them
  (core.policy: the owner reads and writes, a partner with a share reads, others get 404).
  READ_ROLES open them, WRITE_ROLES record and change them.
- Concern reports are police-only: the queue and every report page answer only users of
  a police agency (others: 403 on the queue, 404 on a report, as for any record not
  theirs), with QUEUE_READ_ROLES / QUEUE_WRITE_ROLES.
"""

from __future__ import annotations

from typing import TypeVar

from django.http import HttpRequest

from ..accounts.models import Agency, AgencyKind, Role, User
from ..audit.events import Ref
from ..core.models import AgencyOwned
from ..core.policy import (
    Forbidden,
    Need,
    NoAccess,
    get_object_for,
    is_police,
    is_police_agency,
    require_section,
    section_roles,
    signed_in_user,
)
from .models import ConcernReport

Owned = TypeVar("Owned", bound=AgencyOwned)

READ_ROLES = section_roles("partners")
WRITE_ROLES = (Role.PRACTITIONER, Role.SUPERVISOR, Role.INVESTIGATOR)
QUEUE_READ_ROLES = READ_ROLES
QUEUE_WRITE_ROLES = WRITE_ROLES


def require_reader(request: HttpRequest) -> User:
    """403 unless the partners section is open to the user (policy.SECTIONS)."""
    return require_section(request, "partners")


def require_writer(request: HttpRequest) -> User:
    user = signed_in_user(request)
    if user.role not in WRITE_ROLES:
        raise Forbidden(None, f"role {user.role} may not record partners' records")
    return user


def open_record(request: HttpRequest, model: type[Owned], pk: int | str,
                need: Need = "read") -> Owned:
    roles = READ_ROLES if need == "read" else WRITE_ROLES
    return get_object_for(request, model, pk, need=need, roles=roles)


def require_queue(request: HttpRequest, need: Need = "read") -> User:
    """The concern queue: police agencies only (403 for anyone else)."""
    user = signed_in_user(request)
    if not is_police(user):
        raise Forbidden(None, "the concern queue is for police agencies only")
    roles = QUEUE_READ_ROLES if need == "read" else QUEUE_WRITE_ROLES
    if user.role not in roles:
        raise Forbidden(None, f"role {user.role} may not work the concern queue")
    return user


def open_concern(request: HttpRequest, pk: int | str, need: Need = "read") -> ConcernReport:
    """A concern report: police only, then the policy (owner or share). A user outside the
    police gets 404, so that a report's existence does not leak."""
    user = signed_in_user(request)
    if not is_police(user):
        raise NoAccess(Ref(ConcernReport._meta.label_lower, str(pk)), "police only")
    roles = QUEUE_READ_ROLES if need == "read" else QUEUE_WRITE_ROLES
    return get_object_for(request, ConcernReport, pk, need=need, roles=roles)


def receiving_agency(business_owner: Agency | None) -> Agency | None:
    """The police agency a concern report goes to: the business's own agency when it is
    a police agency, else the force (the oldest active police agency on the platform)."""
    if is_police_agency(business_owner):
        return business_owner
    return Agency.objects.filter(kind=AgencyKind.POLICE, active=True).order_by("pk").first()
