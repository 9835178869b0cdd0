"""Children at risk per 10,000 children, by district and for the whole area.

    table = build(pub)                  # pub: publication.publish(...)
    table.rows[0].rate                  # "12.3", "<5", "*" or "–"

The count is the report's own "children at risk" (figures.py): each child once, at the
period's end, closed and aged-out children left out; per district it is the cell the
report publishes (the grade table's row total), so a count shown as "<5" or "*" there
gives a rate shown the same way here — a rate must not give back a suppressed count. The
denominator is the district's children aged 0 to 17 (population.py). A district without
a population has no rate ("–"), and the whole area's rate is published only when every
district has one: a rate over part of the area's children would read as the area's.
"""

from __future__ import annotations

from dataclasses import dataclass

from .figures import District
from .population import Population, children
from .publication import Publication
from .suppression import Cell

PER = 10_000
NOT_AVAILABLE = "–"


class _Rated:
    """A count over a population, as the template shows them: a district's row, and the
    whole area's (the table's total)."""

    count: Cell
    population: int | None

    @property
    def rate(self) -> str:
        return rate_text(self.count, self.population)

    @property
    def population_text(self) -> str:
        return population_text(self.population)


@dataclass(frozen=True)
class RateRow(_Rated):
    district: District
    name: str
    count: Cell
    population: int | None


@dataclass(frozen=True)
class RateTable(_Rated):
    rows: list[RateRow]
    count: Cell
    population: int | None  # every district's children; None when one is missing
    missing: list[str]      # the districts without a population
    credit: str


def population_text(population: int | None) -> str:
    return f"{population:,}" if population else NOT_AVAILABLE


def rate_text(count: Cell, population: int | None) -> str:
    if not count.published:
        return count.text  # "<5" or "*": the rate would give the count back
    if not population:
        return NOT_AVAILABLE
    return f"{count.value * PER / population:.1f}"


def build(pub: Publication, table: Population | None = None) -> RateTable:
    table = table if table is not None else children()
    known = table.by_code
    measure = pub.measures["children_at_risk"]
    rows = []
    for row in measure.rows:
        code = pub.codes.get(row.district) if row.district is not None else None
        rows.append(RateRow(row.district, row.name, row.this,
                            known.get(code) if code is not None else None))
    # "Not recorded" has no population of its own: its children live somewhere in the area
    # and count in the whole area's rate, but it has no rate of its own.
    missing = [r.name for r in rows if r.district is not None and r.population is None]
    whole = (sum(r.population for r in rows if r.population is not None)
             if not missing else None)
    return RateTable(rows, measure.this_total, whole, missing, table.credit)
