"""The concern form's settings: its rate limits, from the environment (docs/web.md), or for
tests the Django setting PARTNERS_RATE_LIMITS = {"per_address": n, "per_code": n,
"window": s}; the address of the force's full privacy notice; and the interval after
which awareness training is due a refresher."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from ..env import SettingError, env_int, env_optional

WINDOW_SECONDS = 3600
# Licensing authorities commonly ask drivers to refresh safeguarding training every two or
# three years; the partnership sets its own (SAFEGUARD_TRAINING_REFRESHER_MONTHS).
REFRESHER_MONTHS = 24


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


@cache
def privacy_notice_url() -> str | None:
    """The force's full privacy notice (SAFEGUARD_PRIVACY_NOTICE_URL), linked from the
    form's short one: it names the force's data protection officer and how to reach
    them, which the platform does not hold. https only: the page is public."""
    url = env_optional("SAFEGUARD_PRIVACY_NOTICE_URL")
    if url is None:
        return None
    try:
        URLValidator(schemes=["https"])(url)
    except ValidationError:
        raise SettingError(
            f"SAFEGUARD_PRIVACY_NOTICE_URL={url!r}: expected an https:// address") from None
    return url


def refresher_months() -> int:
    """Months from a business's or driver's last training to its refresher's due date:
    the Django setting PARTNERS_REFRESHER_MONTHS (tests), else the environment."""
    override = getattr(settings, "PARTNERS_REFRESHER_MONTHS", None)
    if override is not None:
        return int(override)
    return _refresher_from_environment()


@cache
def _refresher_from_environment() -> int:
    return env_int("SAFEGUARD_TRAINING_REFRESHER_MONTHS", REFRESHER_MONTHS, minimum=1)
