"""Rematching: files that were new material when they arrived become known when a set
that holds them is imported later; their subjects' counters, scores and live picture
follow. A file already known keeps its match; a missing set changes nothing."""

from __future__ import annotations

from click.testing import CliRunner
from django.test import override_settings

from safeguard.cli import main
from safeguard.triage.hashsets import HashSetStore
from safeguard.web.audit.models import AuditEvent
from safeguard.web.intelligence.intake.matching import Matcher
from safeguard.web.intelligence.intake.rematch import RematchError, rematch
from safeguard.web.intelligence.models import FileHash, HourlyPresence, Sighting, Subject
from safeguard.web.intelligence.scoring.stats import rebuild_presence, recount

from .helpers import A_FILES, HASHSET, UNKNOWN, IntelTestCase, referral, sighting

LATE = "intel-late"


class RematchTests(IntelTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        # A set imported after the sightings: it knows two of the "unknown" files, and
        # (lower in priority) one file the first set already grades.
        source = cls.home / "late.csv"
        source.write_text(f"md5,category\n{UNKNOWN[0]},A\n{UNKNOWN[1]},C\n{A_FILES[0]},C\n")
        HashSetStore(cls.home / "hashsets").import_file(source, LATE, "known-bad",
                                                        replace=True)

    def setUp(self) -> None:
        self.sightings([
            sighting("2026-03-03T09:10:00Z", "203.0.113.30", UNKNOWN[0]),
            sighting("2026-03-03T10:20:00Z", "203.0.113.30", UNKNOWN[2]),
            sighting("2026-03-03T10:30:00Z", "203.0.113.30", A_FILES[0]),
        ])
        self.take_in(referral("R-LATE", email="late@example.org", md5s=[UNKNOWN[1]]))
        self.seen = Subject.objects.get(links__value="203.0.113.30")
        self.referred = Subject.objects.get(links__value="late@example.org")

    def run_rematch(self) -> str:
        with override_settings(INTELLIGENCE_HASHSETS=[HASHSET, LATE]):
            result = CliRunner().invoke(main, ["intel", "rematch"], catch_exceptions=False)
        self.assertEqual(result.exit_code, 0, result.output)
        return result.output

    def test_new_material_becomes_known_and_the_subjects_follow(self) -> None:
        before = (self.seen.known_files, self.seen.category_a_files, self.seen.unknown_files,
                  self.seen.distributions, self.seen.score)
        self.assertEqual(before[:4], (1, 1, 2, 1))
        self.assertEqual(HourlyPresence.objects.filter(subject=self.seen).count(), 2)
        output = self.run_rematch()
        self.assertIn("Checked 3 unknown file(s) against intel-test, intel-late: 2 now known "
                      "(A 1, C 1); 1 sighting(s) now of known material; 2 subject(s)",
                      output)
        self.assertEqual(FileHash.objects.get(md5=UNKNOWN[0]).category, "A")
        self.assertEqual(FileHash.objects.get(md5=UNKNOWN[2]).hashset, "")
        # Already known: keeps the first set's grading.
        self.assertEqual((FileHash.objects.get(md5=A_FILES[0]).hashset,
                          FileHash.objects.get(md5=A_FILES[0]).category), (HASHSET, "A"))
        self.assertTrue(Sighting.objects.get(file__md5=UNKNOWN[0]).known)
        self.seen.refresh_from_db()
        self.assertEqual((self.seen.known_files, self.seen.category_a_files,
                          self.seen.unknown_files, self.seen.distributions), (2, 2, 1, 2))
        # Rescored: category A up, new material down (the recount below checks the value).
        self.assertNotEqual(self.seen.score, before[4])
        self.referred.refresh_from_db()
        self.assertEqual((self.referred.known_files, self.referred.unknown_files), (1, 0))
        # The live picture now counts the subject in the 09:00 hour too (district and
        # county rows), and the rollup equals what a rebuild from the records gives.
        self.assertEqual(HourlyPresence.objects.filter(subject=self.seen).count(), 4)
        self.assertCountsAgree()
        stored = list(Subject.objects.order_by("pk").values())
        recount([self.seen.pk, self.referred.pk])
        rebuild_presence([self.seen.pk, self.referred.pk])
        self.assertEqual(list(Subject.objects.order_by("pk").values()), stored)
        event = AuditEvent.objects.filter(details__has_key="rematch").get()
        self.assertEqual(event.details["subjects"], sorted([self.seen.label,
                                                            self.referred.label]))
        self.assertEqual(event.agency, self.owner_agency)

    def test_a_second_run_finds_nothing_new(self) -> None:
        self.run_rematch()
        output = self.run_rematch()
        self.assertIn("Checked 1 unknown file(s)", output)
        self.assertIn("0 now known (none)", output)

    def test_a_set_that_cannot_be_opened_changes_nothing(self) -> None:
        with (override_settings(INTELLIGENCE_HASHSETS=[HASHSET, LATE, "not-there"]),
              Matcher.configured() as matcher,
              self.assertRaisesMessage(RematchError, "'not-there'")):
            rematch(matcher)
        self.assertEqual(FileHash.objects.exclude(hashset="").count(), 1)
        with override_settings(INTELLIGENCE_HASHSETS=["not-there"]):
            result = CliRunner().invoke(main, ["intel", "rematch"])
        self.assertEqual(result.exit_code, 2)
        self.assertIn("nothing rematched", result.output)
