"""Training coverage: businesses trained out of those known, by district and sector.

A business counts as **known** while it is trading (on record and not marked closed); as
**trained** when, in addition, it attended at least one session held on or before the
day (and on or after `since`, when given: "trained in the last two years").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, QuerySet

from ..core.models import Area
from .models import Attendance, Business, Sector


@dataclass(frozen=True)
class Cell:
    trained: int
    known: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.trained / self.known) if self.known else None


@dataclass(frozen=True)
class Coverage:
    sectors: list[tuple[str, str]]
    rows: list[tuple[Area, list[Cell], Cell]]
    totals: list[Cell]
    total: Cell


def coverage(businesses: QuerySet[Business], on: date, since: date | None = None) -> Coverage:
    sessions = Attendance.objects.filter(business=OuterRef("pk"), session__held_on__lte=on)
    if since is not None:
        sessions = sessions.filter(session__held_on__gte=since)
    known = businesses.filter(trading=True).annotate(
        is_trained=Exists(sessions))
    counts: dict[tuple[int, str], list[int]] = {}
    for district_id, sector, trained in known.values_list("district_id", "sector", "is_trained"):
        cell = counts.setdefault((district_id, sector), [0, 0])
        cell[1] += 1
        cell[0] += int(trained)
    sectors = list(Sector.choices)
    rows = []
    for area in Area.objects.order_by("name"):
        cells = [Cell(*counts.get((area.pk, key), [0, 0])) for key, _ in sectors]
        row_total = Cell(sum(c.trained for c in cells), sum(c.known for c in cells))
        if area.active or row_total.known:
            rows.append((area, cells, row_total))
    totals = [Cell(sum(r[1][i].trained for r in rows), sum(r[1][i].known for r in rows))
              for i in range(len(sectors))]
    total = Cell(sum(c.trained for c in totals), sum(c.known for c in totals))
    return Coverage(sectors, rows, totals, total)
