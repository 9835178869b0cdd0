"""Figures made ready to show: per measure a table by district, this period beside the
previous one, suppressed for publication or exact for the analysts' own screen.

    pub = publish(compute(period), compute(period.previous()), suppress=True)
    pub.measures["referrals"].rows[0].this.text      # "12", "<5" or "*"

Every table is protected on its own (suppression.py): a measure's district column with
its total, for each period; the children at risk by grade with row and column totals.
The same cell is shown the same way wherever it appears: the "children at risk" figures
of the summary, the map and the charts are taken from the protected grade table. A
change between periods is shown only when both figures are published.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..core.models import Area
from .figures import BY_KEY, GRADES, MEASURES, District, Figures, Measure, rows_for
from .periods import Period
from .suppression import Cell, Protected, alone, column, protect

GRADE_KEYS = tuple(f"children_{g.value}" for g in GRADES)


@dataclass
class Row:
    district: District
    name: str
    this: Cell
    before: Cell

    @property
    def change(self) -> str:
        return change(self.this, self.before)


@dataclass
class MeasureTable:
    measure: Measure
    available: bool
    note: str
    rows: list[Row]
    this_total: Cell
    before_total: Cell

    @property
    def change(self) -> str:
        return change(self.this_total, self.before_total)


@dataclass
class GradeTable:
    rows: list[tuple[str, list[Cell], Cell]]
    totals: list[Cell]
    total: Cell


@dataclass
class Publication:
    period: Period
    previous: Period
    suppressed: bool
    measures: dict[str, MeasureTable]
    grades: GradeTable
    grades_before: GradeTable
    codes: dict[District, str] = field(default_factory=dict)  # area pk -> ONS code

    def groups(self) -> list[tuple[str, list[MeasureTable]]]:
        grouped: dict[str, list[MeasureTable]] = {}
        for measure in MEASURES:
            grouped.setdefault(measure.group, []).append(self.measures[measure.key])
        return list(grouped.items())


def change(this: Cell, before: Cell) -> str:
    if not (this.published and before.published):
        return "–"
    diff = this.value - before.value
    return "0" if diff == 0 else f"{diff:+,}".replace("-", "−")


def publish(this: Figures, before: Figures, *, suppress: bool) -> Publication:
    codes: dict[District, str] = dict(Area.objects.values_list("pk", "ons_code"))
    grade_rows = rows_for(this, before, keys=GRADE_KEYS)
    grades_now = _grade_table(this, grade_rows, suppress)
    grades_then = _grade_table(before, grade_rows, suppress)
    measures: dict[str, MeasureTable] = {}
    for measure in MEASURES:
        now, then = this[measure.key], before[measure.key]
        available = now.available and then.available
        note = now.note or then.note
        if not measure.by_district or not available:
            measures[measure.key] = MeasureTable(
                measure, available, note, [],
                alone(now.total, suppress), alone(then.total, suppress))
            continue
        rows = grade_rows
        if measure.key in GRADE_KEYS or measure.key == "children_at_risk":
            now_cells, now_total = _from_grades(grades_now, measure.key)
            then_cells, then_total = _from_grades(grades_then, measure.key)
        else:
            rows = rows_for(this, before, keys=[measure.key])
            now_cells, now_total = column([now.get(d) for d, _ in rows], suppress)
            then_cells, then_total = column([then.get(d) for d, _ in rows], suppress)
        measures[measure.key] = MeasureTable(
            measure, True, "",
            [Row(d, name, a, b) for (d, name), a, b in zip(rows, now_cells, then_cells,
                                                          strict=True)],
            now_total, then_total)
    return Publication(this.period, before.period, suppress, measures, grades_now,
                       grades_then, codes)


def _grade_table(figures: Figures, rows: list[tuple[District, str]],
                 suppress: bool) -> GradeTable:
    body = [[figures[key].get(d) for key in GRADE_KEYS] for d, _ in rows]
    table = protect(body, row_totals=True, column_totals=True) if suppress else _exact(body)
    assert table.row_totals is not None and table.column_totals is not None
    assert table.grand_total is not None
    return GradeTable(
        rows=[(name, cells, total) for (_, name), cells, total in
              zip(rows, table.body, table.row_totals, strict=True)],
        totals=table.column_totals, total=table.grand_total)


def _exact(body: list[list[int]]) -> Protected:
    columns = len(GRADE_KEYS)
    return Protected(
        body=[[Cell(v) for v in row] for row in body],
        row_totals=[Cell(sum(row)) for row in body],
        column_totals=[Cell(sum(row[c] for row in body)) for c in range(columns)],
        grand_total=Cell(sum(sum(row) for row in body)),
    )


def _from_grades(table: GradeTable, key: str) -> tuple[list[Cell], Cell]:
    if key == "children_at_risk":
        return [total for _, _, total in table.rows], table.total
    index = GRADE_KEYS.index(key)
    return [cells[index] for _, cells, _ in table.rows], table.totals[index]


def measure(key: str) -> Measure:
    return BY_KEY[key]
