"""Who may do what in investigations, on top of safeguard.web.policy.

- Reading follows the policy: the owning agency, or a partner while a record is shared
  with it (read-only).
- Creating and editing operations, investigations, suspects and exhibits: investigators,
  forensic examiners and supervisors of a police agency (the owning one, for edits).
- Starting or cancelling a triage: investigators and forensic examiners of the agency
  that owns the exhibit.
- A triage job has no rights of its own: they are its exhibit's, so sharing an exhibit
  shares its triage results, and a refusal is recorded against the exhibit.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest

from ..accounts.models import AgencyKind, Role, User
from ..audit.events import Ref
from ..core.models import AgencyOwned
from ..policy import Forbidden, Need, NoAccess, get_object_for, require_role
from .models import Exhibit, TriageJob

EDITOR_ROLES = (Role.INVESTIGATOR, Role.FORENSIC_EXAMINER, Role.SUPERVISOR)
TRIAGE_ROLES = (Role.INVESTIGATOR, Role.FORENSIC_EXAMINER)


def require_police_editor(request: HttpRequest) -> User:
    """403 unless the user may create investigation records: an editor role in a police
    agency (partners' supervisors hold the role name too, but keep no police records)."""
    user = require_role(request, *EDITOR_ROLES)
    if user.agency is None or user.agency.kind != AgencyKind.POLICE:
        raise Forbidden(None, "only police agencies keep investigation records")
    return user


def can_create(user: User) -> bool:
    return (
        user.has_role(*EDITOR_ROLES)
        and user.agency is not None
        and user.agency.kind == AgencyKind.POLICE
    )


def can_edit(user: User, obj: AgencyOwned) -> bool:
    return user.has_role(*EDITOR_ROLES) and obj.owning_agency_id == user.agency_id


def can_triage(user: User, exhibit: Exhibit) -> bool:
    return user.has_role(*TRIAGE_ROLES) and exhibit.owning_agency_id == user.agency_id


def get_job_for(
    request: HttpRequest, pk: int | str, need: Need = "read", roles: Iterable[str] | None = None
) -> TriageJob:
    """The job, if the user may `need` its exhibit; else NoAccess (404) or Forbidden."""
    try:
        exhibit_id = TriageJob.objects.values_list("exhibit_id", flat=True).get(pk=pk)
    except (TriageJob.DoesNotExist, ValueError, TypeError):
        raise NoAccess(Ref(TriageJob._meta.label_lower, str(pk)), "not found") from None
    exhibit = get_object_for(request, Exhibit, exhibit_id, need=need, roles=roles)
    job = TriageJob.objects.get(pk=pk)
    job.exhibit = exhibit
    return job
