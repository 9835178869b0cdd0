"""Online referrals' timeliness in the committee report: how long from a referral's
receipt (NCMEC by way of the NCA, or another force) to its assessment, to action, and to
the referral of the children at the address to children's social care. HMICFRS (April
2023) found forces taking up to 18 months to act on such referrals; the committee asks
whether this area does.

The figures are intelligence/protection/timeliness.py's, for every agency's referrals
received in the period and as they stood at its last moment. Published for the whole area
only, never by district or band (a district's few referrals would point at an address).
Each step is one line, received = reached + still waiting, protected as a table row with
its total (suppression.protect): below 5 reads "<5", and a cell that the total would give
away is withheld ("*"). A median or 90th percentile is published only over at least
STRICT (10) referrals, since a median of a handful is one family's case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from django.utils import timezone

from ..intelligence.protection.timeliness import STEPS, timeliness
from .periods import Period
from .suppression import STRICT, Cell, protect


@dataclass(frozen=True)
class Step:
    key: str             # intelligence.protection.timeliness.STEPS's: "assessed", ...
    label: str           # what the report shows
    received: Cell       # referrals received in the period (children, for the last step)
    reached: Cell        # those that reached the step by the period's end
    waiting: Cell        # those that had not
    median: str          # days, or "–" where fewer than STRICT reached it
    p90: str


def _days(value: float | None, reached: int) -> str:
    return "–" if reached < STRICT or value is None else f"{value:.1f}"


def build(period: Period) -> list[Step]:
    end = timezone.make_aware(datetime.combine(period.end, time.max))
    figures = timeliness(None, received=(period.first_moment, period.after), at=end)
    steps = []
    for key, label in STEPS:
        cell = figures.overall.cells[key]
        line = protect([[cell.count, cell.waiting]], row_totals=True, column_totals=False)
        assert line.row_totals is not None
        reached, waiting = line.body[0]
        steps.append(Step(key, label, line.row_totals[0], reached, waiting,
                          _days(cell.median, cell.count), _days(cell.p90, cell.count)))
    return steps
