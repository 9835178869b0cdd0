"""Arrests and charges per police operation in a period: the committee's operation figures
(issue 19, item 5), from the suspects' arrests and charges (investigations/models/outcomes.py).

    table = build(period, visible_operations(user), suppress=True)
    table.rows[0].arrests.text                    # "12", "<5" or "*"

Per operation: arrests made in the period (arrest days in it), charges (charge days in
it: a charge without an arrest counts too), and people charged (each suspect once however
many charges). A record counts in the operation of the investigation it was made in; an
investigation outside any operation is in none of these rows. The totals are over the
operations listed; people charged counts each person once even if charged in two
operations (so that column is protected as a column of people: distinct.py; the others
add up, suppression.protect_column).

Operations are police records, shown to whoever may see them under the policy
(core.policy.visible_to_user: the owning force, and an agency it shared the operation
with): the figures of an operation a viewer may not see are not in that viewer's copy.
Listed: the operations visible to the viewer that were active, or that have any arrest
or charge in the period (a closed one with nothing to report is left out: a row only
where there is something to count would tell that there was at least one).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from ..accounts.models import User
from ..core.policy import visible_to_user
from ..investigations.models import Operation, OperationStatus, SuspectOutcome
from .distinct import protect_people
from .periods import Period
from .suppression import Cell, column

DEFINITION = (
    "Per operation: arrests made in the period, charges authorised in it (with or without "
    "an arrest), and the people charged (each once, and once in the total however many "
    "operations), from the arrests and charges recorded on suspects in the operation's "
    "investigations.")


@dataclass(frozen=True)
class OperationRow:
    name: str
    arrests: Cell
    charges: Cell
    people_charged: Cell


@dataclass
class OperationFigures:
    period: Period
    rows: list[OperationRow]
    arrests: Cell
    charges: Cell
    people_charged: Cell
    suppressed: bool


def visible_operations(user: User | None) -> QuerySet[Operation]:
    if user is None:
        return Operation.objects.none()
    return visible_to_user(user, Operation)


def build(period: Period, operations: QuerySet[Operation], *, suppress: bool) -> OperationFigures:
    in_period = (Q(arrested_on__gte=period.start, arrested_on__lte=period.end)
                 | Q(charged_on__gte=period.start, charged_on__lte=period.end))
    records = list(SuspectOutcome.objects.filter(
        in_period, investigation__operation__in=operations,
    ).values_list("investigation__operation_id", "suspect_id", "arrested_on", "charged_on"))
    arrests: dict[int, int] = defaultdict(int)
    charges: dict[int, int] = defaultdict(int)
    charged: dict[int, set[int]] = defaultdict(set)
    for operation, suspect, arrested_on, charged_on in records:
        if arrested_on is not None and period.start <= arrested_on <= period.end:
            arrests[operation] += 1
        if charged_on is not None and period.start <= charged_on <= period.end:
            charges[operation] += 1
            charged[operation].add(suspect)
    counted = {op for op, _, _, _ in records}
    listed = [op for op in operations.order_by("name", "pk")
              if op.status == OperationStatus.ACTIVE or op.pk in counted]
    arrest_values = [arrests[op.pk] for op in listed]
    charge_values = [charges[op.pk] for op in listed]
    people_values = [len(charged[op.pk]) for op in listed]
    people_total = len(set().union(*charged.values())) if charged else 0
    arrest_cells, arrest_total = column(arrest_values, suppress)
    charge_cells, charge_total = column(charge_values, suppress)
    if suppress:
        people_cells, people_cell = protect_people(people_values, people_total)
    else:
        people_cells, people_cell = [Cell(v) for v in people_values], Cell(people_total)
    rows = [OperationRow(op.name, a, c, p) for op, a, c, p in zip(
        listed, arrest_cells, charge_cells, people_cells, strict=True)]
    return OperationFigures(period, rows, arrest_total, charge_total, people_cell, suppress)
