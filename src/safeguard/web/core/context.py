"""Template context for the base layout's navigation."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from ..accounts.models import Role, User


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    # Error pages can render before the OTP middleware has run: no is_verified then.
    is_verified = getattr(user, "is_verified", None)
    signed_in = bool(
        isinstance(user, User) and user.is_authenticated and is_verified and is_verified()
    )
    member = user if signed_in and isinstance(user, User) else None
    from .policy import SECTIONS, may_open

    return {
        # Which sections the home page offers: the access policy's one rule.
        "sections": {name: member is not None and may_open(member, name)
                     for name in SECTIONS} if member is not None else {},
        "signed_in": signed_in,
        "nav_admin": member is not None and member.is_administrator,
        "nav_platform_admin": member is not None and member.is_platform_administrator,
        "nav_audit": member is not None and member.has_role(Role.ADMINISTRATOR, Role.SUPERVISOR),
        "demo_mode": settings.MODE == "demo",
        "idle_minutes": int(settings.IDLE_TIMEOUT.total_seconds() // 60),
        "idle_seconds": int(settings.IDLE_TIMEOUT.total_seconds()),
    }
