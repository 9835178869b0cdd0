"""Small-number suppression: primary (<5, zero included) and secondary (*), checked by
brute force: no suppressed cell can be worked out from what is published."""

from __future__ import annotations

import itertools
import random

import pytest

from safeguard.web.statistics.suppression import (
    SMALL,
    STRICT,
    WITHHELD,
    Cell,
    Protected,
    State,
    protect,
    protect_column,
    single,
)


def texts(cells: list[Cell]) -> list[str]:
    return [cell.text for cell in cells]


def test_small_counts_zero_included_read_less_than_five() -> None:
    assert single(0).text == SMALL
    assert single(4).text == SMALL
    assert single(5).text == "5"
    assert single(1234).text == "1,234"
    assert single(3).shown is None and single(7).shown == 7


def test_a_column_with_nothing_small_is_published_whole() -> None:
    cells, total = protect_column([12, 9, 30])
    assert texts(cells) == ["12", "9", "30"] and total.text == "51"


def test_one_small_cell_takes_the_next_smallest_with_it() -> None:
    cells, total = protect_column([12, 3, 9, 40])
    assert texts(cells) == ["12", SMALL, WITHHELD, "40"]
    assert total.text == "64"
    assert cells[2].state is State.SECONDARY


def test_two_small_cells_that_would_reveal_each_other_take_another() -> None:
    # 0 + 0 published as "<5" twice with a total of 20 + 15 = 35: the reader subtracts
    # and finds both are 0. Another cell must go.
    cells, total = protect_column([0, 0, 20, 15])
    assert texts(cells) == [SMALL, SMALL, "20", WITHHELD]
    assert total.text == "35"


def test_two_small_cells_with_room_between_them_stand() -> None:
    cells, _ = protect_column([2, 3, 20])
    assert texts(cells) == [SMALL, SMALL, "20"]


def test_a_small_total_is_itself_suppressed() -> None:
    cells, total = protect_column([1, 2, 0])
    assert texts(cells) == [SMALL, SMALL, SMALL] and total.text == SMALL


def test_when_nothing_is_left_to_withhold_the_total_goes() -> None:
    cells, total = protect_column([3, 5])
    # 3 alone: withhold 5 -> the pair sums to 8: 3 can be 0..3 with 5..8: safe.
    assert texts(cells) == [SMALL, WITHHELD] and total.text == "8"
    cells, total = protect_column([0, 5])
    # 0 + 5 = 5: with "<5" 0..4 and "*" at least 5, only 0 + 5 fits: the total goes.
    assert texts(cells) == [SMALL, WITHHELD] and total.text == WITHHELD


def test_a_table_with_row_and_column_totals() -> None:
    table = protect([[3, 10, 8], [6, 7, 9], [20, 30, 1]], row_totals=True)
    assert [texts(row) for row in table.body] == [
        [SMALL, "10", WITHHELD], ["6", "7", "9"], [WITHHELD, "30", SMALL]]
    assert table.row_totals is not None and table.column_totals is not None
    assert texts(table.row_totals) == ["21", "22", "51"]
    assert texts(table.column_totals) == ["29", "47", "18"]
    assert table.grand_total is not None and table.grand_total.text == "94"


# Brute force: for random small tables, enumerate every table of the same shape that a
# reader could hold consistent with the published cells, totals and symbols; each
# suppressed cell must take at least two values among them.


def _lines(table: Protected, rows: int, cols: int, row_totals: bool):  # type: ignore[no-untyped-def]
    body = {(r, c): table.body[r][c] for r in range(rows) for c in range(cols)}
    lines = []
    assert table.column_totals is not None
    for c in range(cols):
        lines.append(([(r, c) for r in range(rows)], table.column_totals[c]))
    if row_totals:
        assert table.row_totals is not None
        for r in range(rows):
            lines.append(([(r, c) for c in range(cols)], table.row_totals[r]))
    return body, lines


def _consistent(values: dict[tuple[int, int], int], body: dict[tuple[int, int], Cell],
                lines: list[tuple[list[tuple[int, int]], Cell]], threshold: int = 5) -> bool:
    for key, cell in body.items():
        v = values[key]
        if cell.state is State.SHOWN and v != cell.value:
            return False
        if cell.state is State.PRIMARY and not 0 <= v < threshold:
            return False
        if cell.state is State.SECONDARY and v < threshold:
            return False
    for keys, total in lines:
        s = sum(values[k] for k in keys)
        if total.state is State.SHOWN and s != total.value:
            return False
        if total.state is State.PRIMARY and not s < threshold:
            return False
        if total.state is State.SECONDARY and s < threshold:
            return False
    return True


# The published threshold, the counts drawn, and the most suppressed cells worth guessing
# (the stricter threshold's domains are wider: fewer hidden cells keep it quick).
BRUTE_FORCE = [(5, [0, 1, 2, 3, 4, 5, 6, 7, 9], 4),
               (STRICT, [0, 1, 3, 5, 8, 9, 10, 11, 14], 3)]


@pytest.mark.parametrize(("threshold", "draws", "most_hidden"), BRUTE_FORCE)
def test_no_suppressed_cell_can_be_worked_out_by_brute_force(
        threshold: int, draws: list[int], most_hidden: int) -> None:
    rng = random.Random(7)
    checked = 0
    for _ in range(300):
        rows, cols = rng.randint(2, 3), rng.randint(1, 2)
        row_totals = cols > 1 and rng.random() < 0.5
        body = [[rng.choice(draws) for _ in range(cols)] for _ in range(rows)]
        table = protect(body, row_totals=row_totals, column_totals=True,
                        threshold=threshold)
        cells, lines = _lines(table, rows, cols, row_totals)
        hidden = [k for k, c in cells.items() if c.state is not State.SHOWN]
        if not hidden or len(hidden) > most_hidden:
            continue
        # Beyond the true sum, room for a reader's guesses where a total is withheld.
        bound = sum(sum(row) for row in body) + threshold + 1
        domains = [range(0, threshold) if cells[k].state is State.PRIMARY
                   else range(threshold, bound) for k in hidden]
        seen: dict[tuple[int, int], set[int]] = {k: set() for k in hidden}
        fixed = {k: c.value for k, c in cells.items() if c.state is State.SHOWN}
        for guess in itertools.product(*domains):
            values = {**fixed, **dict(zip(hidden, guess, strict=True))}
            if _consistent(values, cells, lines, threshold):
                for k, v in zip(hidden, guess, strict=True):
                    seen[k].add(v)
        for key in hidden:
            assert body[key[0]][key[1]] in seen[key]  # the truth is among them
            assert len(seen[key]) >= 2, (body, table, key, seen[key])
        checked += 1
    assert checked > 100


def test_the_stricter_threshold_reads_less_than_ten() -> None:
    table = protect([[12], [9], [0], [14]], column_totals=True, threshold=STRICT)
    # 9 and 0 are both below 10: together 9, and each could be 0 to 9 -> they stand.
    assert texts(table.column(0)) == ["12", "<10", "<10", "14"]
    assert table.column_totals is not None and table.column_totals[0].text == "35"
    alone = protect([[12], [7], [30]], column_totals=True, threshold=STRICT)
    assert texts(alone.column(0)) == ["*", "<10", "30"]  # 7 alone could be worked out
