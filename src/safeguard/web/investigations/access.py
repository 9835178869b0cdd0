"""Who may do what in investigations, on top of core.policy.

- Reading follows the policy: the owning agency, or a partner while a record is shared
  with it (read-only).
- Creating and editing operations, investigations, suspects and exhibits: investigators,
  forensic examiners and supervisors of a police agency (the owning one, for edits).
- Triage runs of an exhibit: triage_runs/access.py (their rights are the exhibit's).
"""

from __future__ import annotations

from django.http import HttpRequest

from ..accounts.models import Role, User
from ..core.models import AgencyOwned
from ..core.policy import Forbidden, is_police, require_role

EDITOR_ROLES = (Role.INVESTIGATOR, Role.FORENSIC_EXAMINER, Role.SUPERVISOR)


def require_police_editor(request: HttpRequest) -> User:
    """403 unless the user may create investigation records: an editor role in a police
    agency (partners' supervisors hold the role name too, but keep no police records)."""
    user = require_role(request, *EDITOR_ROLES)
    if not is_police(user):
        raise Forbidden(None, "only police agencies keep investigation records")
    return user


def can_create(user: User) -> bool:
    return user.has_role(*EDITOR_ROLES) and is_police(user)


def can_edit(user: User, obj: AgencyOwned) -> bool:
    return user.has_role(*EDITOR_ROLES) and obj.owning_agency_id == user.agency_id
