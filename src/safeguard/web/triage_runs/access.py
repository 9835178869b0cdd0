"""Who may do what with triage runs, on top of core.policy.

- A triage job has no rights of its own: they are its exhibit's, so sharing an exhibit
  shares its triage results, and a refusal is recorded against the job's id, then the
  exhibit.
- Starting or cancelling a triage: investigators and forensic examiners of the agency
  that owns the exhibit.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest

from ..accounts.models import Role, User
from ..audit.events import Ref
from ..core.policy import Need, NoAccess, get_object_for
from ..investigations.models import Exhibit
from .models import TriageJob

TRIAGE_ROLES = (Role.INVESTIGATOR, Role.FORENSIC_EXAMINER)


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
