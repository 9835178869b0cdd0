"""The register's clock: what "now" and "today" are for deadlines and overdue flags.

Every due date and overdue flag asks here, never `date.today()`, so that tests (and a
training environment) can set the date without sleeping: the Django setting
SAFEGUARDING_NOW (an aware datetime, or an ISO 8601 string) fixes the clock.

    with override_settings(SAFEGUARDING_NOW="2026-03-02T09:00:00+00:00"): ...

Dates are local (Europe/London): a deadline "by the end of the day" is the local day.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from django.conf import settings
from django.utils import timezone


def now() -> datetime:
    fixed = getattr(settings, "SAFEGUARDING_NOW", None)
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
