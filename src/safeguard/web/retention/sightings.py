"""Sightings past the schedule's period (`[sightings] keep_years`): removed by whole
calendar months (UTC), by a scheduled job (`safeguard retention sightings`), not by a
supervisor's review of each: a sighting is a raw observation, and what it showed about a
subject stays in the subject's own record, reviewed under its MoPI group.

    before = boundary(today, schedule.sightings.keep_years)
    old_sightings(today, schedule)          # {agency id: rows} that would go
    dispose_old(today, schedule, by="...")  # remove them, and record it

On PostgreSQL each month is a partition of the table (intelligence/partitions.py):
dropping it takes milliseconds whatever it holds, where deleting its rows takes minutes
and leaves the table's pages to vacuum (docs/benchmarks.md). On SQLite the rows are
deleted, as any record's are. Either way the removal is one transaction that also writes
one SightingsDisposal and one audit event per agency whose rows went (DPA 2018 s62).

The hourly presence of subjects in the live picture (HourlyPresence: a subject, an hour,
a district) is derived from the sightings and names a person's subject, so its hours
before the boundary go too; the hourly counts (HourlyCount: numbers, no one named) stay,
so the chart and the statistics of past years do not change.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.db import transaction
from django.db.models import Count

from .. import audit
from ..accounts.models import Agency
from ..audit.events import Ref
from ..audit.models import Action
from ..intelligence import partitions
from ..intelligence.models import HourlyPresence, Sighting
from .conf import Schedule
from .kinds import cutoff
from .models import SightingsDisposal


def boundary(today: date, keep_years: int) -> datetime:
    """Sightings observed before this instant are past the period: the start (UTC) of
    the month of the last date that is `keep_years` old today. Every one of them is at
    least `keep_years` old (its local date is on or before that date, in UTC or the UK's
    summer time alike), and none is kept more than a month longer."""
    last = cutoff(today, keep_years)
    return datetime(last.year, last.month, 1, tzinfo=UTC)


def old_sightings(today: date, schedule: Schedule) -> dict[int, int]:
    """Rows per agency that `dispose_old` would remove today (a count, for the job's
    report; an index-free scan of the old months on either database)."""
    return _count_before(boundary(today, schedule.sightings.keep_years))


def _count_before(before: datetime) -> dict[int, int]:
    rows = (Sighting.objects.filter(observed_at__lt=before).order_by()
            .values("agency_id").annotate(number=Count("id")))
    return {row["agency_id"]: row["number"] for row in rows}


@dataclass(frozen=True)
class Disposed:
    before: datetime
    method: str
    partitions: list[str]
    records: list[SightingsDisposal]
    presence_hours: int    # HourlyPresence rows removed with them

    @property
    def rows(self) -> int:
        return sum(record.rows for record in self.records)


def dispose_old(today: date, schedule: Schedule, *, by: str) -> Disposed:
    """Remove every sighting observed before the boundary, in one transaction with its
    records. `by` names the job that ran it (the audit's actor name)."""
    keep_years = schedule.sightings.keep_years
    before = boundary(today, keep_years)
    per_agency: Counter[int] = Counter()
    dropped_by_agency: dict[int, list[str]] = {}
    with transaction.atomic():
        if partitions.partitioned():
            method = "partitions"
            dropped, stray = partitions.drop_before(before)
            names = [part.partition.name for part in dropped]
            for part in dropped:
                for agency_id, number in part.rows_by_agency.items():
                    per_agency[agency_id] += number
                    dropped_by_agency.setdefault(agency_id, []).append(part.partition.name)
            per_agency.update(stray)
        else:
            method = "rows"
            names = []
            per_agency.update(_count_before(before))
            Sighting.objects.filter(observed_at__lt=before).delete()
        presence, _ = HourlyPresence.objects.filter(hour__lt=before).delete()
        records = []
        agencies = Agency.objects.in_bulk(list(per_agency))
        label = f"Sightings observed before {before:%Y-%m-%d} (UTC)"
        for agency_id, number in sorted(per_agency.items()):
            record = SightingsDisposal.objects.create(
                agency_id=agency_id, before=before, keep_years=keep_years, rows=number,
                method=method, partitions=dropped_by_agency.get(agency_id, []),
                disposed_by=by[:150])
            records.append(record)
            audit.record(None, Action.DELETE,
                         Ref("intelligence.sighting", f"before-{before:%Y-%m-%d}", label),
                         f"Retention schedule: sightings are kept {keep_years} years",
                         username=by, actor_agency=agencies.get(agency_id),
                         retention="sightings", rows=number, method=method,
                         partitions=record.partitions, disposal=record.pk)
    return Disposed(before, method, names, records, presence)
