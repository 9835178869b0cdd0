"""Refresher training: due a configurable interval (conf.refresher_months) after a
business's or a licensed driver's last session held on or before the day.

    rows = refreshers(visible_to(request, Business), visible_to(request, LicensedDriver), on)
    [r for r in rows if r.overdue]

Only what is still trading (businesses) or licensed (drivers) and has had training at all
is due a refresher; the never trained are coverage's concern (coverage.py). A refresher
due today is due, not overdue: overdue is a due date before the day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Max, Q, QuerySet

from ..safeguarding.rules import add_months
from .conf import refresher_months
from .models import Business, LicensedDriver


@dataclass(frozen=True)
class Refresher:
    record: Business | LicensedDriver
    last_trained: date
    due: date
    on: date

    @property
    def overdue(self) -> bool:
        return self.due < self.on

    @property
    def is_driver(self) -> bool:
        return isinstance(self.record, LicensedDriver)


def due_on(last_trained: date, months: int | None = None) -> date:
    return add_months(last_trained, refresher_months() if months is None else months)


def with_last_trained(records: QuerySet[Business] | QuerySet[LicensedDriver],
                      on: date) -> QuerySet:  # type: ignore[type-arg]
    """Each record with `last_trained`: its latest session held on or before `on`, or None.
    Businesses and drivers both reach their sessions through `attendances`."""
    return records.annotate(last_trained=Max(
        "attendances__session__held_on", filter=Q(attendances__session__held_on__lte=on)))


def refreshers(businesses: QuerySet[Business], drivers: QuerySet[LicensedDriver],
               on: date, months: int | None = None) -> list[Refresher]:
    """Every trained business and driver with its refresher's due date, earliest first."""
    months = refresher_months() if months is None else months
    rows: list[Refresher] = []
    # The page names each business's district and each driver's licensing authority.
    for records in (businesses.filter(trading=True).select_related("district"),
                    drivers.filter(licensed=True).select_related("licensing_authority")):
        for record in with_last_trained(records, on).filter(last_trained__isnull=False):
            rows.append(Refresher(record, record.last_trained,
                                  due_on(record.last_trained, months), on))
    return sorted(rows, key=lambda r: (r.due, str(r.record)))
