"""Sightings from a monitoring system's CSV: parsed, matched in one lookup per batch,
located, attributed, counted, rolled up by the hour."""

from __future__ import annotations

from datetime import UTC, datetime
from unittest import mock

from safeguard.triage.hashsets import HashSet
from safeguard.web.core.models import Area
from safeguard.web.intelligence.intake.sighting_import import SightingFileError, import_text
from safeguard.web.intelligence.models import (
    HourlyPresence,
    Link,
    Sighting,
    SightingImport,
    Subject,
)
from safeguard.web.intelligence.scoring import stats
from safeguard.web.intelligence.scoring.stats import rebuild_presence, recount

from .helpers import A_FILES, B_FILES, SHA1_A, UNKNOWN, IntelTestCase, sighting, sightings_csv


class SightingImportTests(IntelTestCase):
    def test_it_imports_matches_and_locates_sightings(self) -> None:
        result = self.sightings([
            sighting("2026-03-03T11:10:00Z", "203.0.113.9", A_FILES[0], port="51413",
                     file_name="a.jpg"),
            sighting("2026-03-03T11:20:00Z", "203.0.113.9", B_FILES[0]),
            sighting("2026-03-03T11:30:00Z", "peer-77", kind="client_id", network="ExampleP2P",
                     sha1=SHA1_A[1], town="Leek"),
            sighting("2026-03-03T11:40:00Z", "Dark_Fox", UNKNOWN[0], kind="account",
                     network="ExampleShare", postcode="ST16 2AB"),
        ])
        self.assertEqual((result.rows, result.imported, result.skipped, result.known,
                          result.new_subjects), (4, 4, 0, 3, 3))
        stoke = Area.objects.get(ons_code="E06000021")
        seen = {s.value: (s.kind, s.known, s.district.ons_code if s.district else None,
                          s.file.category) for s in Sighting.objects.select_related("district",
                                                                                   "file")}
        self.assertEqual(seen["203.0.113.9"][2], stoke.ons_code)
        self.assertEqual(seen["exampleshare:dark_fox"], ("username", False, "E07000197", ""))
        self.assertEqual(seen["examplep2p:peer-77"], ("client_id", True, "E07000198", "A"))
        ip_subject = Subject.objects.get(links__value="203.0.113.9")
        self.assertEqual((ip_subject.sighting_count, ip_subject.known_files,
                          ip_subject.category_a_files, ip_subject.distributions),
                         (2, 2, 1, 2))
        link = Link.objects.get(value="203.0.113.9")
        self.assertEqual((link.sightings, link.rule), (2, "first"))
        self.assertEqual(link.first_sighting_id, Sighting.objects.get(
            value="203.0.113.9", observed_at=datetime(2026, 3, 3, 11, 10, tzinfo=UTC)).pk)
        batch = SightingImport.objects.get()
        self.assertAudited("create", batch, imported=4, known=3, new_subjects=3)

    def test_the_counters_and_rollup_agree_with_a_recount(self) -> None:
        rows = [sighting(f"2026-03-0{d}T{h:02d}:15:00Z", f"198.51.100.{i}", A_FILES[i % 3])
                for d in (2, 3) for h in range(0, 12, 3) for i in range(1, 4)]
        rows += [sighting("2026-03-03T11:00:00Z", "198.51.100.1", UNKNOWN[2])]
        self.sightings(rows[:10])
        self.sightings(rows[10:])
        ids = list(Subject.objects.values_list("pk", flat=True))
        before = list(Subject.objects.order_by("pk").values())
        presence = sorted(HourlyPresence.objects.values_list("hour", "district_key", "subject"))
        recount(ids)
        rebuild_presence(ids)
        self.assertEqual(list(Subject.objects.order_by("pk").values()), before)
        self.assertEqual(stats.dangling_sightings(), 0)
        self.assertCountsAgree()
        self.assertEqual(sorted(HourlyPresence.objects.values_list(
            "hour", "district_key", "subject")), presence)

    def test_the_bulk_paths_agree_too(self) -> None:
        # PostgreSQL stages large batches (COPY into a temporary table); force it here.
        with mock.patch.object(stats, "STAGE_FROM", 1):
            self.test_the_counters_and_rollup_agree_with_a_recount()

    def test_it_looks_up_each_batch_once_per_digest(self) -> None:
        rows = [sighting("2026-03-03T10:00:00Z", f"203.0.113.{i}", A_FILES[i % 10])
                for i in range(1, 40)]
        with mock.patch.object(HashSet, "lookup", autospec=True,
                               side_effect=HashSet.lookup) as lookup:
            import_text(self.actor(), sightings_csv(rows), "t.csv", source="m")
        self.assertEqual([call.args[1] for call in lookup.call_args_list], ["md5"])
        self.assertEqual(len(lookup.call_args_list[0].args[2]), 10)  # each file once

    def test_bad_rows_are_skipped_and_named_by_line(self) -> None:
        result = self.sightings([
            sighting("2026-03-03T10:00:00Z", "203.0.113.1", A_FILES[0]),
            sighting("2026-03-03 10:00", "203.0.113.1", A_FILES[0]),
            sighting("2026-03-03T10:00:00Z", "192.168.1.20", A_FILES[0]),
            sighting("2026-03-03T10:00:00Z", "peer", A_FILES[0], kind="client_id"),
            sighting("2026-03-03T10:00:00Z", "203.0.113.1", "xyz"),
            sighting("2026-03-03T10:00:00Z", "203.0.113.1", kind="carrier-pigeon"),
        ])
        self.assertEqual((result.imported, result.skipped), (1, 5))
        self.assertEqual(result.warnings, [
            "test.csv line 3: observed_at: not a date and time with its offset "
            "(e.g. 2026-03-01T21:14:00Z)",
            "test.csv line 4: identifier: a private or shared address identifies nobody",
            "test.csv line 5: identifier: needs the service or network it belongs to",
            "test.csv line 6: md5: expected 32 hexadecimal characters",
            "test.csv line 7: identifier_type: expected ip, client_id or account",
        ])

    def test_a_file_without_the_columns_is_refused(self) -> None:
        with self.assertRaisesRegex(SightingFileError, "missing column.*identifier_type"):
            import_text(self.actor(), "observed_at,identifier,md5\n", "x.csv", source="m")
        with self.assertRaisesRegex(SightingFileError, "needs a digest column"):
            import_text(self.actor(), "observed_at,identifier_type,identifier\n", "x.csv",
                        source="m")
        with self.assertRaisesRegex(SightingFileError, "empty file"):
            import_text(self.actor(), "", "x.csv", source="m")

    def test_strict_refuses_the_file_at_the_first_bad_row(self) -> None:
        text = sightings_csv([sighting("2026-03-03T10:00:00Z", "203.0.113.1", A_FILES[0]),
                              sighting("soon", "203.0.113.1", A_FILES[0])])
        with self.assertRaisesRegex(SightingFileError, "line 3: observed_at.*strict"):
            import_text(self.actor(), text, "x.csv", source="m", strict=True)
        self.assertFalse(Sighting.objects.exists())
