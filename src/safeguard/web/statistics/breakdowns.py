"""Breakdowns by sex and ethnic group, for children and for adults of concern.

IICSA (2022) recommended that victims and perpetrators be counted by sex, ethnicity and
disability; the national audit of group-based exploitation (Casey, 2025) found the
perpetrator's ethnicity unrecorded in two-thirds of cases. These tables answer that, for
the whole area only and under stricter protection than the district tables:

- only for **fixed periods** — a calendar quarter or a calendar year — so that two
  overlapping periods cannot be differenced (`fixed`);
- counts below **10** (suppression.STRICT) read "<10", with the same secondary rule as
  every other table, each table on its own (a column with its total);
- **record completeness** is itself a figure: the "not known" row of each table, and the
  share recorded where that row and the total are both published; a field the platform
  does not hold (a child's disability, an adult's ethnicity) is said to be not recorded.

Children: those at risk at the period's end, as the figures count them (figures.py: the
latest screening on or before the last day graded low, medium or high; under 18 and not
closed then). Adults: adults of concern arrested in the period, each once.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import OuterRef, Subquery

from ..safeguarding.models import Arrest, Child, Ethnicity, Gender, RiskAssessment, in_work
from .figures import GRADES
from .periods import Period
from .suppression import STRICT, Cell, protect

SEX_ROWS = [(g.value, g.label) for g in Gender]
# The ONS 2021 high-level groups: the first part of each of the 19 groups' names.
ETHNIC_ROWS = [("asian", "Asian, Asian British or Asian Welsh"),
               ("black", "Black, Black British, Black Welsh, Caribbean or African"),
               ("mixed", "Mixed or Multiple ethnic groups"),
               ("white", "White"), ("other", "Other ethnic group"),
               ("not", "Not stated or not known")]
UNKNOWN = {Gender.NOT_KNOWN.value, "not"}


@dataclass(frozen=True)
class Breakdown:
    title: str
    rows: list[tuple[str, Cell]]
    total: Cell
    unknown: Cell | None  # the "not known" row, where the field is held

    @property
    def anything_shown(self) -> bool:
        return any(cell.published for _, cell in self.rows)

    @property
    def completeness(self) -> str:
        """The share recorded, where the unknown row and the total are both published."""
        if self.unknown is None or not (self.unknown.published and self.total.published):
            return "–"
        if self.total.value == 0:
            return "–"
        return f"{round(100 * (self.total.value - self.unknown.value) / self.total.value)}%"


def fixed(period: Period) -> bool:
    """A calendar quarter or a calendar year: the only periods broken down."""
    after = period.end + timedelta(days=1)
    months = (after.year - period.start.year) * 12 + after.month - period.start.month
    return (period.start.day == 1 and after.day == 1 and period.start.month % 3 == 1
            and (months == 3 or (months == 12 and period.start.month == 1)))


def children_at_risk(end: date) -> list[tuple[str, str]]:
    """(sex, ethnicity) of each child at risk at `end`, as figures.py counts them."""
    latest = RiskAssessment.objects.filter(child=OuterRef("pk"), completed_on__lte=end).order_by(
        "-completed_on", "-pk").values("grade")[:1]
    return list(in_work(Child.objects.all(), end).annotate(grade_at_end=Subquery(latest))
                .filter(grade_at_end__in=[g.value for g in GRADES])
                .values_list("gender", "ethnicity"))


def _table(title: str, counts: Counter[str], rows: list[tuple[str, str]],
           holds_unknown: bool = True) -> Breakdown:
    table = protect([[counts.get(key, 0)] for key, _ in rows], column_totals=True,
                    threshold=STRICT)
    assert table.column_totals is not None
    cells, total = table.column(0), table.column_totals[0]
    shown = [(label, cell) for (_, label), cell in zip(rows, cells, strict=True)]
    unknown = next((cell for (key, _), cell in zip(rows, cells, strict=True)
                    if key in UNKNOWN), None) if holds_unknown else None
    return Breakdown(title, shown, total, unknown)


def build(period: Period) -> list[Breakdown]:
    children = children_at_risk(period.end)
    adults = set(Arrest.objects.filter(arrested_on__gte=period.start,
                                       arrested_on__lte=period.end)
                 .values_list("adult_id", "adult__gender"))
    return [
        _table("Children at risk at the end, by sex",
               Counter(sex for sex, _ in children), SEX_ROWS),
        _table("Children at risk at the end, by ethnic group",
               Counter(Ethnicity(e).value.split("_")[0] for _, e in children), ETHNIC_ROWS),
        _table("Adults of concern arrested, by sex",
               Counter(sex for _, sex in adults), SEX_ROWS),
    ]


NOT_HELD = ("The platform does not record a child's disability or an adult of concern's "
            "ethnic group, so neither can be broken down: both are 0% complete.")
