"""People seen sharing indecent images online, per district, for eight quarters: the
committee's intelligence figure (issue 19, item 5).

    table = build(trends.quarters_to(date(2026, 3, 31)), suppress=True)
    table.rows[0]            # ("Cannock Chase", [Cell, … one a quarter])
    table.totals             # [Cell, …]: each person once, whatever the districts

A person is an intelligence subject (a profile: intelligence/models/subjects.py). A
subject shares in a district in a quarter when, in that quarter, it was seen offering
known material there (a sighting of a file in a known-bad set, in the district the
sighting was resolved to) or a referral about it was made of an incident there (the
referral's district, at its incident time). A profile merged into another counts as the
one it was merged into; a subject found to be a child (the safeguarding route) is not
counted: the children are the register's figures. Each person counts once in each
district where he shared in the quarter, and once in the quarter's total, however many
districts; so the districts add up to more than the total when someone shared in two
(the suppression of such a column: distinct.py).

Every police agency's records are counted (the figures are the partnership area's);
only whole calendar quarters, so that no two published periods overlap. The figures come
from police intelligence: they are shown only to police users (views.may_see_exact) and
are in the committee report only when a police analyst or supervisor makes it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ..core.models import Area
from ..intelligence.models import Link, Sighting, Subject
from .distinct import protect_people
from .figures import NOT_RECORDED, District
from .periods import Period
from .suppression import Cell

DEFINITION = (
    "Distinct people (intelligence profiles) seen offering known indecent images in a "
    "district in the quarter, or referred for an incident there, each counted once per "
    "district and once in the total however many districts; merged profiles count as one, "
    "and children are counted with the children, not here.")


@dataclass
class PeopleSharing:
    rows: list[tuple[str, list[Cell]]]
    totals: list[Cell]
    suppressed: bool

    @property
    def anything_shown(self) -> bool:
        return any(c.published for _, cells in self.rows for c in cells) or any(
            c.published for c in self.totals)


def _merged() -> dict[int, int]:
    """Each merged profile's surviving one (following chains of merges)."""
    into: dict[int, int] = {pk: target for pk, target in Subject.objects.filter(
        merged_into__isnull=False).values_list("pk", "merged_into") if target is not None}
    resolved: dict[int, int] = {}
    for pk in into:
        seen, target = {pk}, into[pk]
        while target in into and target not in seen:
            seen.add(target)
            target = into[target]
        resolved[pk] = target
    return resolved


def sharing(quarter: Period, merged: dict[int, int] | None = None,
            children: set[int] | None = None) -> tuple[dict[District, int], int]:
    """People sharing in `quarter`: per district, and in all (each person once)."""
    merged = _merged() if merged is None else merged
    children = (set(Subject.objects.filter(is_child=True).values_list("pk", flat=True))
                if children is None else children)
    seen = set(Sighting.objects.filter(
        known=True, observed_at__gte=quarter.first_moment, observed_at__lt=quarter.after,
    ).values_list("district_id", "subject_id").distinct())
    seen |= set(Link.objects.filter(
        referral__isnull=False, referral__incident_at__gte=quarter.first_moment,
        referral__incident_at__lt=quarter.after,
    ).values_list("referral__district_id", "subject_id").distinct())
    people: dict[District, set[int]] = defaultdict(set)
    for district, subject in seen:
        person = merged.get(subject, subject)
        if person not in children:
            people[district].add(person)
    everyone = set().union(*people.values()) if people else set()
    return {d: len(p) for d, p in people.items()}, len(everyone)


def build(quarters: list[Period], *, suppress: bool) -> PeopleSharing:
    merged = _merged()
    children = set(Subject.objects.filter(is_child=True).values_list("pk", flat=True))
    counted = [sharing(q, merged, children) for q in quarters]
    used = {d for by_district, _ in counted for d, n in by_district.items() if n}
    rows: list[tuple[District, str]] = [
        (area.pk, area.name) for area in Area.objects.order_by("name")
        if area.active or area.pk in used]
    if None in used:
        rows.append((None, NOT_RECORDED))
    columns: list[tuple[list[Cell], Cell]] = []
    for by_district, total in counted:
        values = [by_district.get(d, 0) for d, _ in rows]
        if suppress:
            columns.append(protect_people(values, total))
        else:
            columns.append(([Cell(v) for v in values], Cell(total)))
    return PeopleSharing(
        rows=[(name, [cells[i] for cells, _ in columns]) for i, (_, name) in enumerate(rows)],
        totals=[total for _, total in columns],
        suppressed=suppress)
