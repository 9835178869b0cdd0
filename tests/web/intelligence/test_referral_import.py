"""Taking in referrals: kept, matched, located, linked, audited; duplicates and bad files."""

from __future__ import annotations

import json
from pathlib import Path

from safeguard.web.core.models import Area
from safeguard.web.intelligence.intake.referral_import import (
    ReferralFileError,
    import_referrals,
    load_referral_file,
)
from safeguard.web.intelligence.intake.schema import SchemaError
from safeguard.web.intelligence.models import (
    Channel,
    FileHash,
    Link,
    LinkRule,
    Referral,
    ReferralFile,
    Subject,
)
from safeguard.web.intelligence.scoring.stats import recount

from .helpers import A_FILES, B_FILES, HASHSET, UNKNOWN, IntelTestCase, referral


class ReferralImportTests(IntelTestCase):
    def test_it_keeps_matches_locates_and_links_a_referral(self) -> None:
        document = referral(email="Alex.Example+chat@Example.org",
                            ips=[("203.0.113.7", "2026-03-03T08:55:00Z")],
                            md5s=[A_FILES[0], B_FILES[0], UNKNOWN[0]], distributed=True)
        outcome = self.take_in(document)
        self.assertFalse(outcome.duplicate)
        found = Referral.objects.get()
        self.assertEqual(found.document, document)
        self.assertEqual(found.reporting_service, "ExampleChat")
        self.assertEqual(found.district, Area.objects.get(ons_code="E06000021"))
        categories = {f.md5: (f.file.hashset, f.file.category)
                      for f in ReferralFile.objects.select_related("file")}
        self.assertEqual(categories, {A_FILES[0]: (HASHSET, "A"), B_FILES[0]: (HASHSET, "B"),
                                      UNKNOWN[0]: ("", "")})
        subject = Subject.objects.get()
        self.assertEqual(
            sorted(Link.objects.values_list("kind", "value", "rule")),
            [("email", "alex.example@example.org", LinkRule.FIRST),
             ("ip", "203.0.113.7", LinkRule.FIRST)])
        self.assertEqual((subject.referral_count, subject.known_files, subject.category_a_files,
                          subject.unknown_files, subject.distributions), (1, 2, 1, 1, 2))
        self.assertEqual(subject.district, found.district)
        event = self.assertAudited("create", found, channel="file",
                                   subjects=[subject.label], files=3, known_files=2)
        self.assertEqual(event.actor_username, "tests")
        self.assertEqual(event.agency, self.owner_agency)

    def test_it_counts_as_a_recount_would(self) -> None:
        self.take_in(referral("R1", email="a@example.org", md5s=A_FILES[:3]))
        self.take_in(referral("R2", email="a@example.org", md5s=[*A_FILES[2:5], UNKNOWN[1]],
                              distributed=True, time="2026-03-03T10:00:00Z",
                              ips=[("198.51.100.170", "2026-03-03T10:00:00Z")]))
        subject = Subject.objects.get()
        before = Subject.objects.values().get(pk=subject.pk)
        recount([subject.pk])
        self.assertEqual(Subject.objects.values().get(pk=subject.pk), before)
        self.assertEqual(before["known_files"], 5)
        self.assertEqual(before["referral_count"], 2)
        self.assertEqual(before["district_id"], Area.objects.get(ons_code="E07000197").pk)

    def test_a_report_sent_twice_changes_nothing(self) -> None:
        first = self.take_in(referral("R1", email="a@example.org"))
        again = self.take_in(referral("R1", email="a@example.org", md5s=[A_FILES[0]]))
        self.assertTrue(again.duplicate)
        self.assertEqual(again.referral, first.referral)
        self.assertEqual(Referral.objects.count(), 1)
        self.assertFalse(FileHash.objects.exists())

    def test_another_force_keeps_its_own_referral_and_subject(self) -> None:
        self.take_in(referral("R1", email="a@example.org"))
        self.take_in(referral("R1", email="a@example.org"), agency=self.other_police)
        self.assertEqual(Referral.objects.count(), 2)
        self.assertEqual(Subject.objects.count(), 2)

    def test_it_refuses_a_referral_that_is_not_valid_naming_the_field(self) -> None:
        document = referral(md5s=["not-a-digest"])
        with self.assertRaises(SchemaError) as caught:
            self.take_in(document)
        self.assertEqual([str(e) for e in caught.exception.errors],
                         ["files[0].md5: expected 32 hexadecimal characters"])
        self.assertFalse(Referral.objects.exists())

    def test_an_identifier_that_cannot_be_normalised_names_its_field(self) -> None:
        with self.assertRaises(SchemaError) as caught:
            self.take_in(referral(phone="+44 (0) 12"))
        self.assertEqual(caught.exception.errors[0].field, "accounts[0].phone")

    def test_a_file_of_referrals_goes_in_but_for_the_bad_ones(self) -> None:
        data = {"referrals": [referral("R1", email="a@example.org"),
                              referral("R2", incident={"time": "yesterday"}),
                              referral("R1", email="a@example.org")]}
        result = import_referrals(self.actor(), data, channel=Channel.FILE)
        self.assertEqual((result.created, result.invalid, result.duplicates), (1, 1, 1))
        self.assertEqual([str(e) for e in result.errors], [
            "referrals[1].incident.time: not a date and time (RFC 3339 date and time with "
            "its offset, e.g. 2026-03-01T21:14:00Z)"])

    def test_strict_refuses_the_whole_file(self) -> None:
        second = referral("R2")
        del second["report_id"]
        data = [referral("R1", email="a@example.org"), second]
        result = import_referrals(self.actor(), data, channel=Channel.FILE, strict=True)
        self.assertEqual(result.created, 0)
        self.assertEqual([str(e) for e in result.errors], ["[1].report_id: required"])
        self.assertFalse(Referral.objects.exists())

    def test_a_file_that_is_not_json_says_where(self) -> None:
        path = Path(self.home) / "broken.json"
        path.write_text('{"schema": "safeguard.referral/1",\n "report_id": }')
        with self.assertRaisesRegex(ReferralFileError, "not JSON: .* line 2, column 15"):
            load_referral_file(path)
        path.write_text(json.dumps(referral()))
        self.assertEqual(load_referral_file(path)["report_id"], "REF-0001")
