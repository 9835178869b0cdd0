"""The platform's clock: what "now" and "today" are for deadlines, overdue flags,
recency, the live picture and the statistics' periods.

Every such date asks here, never `date.today()` or `timezone.now()`, so that tests (and a
training copy) can set the date without sleeping: the Django setting CLOCK_NOW (an aware
datetime, or an ISO 8601 string) fixes the clock. Production never sets it.

    with override_settings(CLOCK_NOW="2026-03-02T09:00:00+00:00"): ...

The register's and intelligence's clocks were one each before they became this one; their
settings, SAFEGUARDING_NOW and INTELLIGENCE_NOW, are still read (in that order) when
CLOCK_NOW is not set, so that a test or a training copy that sets either keeps working.

Dates are local (Europe/London): a deadline "by the end of the day" is the local day.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from django.conf import settings
from django.utils import timezone

SETTINGS = ("CLOCK_NOW", "SAFEGUARDING_NOW", "INTELLIGENCE_NOW")


def now() -> datetime:
    fixed = next((value for name in SETTINGS
                  if (value := getattr(settings, name, None)) is not None), None)
    if fixed is None:
        return timezone.now()
    moment = datetime.fromisoformat(fixed) if isinstance(fixed, str) else fixed
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    # In UTC, so that "90 days before" is elapsed time across a clock change.
    return moment.astimezone(UTC)


def today() -> date:
    return timezone.localdate(now())


def local_date(moment: datetime) -> date:
    return timezone.localdate(moment)
