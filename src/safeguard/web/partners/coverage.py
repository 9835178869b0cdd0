"""Training coverage: businesses (and licensed drivers) trained out of those known, by
district and sector, or by licensing authority and sector.

A business counts as **known** while it is trading (on record and not marked closed); as
**trained** when, in addition, it attended at least one session held on or before the
day (and on or after `since`, when given: "trained in the last two years"). A licensed
driver counts the same way while licensed. By licensing authority, a business is counted
under the council that issued its licence ("Not recorded" when none is given), a driver
under the council that issued the badge.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Exists, Model, OuterRef, QuerySet

from ..accounts.models import Agency
from ..core.models import Area
from .models import Attendance, Business, DriverAttendance, LicensedDriver, Sector
from .models.licensing import AUTHORITIES

NOT_RECORDED = "Not recorded"


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
    rows: list[tuple[Any, list[Cell], Cell]]  # (district or authority, sectors, all)
    totals: list[Cell]
    total: Cell
    # By licensing authority only: each row's licensed drivers, and all of them.
    drivers: list[Cell] = field(default_factory=list)
    drivers_total: Cell | None = None


Counts = dict[tuple[Hashable, str], list[int]]


def _flags(records: QuerySet[Any], attendance: type[Model], link: str, on: date,
           since: date | None) -> QuerySet[Any]:
    sessions = attendance._default_manager.filter(
        **{link: OuterRef("pk")}, session__held_on__lte=on)
    if since is not None:
        sessions = sessions.filter(session__held_on__gte=since)
    return records.annotate(is_trained=Exists(sessions))


def _count(rows: Iterable[tuple[Hashable, str, bool]]) -> Counts:
    counts: Counts = {}
    for key, sector, trained in rows:
        cell = counts.setdefault((key, sector), [0, 0])
        cell[1] += 1
        cell[0] += int(trained)
    return counts


def _sum(cells: Iterable[Cell]) -> Cell:
    listed = list(cells)
    return Cell(sum(c.trained for c in listed), sum(c.known for c in listed))


def _assemble(labels: Sequence[tuple[Hashable, Any, bool]], counts: Counts) -> Coverage:
    """Rows in `labels`' order, (key, label, shown even when empty)."""
    sectors = list(Sector.choices)
    rows = []
    for key, label, always in labels:
        cells = [Cell(*counts.get((key, sector), [0, 0])) for sector, _ in sectors]
        row_total = _sum(cells)
        if always or row_total.known:
            rows.append((label, cells, row_total))
    totals = [_sum(r[1][i] for r in rows) for i in range(len(sectors))]
    return Coverage(sectors, rows, totals, _sum(totals))


def coverage(businesses: QuerySet[Business], on: date, since: date | None = None) -> Coverage:
    known = _flags(businesses.filter(trading=True), Attendance, "business", on, since)
    counts = _count(known.values_list("district_id", "sector", "is_trained"))
    return _assemble([(area.pk, area, area.active)
                      for area in Area.objects.order_by("name")], counts)


def by_authority(businesses: QuerySet[Business], drivers: QuerySet[LicensedDriver], on: date,
                 since: date | None = None) -> Coverage:
    """Businesses by licensing authority and sector, with each authority's drivers."""
    known = _flags(businesses.filter(trading=True), Attendance, "business", on, since)
    counts = _count(known.values_list("licensing_authority_id", "sector", "is_trained"))
    licensed = _flags(drivers.filter(licensed=True), DriverAttendance, "driver", on, since)
    by_driver = _count((authority, "", trained) for authority, trained in
                       licensed.values_list("licensing_authority_id", "is_trained"))
    authorities = Agency.objects.filter(AUTHORITIES).order_by("name")
    # An authority is shown while active, or while it has businesses or drivers counted.
    labels: list[tuple[Hashable, Any, bool]] = [
        (a.pk, a, a.active or (a.pk, "") in by_driver) for a in authorities]
    labels.append((None, NOT_RECORDED, False))
    table = _assemble(labels, counts)
    keys = {id(label): key for key, label, _ in labels}
    drivers_cells = [Cell(*by_driver.get((keys[id(label)], ""), [0, 0]))
                     for label, _, _ in table.rows]
    return Coverage(table.sectors, table.rows, table.totals, table.total,
                    drivers_cells, _sum(drivers_cells))
