"""The demo register: about 200 synthetic children with plausible distributions, fast,
deterministic and idempotent."""

from __future__ import annotations

import time
from collections import Counter

import pytest
from click.testing import CliRunner
from django.db import transaction
from django.test import override_settings

from safeguard.web.safeguarding.demo import CHILDREN, seed_safeguarding_demo
from safeguard.web.safeguarding.models import (
    AdultOfConcern,
    Child,
    MissingEpisode,
    PanelAction,
    Placement,
    RiskAssessment,
    WarningNotice,
)
from safeguard.web.safeguarding.rules import is_repeat_missing

from .base import NOW

pytestmark = pytest.mark.django_db


@override_settings(SAFEGUARDING_NOW=NOW)
def test_it_seeds_the_register_quickly_and_plausibly() -> None:
    started = time.perf_counter()
    summary = seed_safeguarding_demo()
    elapsed = time.perf_counter() - started
    assert elapsed < 20, f"seeding took {elapsed:.1f} s"
    assert summary.created
    children = list(Child.objects.select_related("district"))
    assert len(children) == CHILDREN
    ages = Counter(child.age for child in children)
    assert sum(ages[age] for age in (13, 14, 15)) / CHILDREN > 0.6
    assert min(ages) >= 10 and max(ages) <= 17
    assert len({child.district.ons_code for child in children}) == 9
    residential = sum(child.placement == Placement.RESIDENTIAL for child in children)
    assert 0.05 < residential / CHILDREN < 0.35
    assert 60 <= WarningNotice.objects.count() <= 75
    assert RiskAssessment.objects.filter(override_grade__gt="").exists()
    assert PanelAction.objects.filter(completed_on__isnull=True).exists()
    repeat = 0
    for child in children:
        times = list(MissingEpisode.objects.filter(child=child).values_list("reported_at",
                                                                            flat=True))
        from safeguard.web.core.clock import now

        repeat += is_repeat_missing(times, now(), 3, 90)
    assert repeat >= 5
    # No real people: every name came from Faker; the markers say so.
    assert all(a.pnc_reference.startswith("DEMO-") for a in AdultOfConcern.objects.all())
    print(f"seed: {elapsed:.2f} s; {summary}")


@override_settings(SAFEGUARDING_NOW=NOW)
def test_a_second_seed_changes_nothing() -> None:
    seed_safeguarding_demo()
    before = (Child.objects.count(), MissingEpisode.objects.count(),
              WarningNotice.objects.count())
    again = seed_safeguarding_demo()
    assert not again.created
    assert (Child.objects.count(), MissingEpisode.objects.count(),
            WarningNotice.objects.count()) == before


class Rollback(Exception):
    pass


def fingerprint() -> list[object]:
    return [
        list(Child.objects.order_by("reference").values_list(
            "reference", "first_name", "last_name", "date_of_birth", "district__ons_code",
            "legal_status", "placement", "owning_agency__name")),
        list(RiskAssessment.objects.order_by("child__reference", "completed_on").values_list(
            "child__reference", "completed_on", "score", "grade")),
        list(MissingEpisode.objects.order_by("police_reference").values_list(
            "child__reference", "reported_at", "returned_at", "interview_status")),
        list(WarningNotice.objects.order_by("served_at", "adult__pnc_reference").values_list(
            "adult__first_name", "adult__last_name", "served_at", "status")),
    ]


@override_settings(SAFEGUARDING_NOW=NOW)
def test_the_same_seed_gives_the_same_register() -> None:
    with pytest.raises(Rollback), transaction.atomic():
        seed_safeguarding_demo()
        first = fingerprint()
        raise Rollback
    assert not Child.objects.exists()
    seed_safeguarding_demo()
    assert fingerprint() == first


@override_settings(SAFEGUARDING_NOW=NOW)
def test_the_command_seeds_the_register() -> None:
    from safeguard.cli import main

    result = CliRunner().invoke(main, ["web", "seed-safeguarding"])
    assert result.exit_code == 0, result.output
    assert "Seeded the safeguarding register" in result.output
    assert Child.objects.count() == CHILDREN
