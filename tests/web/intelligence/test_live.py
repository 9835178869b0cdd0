"""The live picture: distinct subjects in the last hour and day per district, the chart."""

from __future__ import annotations

from datetime import UTC, datetime

from django.test import override_settings

from safeguard.web.core.clock import now
from safeguard.web.core.models import Area
from safeguard.web.intelligence.live.picture import chart_series, live_picture, svg_chart
from safeguard.web.intelligence.models import Subject

from .helpers import A_FILES, UNKNOWN, IntelTestCase, sighting


class LivePictureTests(IntelTestCase):
    def setUp(self) -> None:
        # NOW is 12:00 on 3 March. Stoke-on-Trent is 203.0.113.0/24, Tamworth .224/27.
        self.sightings([
            sighting("2026-03-03T11:30:00Z", "203.0.113.1", A_FILES[0]),
            sighting("2026-03-03T11:45:00Z", "203.0.113.1", A_FILES[1]),   # same subject
            sighting("2026-03-03T11:50:00Z", "203.0.113.2", A_FILES[2]),
            sighting("2026-03-03T10:30:00Z", "203.0.113.3", A_FILES[3]),   # 90 minutes ago
            sighting("2026-03-03T11:10:00Z", "198.51.100.230", A_FILES[4]),  # Tamworth
            sighting("2026-03-03T11:20:00Z", "203.0.113.4", UNKNOWN[0]),   # unknown: not counted
            sighting("2026-03-02T09:00:00Z", "203.0.113.5", A_FILES[5]),   # 27 hours ago
            sighting("2026-03-03T11:05:00Z", "192.0.2.10", A_FILES[6]),    # no district
        ])
        self.stoke = Area.objects.get(ons_code="E06000021")
        self.tamworth = Area.objects.get(ons_code="E07000199")

    def test_it_counts_distinct_subjects_per_district(self) -> None:
        picture = live_picture(self.owner_agency.pk, now(), 24)
        rows = {row.name: (row.last_hour, row.last_day) for row in picture.districts}
        self.assertEqual(rows[self.stoke.name], (2, 3))
        self.assertEqual(rows[self.tamworth.name], (1, 1))
        self.assertEqual(rows["No district resolved"], (1, 1))
        self.assertEqual(rows["Lichfield"], (0, 0))
        self.assertEqual((picture.last_hour, picture.last_day), (4, 5))

    def test_another_force_sees_its_own_picture(self) -> None:
        picture = live_picture(self.other_police.pk, now(), 24)
        self.assertEqual((picture.last_hour, picture.last_day), (0, 0))

    def test_the_chart_counts_each_subject_once_an_hour(self) -> None:
        series = chart_series(self.owner_agency.pk, now(), 30)
        self.assertEqual(len(series), 30)
        self.assertEqual(series[-1], (datetime(2026, 3, 3, 12, tzinfo=UTC), 0))
        counts = dict(series)
        self.assertEqual(counts[datetime(2026, 3, 3, 11, tzinfo=UTC)], 4)
        self.assertEqual(counts[datetime(2026, 3, 3, 10, tzinfo=UTC)], 1)
        self.assertEqual(counts[datetime(2026, 3, 2, 9, tzinfo=UTC)], 1)
        stoke = dict(chart_series(self.owner_agency.pk, now(), 30, self.stoke.pk))
        self.assertEqual(stoke[datetime(2026, 3, 3, 11, tzinfo=UTC)], 2)

    def test_the_chart_is_plain_svg(self) -> None:
        svg = svg_chart(chart_series(self.owner_agency.pk, now(), 48), "Subjects <by hour>")
        self.assertTrue(svg.startswith("<svg"))
        self.assertIn("<title id=\"chart-title\">Subjects &lt;by hour&gt;</title>", svg)
        self.assertEqual(svg.count("<rect"), 48)
        self.assertNotIn("<script", svg)
        self.assertNotIn("style=", svg)

    @override_settings(INTELLIGENCE_OVERRIDES={"live_chart_hours": 12})
    def test_the_page(self) -> None:
        self.login(self.alice)
        response = self.client.get("/intelligence/live/")
        self.assertContains(response, '<span class="number" id="last-hour">4</span>',
                            html=False)
        self.assertContains(response, '<span class="number" id="last-day">5</span>')
        self.assertEqual(response.content.decode().count("<rect"), 12)
        self.assertNotIn("<script>", response.content.decode())
        self.assertEqual(Subject.objects.count(), 7)
        self.assertAudited("view", actor=self.alice, page="live picture")
