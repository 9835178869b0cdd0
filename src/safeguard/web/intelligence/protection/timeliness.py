"""Timeliness: days from a referral's receipt to its assessment, to action, and to the
referral of the children at the address to social care; median and 90th percentile, per
band and per month of receipt (HMICFRS 2023 found forces taking up to 18 months).

    figures = timeliness(agency_id)     # Figures(rows=[Row(...)], ...)
    area = timeliness(None, received=(first_moment, after), at=end_of_day)  # the committee's

The committee report (statistics/timeliness.py) takes every agency's referrals received
in its period, measured as they stood at the period's end, and publishes the overall row
only, suppressed.

Percentiles are nearest-rank over the referrals that reached the step; those still
waiting are counted apart (`waiting`), with the oldest wait, so that a backlog shows
rather than vanishing from a median of the finished ones.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from ...core.clock import local_date, now
from ..models import Assessment, Band, ChildAtRisk, ChildRole

STEPS = (("assessed", "Receipt to assessment"), ("actioned", "Receipt to action"),
         ("referred", "Receipt to social-care referral"))


def nearest_rank(values: list[float], fraction: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(fraction * len(ordered)) - 1, 0)]


@dataclass
class Cell:
    done: list[float] = field(default_factory=list)
    waiting: int = 0
    oldest_wait: float = 0.0

    @property
    def count(self) -> int:
        return len(self.done)

    @property
    def median(self) -> float | None:
        return nearest_rank(self.done, 0.5)

    @property
    def p90(self) -> float | None:
        return nearest_rank(self.done, 0.9)


@dataclass
class Row:
    group: str            # a band's label, or a month (2026-03)
    cells: dict[str, Cell]


@dataclass
class Figures:
    by_band: list[Row]
    by_month: list[Row]
    overall: Row
    steps: tuple[tuple[str, str], ...] = STEPS


def _days(start: datetime, end: datetime) -> float:
    return max((end - start).total_seconds() / 86400, 0.0)


def timeliness(agency_id: int | None, *, received: tuple[datetime, datetime] | None = None,
               at: datetime | None = None) -> Figures:
    """The figures of one agency's referrals (None: every agency's), those received in
    `received` (start <= received_at < end: a period's first_moment and after) if given;
    with `at`, as they stood then: a step taken after it counts as still waiting, and waits
    are measured to it (default: now)."""
    moment = at or now()
    by_band: dict[str, dict[str, Cell]] = defaultdict(lambda: {k: Cell() for k, _ in STEPS})
    by_month: dict[str, dict[str, Cell]] = defaultdict(lambda: {k: Cell() for k, _ in STEPS})
    overall: dict[str, Cell] = {k: Cell() for k, _ in STEPS}

    def add(band: str, received_at: datetime, step: str, done_at: datetime | None) -> None:
        month = local_date(received_at).strftime("%Y-%m")
        for cell in (by_band[band][step], by_month[month][step], overall[step]):
            if done_at is None or (at is not None and done_at > at):
                cell.waiting += 1
                cell.oldest_wait = max(cell.oldest_wait, _days(received_at, moment))
            else:
                cell.done.append(_days(received_at, done_at))

    assessments = Assessment.objects.all()
    children = ChildAtRisk.objects.filter(
        role__in=(ChildRole.HOUSEHOLD, ChildRole.SUBJECT), referral__isnull=False)
    if agency_id is not None:
        assessments = assessments.filter(referral__owning_agency_id=agency_id)
        children = children.filter(subject__owning_agency_id=agency_id)
    if received is not None:
        start, end = received
        assessments = assessments.filter(received_at__gte=start, received_at__lt=end)
        children = children.filter(referral__received_at__gte=start,
                                   referral__received_at__lt=end)
    for band, received_at, assessed, actioned in assessments.values_list(
            "band", "received_at", "assessed_at", "actioned_at"):
        add(band, received_at, "assessed", assessed)
        add(band, received_at, "actioned", actioned)
    for band, received_at, referred in children.values_list(
            "referral__assessment__band", "referral__received_at", "referred_at"):
        add(band or "", received_at, "referred", referred)
    labels = dict(Band.choices)
    return Figures(
        [Row(labels.get(b, "Not assessed"), by_band[b]) for b in
         [*(b for b in Band.values if b in by_band), *(b for b in by_band
                                                      if b not in Band.values)]],
        [Row(m, by_month[m]) for m in sorted(by_month, reverse=True)],
        Row("All referrals", overall))
