"""Suppression of a column of people counts whose total counts each person once.

A person seen in two districts is in both districts' counts but once in the total, so
the total is at most the sum of its cells, not equal to it, and suppression.protect's
line check (which subtracts the published cells from the total) does not apply as it
stands. What a reader can still work out is a lower bound: the people the published
cells do not account for (total − published cells) must be in the suppressed ones. The
check below is protect's, with that inequality: every suppressed cell must keep at least
two possible values, given that a "<5" cell is 0 to 4, a "*" cell at least 5, any cell
at most the total, and the suppressed cells together at least what the total leaves. While
one does not, the smallest published cell is withheld too ("*"); with none left, the total.

    cells, total = protect_people([20, 4], 24)     # ['*', '<5'], '24'
"""

from __future__ import annotations

from collections.abc import Sequence

from .suppression import THRESHOLD, Cell, State


def protect_people(values: Sequence[int], total: int,
                   threshold: int = THRESHOLD) -> tuple[list[Cell], Cell]:
    if any(v < 0 for v in values) or total < 0:
        raise ValueError("counts are never negative")
    if any(v > total for v in values) or (values and total > sum(values)):
        raise ValueError("a distinct total is at least each cell and at most their sum")
    states = [State.PRIMARY if v < threshold else State.SHOWN for v in values]
    total_state = State.PRIMARY if total < threshold else State.SHOWN
    if total_state is State.SHOWN:
        while not _safe(values, states, total, threshold):
            shown = [i for i, s in enumerate(states) if s is State.SHOWN]
            if not shown:
                total_state = State.SECONDARY
                break
            states[min(shown, key=lambda i: values[i])] = State.SECONDARY
    return ([Cell(v, s, threshold) for v, s in zip(values, states, strict=True)],
            Cell(total, total_state, threshold))


def _safe(values: Sequence[int], states: list[State], total: int, threshold: int) -> bool:
    hidden = [i for i, s in enumerate(states) if s is not State.SHOWN]
    if not hidden:
        return True
    rest = total - sum(v for v, s in zip(values, states, strict=True) if s is State.SHOWN)
    bounds = {i: (0, min(threshold - 1, total)) if states[i] is State.PRIMARY
              else (threshold, total) for i in hidden}
    high_sum = sum(hi for _, hi in bounds.values())
    for lo, hi in bounds.values():
        least = max(lo, rest - (high_sum - hi))
        if hi - least < 1:
            return False
    return True
