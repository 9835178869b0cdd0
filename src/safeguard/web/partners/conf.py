"""The concern form's rate limits: from the environment (docs/web.md), or for tests the
Django setting PARTNERS_RATE_LIMITS = {"per_address": n, "per_code": n, "window": s}."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.conf import settings

from ..env import env_int

WINDOW_SECONDS = 3600


@dataclass(frozen=True)
class RateLimits:
    per_address: int
    per_code: int
    window: int = WINDOW_SECONDS
    # Reports with codes nobody issued, from all addresses together, before the rest are
    # held out of the open queue (each is still kept, and answered like any other).
    unknown_codes: int = 100


@cache
def _from_environment() -> RateLimits:
    return RateLimits(
        per_address=env_int("SAFEGUARD_CONCERN_LIMIT_PER_ADDRESS", 10, minimum=1),
        per_code=env_int("SAFEGUARD_CONCERN_LIMIT_PER_CODE", 20, minimum=1),
        unknown_codes=env_int("SAFEGUARD_CONCERN_LIMIT_UNKNOWN_CODES", 100, minimum=1),
    )


def rate_limits() -> RateLimits:
    override = getattr(settings, "PARTNERS_RATE_LIMITS", None)
    if override is not None:
        return RateLimits(**override)
    return _from_environment()
