"""Who may do what with intelligence, on top of safeguard.web.policy.

- Intelligence is police-only: a user of any other kind of agency gets 403 for every
  page, recorded as access_denied, without any record being looked up (the platform's
  one rule for sections: core.policy.SECTIONS, and its one police rule,
  core.policy.is_police). A subject, referral or token belongs to its
  police agency; another force gets 404.
- Analysts, investigators and supervisors read it and work it (decisions, merges,
  splits, links to the register); analysts and supervisors import; investigators and
  supervisors open investigations from it; supervisors and administrators manage the
  agency's API tokens. Any other role gets 403.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from django.http import HttpRequest

from ..accounts.models import Role, User
from ..audit.events import Ref
from ..core.models import AgencyOwned
from ..core.policy import Forbidden, Need, get_object_for, is_police, signed_in_user

READ_ROLES = (Role.ANALYST, Role.INVESTIGATOR, Role.SUPERVISOR)
WORK_ROLES = READ_ROLES
IMPORT_ROLES = (Role.ANALYST, Role.SUPERVISOR)
CASE_ROLES = (Role.INVESTIGATOR, Role.SUPERVISOR)
TOKEN_ROLES = (Role.SUPERVISOR, Role.ADMINISTRATOR)

Owned = TypeVar("Owned", bound=AgencyOwned)


def may_read(user: User) -> bool:
    return is_police(user) and user.has_role(*READ_ROLES)


def require_intelligence(request: HttpRequest, roles: Iterable[str] = READ_ROLES,
                         ref: Ref | None = None) -> User:
    user = signed_in_user(request)
    if not is_police(user):
        raise Forbidden(ref, "the intelligence is not open to this agency or role")
    if user.role not in set(roles):
        raise Forbidden(ref, f"role {user.role} may not do this in intelligence")
    return user


def open_record(request: HttpRequest, model: type[Owned], pk: int | str, need: Need = "read",
                roles: Iterable[str] = READ_ROLES) -> Owned:
    """The record, if a police user of its agency with one of `roles` asks (404 / 403)."""
    roles = tuple(roles)
    require_intelligence(request, READ_ROLES + roles,
                         Ref(model._meta.label_lower, str(pk)))
    return get_object_for(request, model, pk, need=need, roles=roles)
