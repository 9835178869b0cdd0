"""The two refusals every view can raise, and the one reason a 404 is recorded with.

    raise NoAccess(ref)             # 404: not found, or not this agency's (never says which)
    raise Forbidden(ref, reason)    # 403: may know it exists, may not do this

Both are recorded as access_denied by core/audit_pages/middleware.py; `reason` stays in
the exception for the server's log and the audit row, never in the page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404

if TYPE_CHECKING:
    from ..audit.events import Ref

# The one reason every 404 refusal is recorded with: "not found" beside "no access"
# would tell a reader of the audit log which ids exist.
NOT_FOUND_OR_NO_ACCESS = "not found or no access"


class NoAccess(Http404):
    """404: the object does not exist or the user's agency has no access to it.

    `reason` stays in the exception for the server's log; the audit records every 404
    with NOT_FOUND_OR_NO_ACCESS, and a refusal never with the record's label."""

    def __init__(self, ref: Ref | None, reason: str = NOT_FOUND_OR_NO_ACCESS) -> None:
        super().__init__("Not found")
        self.ref = ref
        self.reason = reason


class Forbidden(PermissionDenied):
    """403: the user may know the object exists but may not do this (read-only partner,
    or a role that does not allow it)."""

    def __init__(self, ref: Ref | None, reason: str) -> None:
        super().__init__(reason)
        self.ref = ref
        self.reason = reason
