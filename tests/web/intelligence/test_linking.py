"""The linking rules (docs/intelligence.md, "Linking rules"), one test each."""

from __future__ import annotations

from django.test import override_settings

from safeguard.web.audit.models import AuditEvent
from safeguard.web.intelligence.models import KeptApart, Link, LinkRule, Subject, SubjectStatus

from .helpers import A_FILES, IntelTestCase, referral, sighting


class LinkingRuleTests(IntelTestCase):
    def subjects(self) -> list[Subject]:
        return list(Subject.objects.exclude(status=SubjectStatus.MERGED).order_by("pk"))

    def test_the_same_email_written_two_ways_links(self) -> None:
        self.take_in(referral("R1", email="Alex.Example@Example.org"))
        self.take_in(referral("R2", email=" alex.example+other@example.ORG "))
        self.assertEqual(len(self.subjects()), 1)
        second = Link.objects.get(referral__report_id="R2")
        self.assertEqual(second.rule, LinkRule.SAME)
        self.assertEqual(second.matched, Link.objects.get(referral__report_id="R1"))

    def test_the_same_phone_in_national_and_international_form_links(self) -> None:
        self.take_in(referral("R1", phone="07700 900123"))
        self.take_in(referral("R2", phone="+44 7700-900123"))
        self.take_in(referral("R3", phone="0044 (7700) 900123"))
        self.assertEqual(len(self.subjects()), 1)

    def test_a_user_name_links_only_on_the_same_service(self) -> None:
        self.take_in(referral("R1", username="Dark_Fox", service="ExampleChat"))
        self.take_in(referral("R2", username="dark_fox", service="examplechat"))
        self.take_in(referral("R3", username="dark_fox", service="ExampleShare"))
        self.assertEqual(len(self.subjects()), 2)

    def test_an_ip_address_links_within_the_window_only(self) -> None:
        self.take_in(referral("R1", email="a@example.org",
                              ips=[("198.51.100.7", "2026-03-01T10:00:00Z")]))
        self.take_in(referral("R2", email="b@example.org",
                              ips=[("198.51.100.7", "2026-03-02T09:00:00Z")]))  # 23 h later
        self.take_in(referral("R3", email="c@example.org",
                              ips=[("198.51.100.7", "2026-03-03T11:00:00Z")]))  # 26 h later
        subjects = self.subjects()
        self.assertEqual(len(subjects), 2)
        joined = Link.objects.get(referral__report_id="R2", kind="ip")
        self.assertEqual(joined.rule, LinkRule.IP_WINDOW)
        self.assertEqual(Link.objects.get(referral__report_id="R2", kind="email").rule,
                         LinkRule.SAME_RECORD)

    @override_settings(INTELLIGENCE_OVERRIDES={"ip_link_window_hours": 48})
    def test_the_window_is_a_setting(self) -> None:
        self.take_in(referral("R1", ips=[("198.51.100.7", "2026-03-01T10:00:00Z")]))
        self.take_in(referral("R2", ips=[("198.51.100.7", "2026-03-03T09:00:00Z")]))
        self.assertEqual(len(self.subjects()), 1)

    def test_private_addresses_never_link(self) -> None:
        self.take_in(referral("R1", email="a@example.org",
                              ips=[("192.168.1.20", "2026-03-03T10:00:00Z")]))
        self.take_in(referral("R2", email="b@example.org",
                              ips=[("192.168.1.20", "2026-03-03T10:05:00Z")]))
        self.assertEqual(len(self.subjects()), 2)
        self.assertFalse(Link.objects.filter(kind="ip").first().linkable)

    def test_a_referral_carrying_two_profiles_identifiers_joins_them(self) -> None:
        self.take_in(referral("R1", email="a@example.org"))
        self.take_in(referral("R2", phone="07700 900001"))
        first, second = self.subjects()
        self.take_in(referral("R3", email="a@example.org", phone="07700900001"))
        self.assertEqual(self.subjects(), [first])
        second.refresh_from_db()
        self.assertEqual((second.status, second.merged_into), (SubjectStatus.MERGED, first))
        self.assertEqual(Link.objects.filter(subject=first).count(), 4)
        first.refresh_from_db()
        self.assertEqual(first.referral_count, 3)
        event = AuditEvent.objects.filter(action="update", object_id=str(first.pk)).last()
        assert event is not None
        self.assertEqual(event.details["merged_from"], second.label)
        self.assertTrue(event.details["automatic"])

    def test_profiles_an_analyst_kept_apart_stay_apart(self) -> None:
        self.take_in(referral("R1", email="a@example.org"))
        self.take_in(referral("R2", phone="07700 900001"))
        first, second = self.subjects()
        KeptApart.objects.create(first=first, second=second, by=self.dora)
        outcome = self.take_in(referral("R3", email="a@example.org", phone="07700900001"))
        self.assertEqual(self.subjects(), [first, second])
        assert outcome.links is not None
        self.assertEqual(outcome.links.subjects, [first, second])
        self.assertIn("kept apart", outcome.links.conflicts[0])

    def test_sightings_of_a_client_id_link_on_the_same_network_only(self) -> None:
        self.sightings([
            sighting("2026-03-01T10:00:00Z", "PEER-1", A_FILES[0], kind="client_id",
                     network="ExampleP2P"),
            sighting("2026-03-03T10:00:00Z", "peer-1", A_FILES[1], kind="client_id",
                     network="exampleP2P"),
            sighting("2026-03-03T10:00:00Z", "peer-1", A_FILES[1], kind="client_id",
                     network="OtherNet"),
        ])
        self.assertEqual(len(self.subjects()), 2)
        link = Link.objects.get(value="examplep2p:peer-1")
        self.assertEqual(link.sightings, 2)

    def test_sightings_of_an_address_form_episodes(self) -> None:
        self.sightings([
            sighting("2026-03-01T10:00:00Z", "203.0.113.50", A_FILES[0]),
            sighting("2026-03-01T20:00:00Z", "203.0.113.50", A_FILES[1]),
            sighting("2026-03-02T19:00:00Z", "203.0.113.50", A_FILES[2]),  # 23 h after
            sighting("2026-03-03T20:00:00Z", "203.0.113.50", A_FILES[3]),  # 25 h after
        ])
        episodes = list(Link.objects.filter(value="203.0.113.50").order_by("first_seen_at")
                        .values_list("sightings", flat=True))
        self.assertEqual(episodes, [3, 1])
        # A later batch within the window joins the episode it is near.
        self.sightings([sighting("2026-03-03T21:00:00Z", "203.0.113.50", A_FILES[4])])
        self.assertEqual(list(Link.objects.filter(value="203.0.113.50").order_by(
            "first_seen_at").values_list("sightings", flat=True)), [3, 2])

    def test_a_sighting_of_a_referrals_address_joins_its_subject(self) -> None:
        self.take_in(referral("R1", email="a@example.org",
                              ips=[("198.51.100.9", "2026-03-03T08:00:00Z")]))
        self.sightings([sighting("2026-03-03T11:00:00Z", "198.51.100.9", A_FILES[0])])
        subject = Subject.objects.get()
        self.assertEqual((subject.referral_count, subject.sighting_count), (1, 1))
        link = Link.objects.get(kind="ip")
        self.assertEqual((link.sightings, link.referral.report_id), (1, "R1"))

    def test_a_sighting_never_merges_profiles(self) -> None:
        self.sightings([sighting("2026-03-03T10:00:00Z", "203.0.113.1", A_FILES[0]),
                        sighting("2026-03-03T10:00:00Z", "203.0.113.2", A_FILES[0])])
        self.assertEqual(len(self.subjects()), 2)
