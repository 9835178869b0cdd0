"""Small-number suppression for publication: primary, then secondary.

**Primary.** Every count below THRESHOLD (5), zero included, is shown as "<5". Zero is
included so that "<5" never tells a reader that at least one case exists.

**Secondary.** A total published beside its cells lets a reader work out a suppressed
cell by subtraction. For every line of a table — each column with its total, and in a
table with row totals each row with its total, and the totals row and column with the
grand total — whose total is published, the cells suppressed in it must each keep at
least two possible values, given what the reader knows: the published cells, the total,
that a "<5" cell is 0 to 4 and that a "*" cell is at least 5 (anything smaller would read
"<5"). While a line fails, the smallest published cell of the line is suppressed too and
shown as "*" ("withheld so that a smaller number cannot be worked out"); a line with no
published cell left has its total withheld instead. Lines are checked again until none
fails.

The check is made line by line, as statistical offices' simple methods do (a cell's
bounds from one line at a time), not as a whole-table linear programme; the tables here
are small and most have only column totals, where the two coincide.

    table = protect([[12], [3], [9]], column_totals=True)
    [c.text for c in table.column(0)], table.column_totals[0].text   # ['12', '<5', '*'] '24'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

THRESHOLD = 5
STRICT = 10  # breakdowns by sex and ethnicity: a finer table, a higher threshold
SMALL = "<5"
WITHHELD = "*"


class State(Enum):
    SHOWN = "shown"
    PRIMARY = "primary"      # below the threshold: "<5"
    SECONDARY = "secondary"  # withheld to protect a primary cell: "*"


@dataclass(frozen=True)
class Cell:
    value: int
    state: State = State.SHOWN
    # The primary threshold the cell was protected with: 5, or STRICT for the breakdowns
    # by sex and ethnicity (breakdowns.py), which read "<10".
    threshold: int = THRESHOLD

    @property
    def published(self) -> bool:
        return self.state is State.SHOWN

    @property
    def text(self) -> str:
        if self.state is State.PRIMARY:
            return SMALL if self.threshold == THRESHOLD else f"<{self.threshold}"
        if self.state is State.SECONDARY:
            return WITHHELD
        return f"{self.value:,}"

    @property
    def shown(self) -> int | None:
        """The value where it is published; None where it is suppressed."""
        return self.value if self.published else None

    def __str__(self) -> str:
        return self.text


Key = tuple[str, int, int]  # ("body", row, col) | ("row", row, 0) | ("col", 0, col) | ("all", 0, 0)


@dataclass
class Protected:
    body: list[list[Cell]]
    row_totals: list[Cell] | None
    column_totals: list[Cell] | None
    grand_total: Cell | None

    def column(self, index: int) -> list[Cell]:
        return [row[index] for row in self.body]


def protect(body: Sequence[Sequence[int]], *, row_totals: bool = False,
            column_totals: bool = True, threshold: int = THRESHOLD) -> Protected:
    """Suppress `body` (rows × columns of counts) and its totals for publication; counts
    below `threshold` are primary (a stricter threshold for finer breakdowns)."""
    rows = len(body)
    cols = len(body[0]) if rows else 0
    values: dict[Key, int] = {}
    for r in range(rows):
        if len(body[r]) != cols:
            raise ValueError("every row needs the same number of cells")
        for c in range(cols):
            if body[r][c] < 0:
                raise ValueError("counts are never negative")
            values[("body", r, c)] = body[r][c]
    lines: list[tuple[list[Key], Key]] = []
    if row_totals:
        for r in range(rows):
            values[("row", r, 0)] = sum(body[r])
            lines.append(([("body", r, c) for c in range(cols)], ("row", r, 0)))
    if column_totals:
        for c in range(cols):
            values[("col", 0, c)] = sum(body[r][c] for r in range(rows))
            lines.append(([("body", r, c) for r in range(rows)], ("col", 0, c)))
    if row_totals and column_totals:
        values[("all", 0, 0)] = sum(sum(row) for row in body)
        lines.append(([("row", r, 0) for r in range(rows)], ("all", 0, 0)))
        lines.append(([("col", 0, c) for c in range(cols)], ("all", 0, 0)))
    states = {key: State.PRIMARY if value < threshold else State.SHOWN
              for key, value in values.items()}
    _secondary(values, states, lines, threshold)

    def cell(key: Key) -> Cell:
        return Cell(values[key], states[key], threshold)

    return Protected(
        body=[[cell(("body", r, c)) for c in range(cols)] for r in range(rows)],
        row_totals=[cell(("row", r, 0)) for r in range(rows)] if row_totals else None,
        column_totals=[cell(("col", 0, c)) for c in range(cols)] if column_totals else None,
        grand_total=cell(("all", 0, 0)) if row_totals and column_totals else None,
    )


def protect_column(values: Sequence[int]) -> tuple[list[Cell], Cell]:
    """One column of counts with its total: the cells and the total, suppressed."""
    table = protect([[v] for v in values], column_totals=True)
    assert table.column_totals is not None
    return table.column(0), table.column_totals[0]


def single(value: int) -> Cell:
    """A count published on its own (no cells beside it): primary suppression only."""
    return Cell(value, State.PRIMARY if value < THRESHOLD else State.SHOWN)


def column(values: Sequence[int], suppress: bool) -> tuple[list[Cell], Cell]:
    """A column of counts and its total: exact, or protected together (protect_column);
    no cells and a total of 0 when there are no values."""
    if not suppress:
        return [Cell(v) for v in values], Cell(sum(values))
    return protect_column(values) if values else ([], single(0))


def alone(value: int, suppress: bool) -> Cell:
    """A count with no cells beside it: exact, or `single`."""
    return single(value) if suppress else Cell(value)


def percent(part: Cell, whole: Cell) -> str:
    """`part` as a share of `whole` ("58%"), or "–" where either is suppressed or `whole`
    is 0."""
    if not (part.published and whole.published) or whole.value == 0:
        return "–"
    return f"{100 * part.value / whole.value:.0f}%"


def _secondary(values: dict[Key, int], states: dict[Key, State],
               lines: list[tuple[list[Key], Key]], threshold: int) -> None:
    changed = True
    while changed:
        changed = False
        for cells, total in lines:
            if states[total] is not State.SHOWN:
                continue  # nothing to subtract from
            while not _safe(values, states, cells, total, threshold):
                shown = [k for k in cells if states[k] is State.SHOWN]
                if not shown:
                    states[total] = State.SECONDARY
                    changed = True
                    break
                smallest = min(shown, key=lambda k: values[k])
                states[smallest] = State.SECONDARY
                changed = True


def _safe(values: dict[Key, int], states: dict[Key, State], cells: list[Key],
          total: Key, threshold: int) -> bool:
    """Every suppressed cell of the line keeps two or more possible values."""
    hidden = [k for k in cells if states[k] is not State.SHOWN]
    if not hidden:
        return True
    rest = values[total] - sum(values[k] for k in cells if states[k] is State.SHOWN)
    bounds = [_bounds(states[k], rest, threshold) for k in hidden]
    low_sum = sum(lo for lo, _ in bounds)
    high_sum = sum(hi for _, hi in bounds)
    for lo, hi in bounds:
        least = max(lo, rest - (high_sum - hi))
        most = min(hi, rest - (low_sum - lo))
        if most - least < 1:
            return False
    return True


def _bounds(state: State, rest: int, threshold: int) -> tuple[int, int]:
    if state is State.PRIMARY:
        return 0, min(threshold - 1, rest)
    return threshold, max(threshold, rest)
