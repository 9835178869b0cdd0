"""Intelligence's clock: "now" for the live picture, recency and the chart.

The Django setting INTELLIGENCE_NOW (an aware datetime or an ISO 8601 string) fixes it, so
that tests (and a training copy) need no sleeping. Production never sets it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.conf import settings
from django.utils import timezone


def now() -> datetime:
    fixed = getattr(settings, "INTELLIGENCE_NOW", None)
    if fixed is None:
        return timezone.now()
    moment = datetime.fromisoformat(fixed) if isinstance(fixed, str) else fixed
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment.astimezone(UTC)
