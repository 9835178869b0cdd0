"""The demo seed: synthetic, deterministic, fast, idempotent, and something to show."""

from __future__ import annotations

import random
import time

from django.test import override_settings

from safeguard.web.accounts.models import Agency
from safeguard.web.core.clock import now
from safeguard.web.intelligence.demo import (
    POLICE,
    SEED,
    _people,
    _referrals,
    _sightings,
    seed_intelligence_demo,
)
from safeguard.web.intelligence.live.picture import live_picture
from safeguard.web.intelligence.models import Link, Referral, Sighting, Subject

from .helpers import IntelTestCase


@override_settings(MODE="demo", INTELLIGENCE_HASHSETS=None)
class DemoTests(IntelTestCase):
    def test_it_seeds_once_quickly_with_a_live_picture(self) -> None:
        started = time.perf_counter()
        summary = seed_intelligence_demo()
        self.assertLess(time.perf_counter() - started, 20)  # argon2 for the demo users
        self.assertTrue(summary.created)
        police = Agency.objects.get(name=POLICE)
        self.assertEqual(Referral.objects.filter(owning_agency=police).count(), 90)
        self.assertGreater(Sighting.objects.count(), 5000)
        picture = live_picture(police.pk, now(), 24)
        self.assertGreater(picture.last_hour, 50)
        self.assertGreaterEqual(picture.last_day, picture.last_hour)
        self.assertTrue(Subject.objects.filter(category_a_files__gt=0).exists())
        self.assertFalse(Link.objects.exclude(value__regex=(
            r"^(203\.0\.113\.|198\.51\.100\.|192\.0\.2\.|\+447700900|.*@example\.org$|"
            r"example[a-z0-9]*:)")).exists(), "an identifier outside the synthetic ranges")
        counts = (Referral.objects.count(), Sighting.objects.count(), Subject.objects.count())
        again = seed_intelligence_demo()
        self.assertFalse(again.created)
        self.assertEqual((Referral.objects.count(), Sighting.objects.count(),
                          Subject.objects.count()), counts)

    def test_it_is_deterministic(self) -> None:
        def generate() -> tuple[list[dict[str, object]], str]:
            rng = random.Random(SEED)
            people = _people(rng)
            return _referrals(people, rng, now()), _sightings(people, rng, now())

        self.assertEqual(generate(), generate())
