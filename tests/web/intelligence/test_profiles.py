"""Merging and splitting profiles: what moves, what is recounted, what is recorded."""

from __future__ import annotations

from safeguard.web.intelligence.intake.auditing import Actor
from safeguard.web.intelligence.linking.profiles import ProfileError, merge, split
from safeguard.web.intelligence.models import (
    HourlyPresence,
    KeptApart,
    Link,
    LinkRule,
    Sighting,
    Subject,
    SubjectStatus,
)
from safeguard.web.intelligence.scoring.stats import dangling_sightings, recount

from .helpers import A_FILES, B_FILES, IntelTestCase, referral, sighting


class ProfileTests(IntelTestCase):
    def analyst(self) -> Actor:
        return Actor(self.owner_agency, self.dora)

    def two(self) -> tuple[Subject, Subject]:
        self.take_in(referral("R1", email="a@example.org", md5s=A_FILES[:2],
                              ips=[("203.0.113.5", "2026-03-03T09:00:00Z")]))
        self.sightings([sighting("2026-03-03T10:00:00Z", "203.0.113.5", A_FILES[1]),
                        sighting("2026-03-03T10:00:00Z", "203.0.113.6", B_FILES[0]),
                        sighting("2026-03-03T11:00:00Z", "203.0.113.6", A_FILES[3])])
        first = Subject.objects.get(links__value="a@example.org")
        second = Subject.objects.get(links__value="203.0.113.6")
        return first, second

    def assertCounted(self, *subjects: Subject) -> None:
        for subject in subjects:
            before = Subject.objects.values().get(pk=subject.pk)
            recount([subject.pk])
            self.assertEqual(Subject.objects.values().get(pk=subject.pk), before)
        self.assertEqual(dangling_sightings(), 0)
        self.assertCountsAgree()

    def test_a_merge_moves_everything_and_keeps_the_merged_profile(self) -> None:
        first, second = self.two()
        merge(self.analyst(), second, first, reason="Same household broadband, per ISP")
        second.refresh_from_db()
        first.refresh_from_db()
        self.assertEqual((second.status, second.merged_into), (SubjectStatus.MERGED, first))
        self.assertFalse(Link.objects.filter(subject=second).exists())
        self.assertEqual(Sighting.objects.filter(subject=first).count(), 3)
        self.assertFalse(HourlyPresence.objects.filter(subject=second).exists())
        self.assertEqual((first.known_files, first.category_a_files, first.sighting_count),
                         (4, 3, 3))
        self.assertCounted(first, second)
        self.assertAudited("update", first, actor=self.dora, merged_from=second.label,
                           automatic=False)
        self.assertAudited("update", second, actor=self.dora, merged_into=first.label)

    def test_a_merged_profile_cannot_be_merged_again(self) -> None:
        first, second = self.two()
        merge(self.analyst(), second, first, reason="Same person per the ISP return")
        second.refresh_from_db()
        with self.assertRaisesRegex(ProfileError, "merged"):
            merge(self.analyst(), second, first, reason="again and again")
        with self.assertRaisesRegex(ProfileError, "itself"):
            merge(self.analyst(), first, first, reason="to itself, no")

    def test_a_split_moves_the_identifiers_chosen_with_their_records(self) -> None:
        first, second = self.two()
        merge(self.analyst(), second, first, reason="Thought to be one person at first")
        link = Link.objects.get(value="203.0.113.6")
        new = split(self.analyst(), first, [link.pk], reason="A neighbour's connection")
        self.assertEqual(list(Link.objects.filter(subject=new).values_list("value", "rule")),
                         [("203.0.113.6", LinkRule.SPLIT)])
        self.assertEqual(Sighting.objects.filter(subject=new).count(), 2)
        first.refresh_from_db()
        new.refresh_from_db()
        self.assertEqual((new.known_files, new.sighting_count), (2, 2))
        self.assertEqual((first.known_files, first.sighting_count), (2, 1))
        self.assertTrue(KeptApart.objects.filter(first=first, second=new).exists())
        self.assertEqual(HourlyPresence.objects.filter(subject=new).count(), 4)  # 2 hours,
        # each for its district and for "every district"
        self.assertCounted(first, new)
        self.assertAudited("update", first, actor=self.dora, split_into=new.label)
        self.assertAudited("create", new, actor=self.dora, split_from=first.label)

    def test_an_email_moves_whole(self) -> None:
        self.take_in(referral("R1", email="a@example.org", phone="07700900001"))
        self.take_in(referral("R2", email="a@example.org"))
        subject = Subject.objects.get()
        one = Link.objects.filter(value="a@example.org").first()
        assert one is not None
        new = split(self.analyst(), subject, [one.pk], reason="The email is a shared one")
        self.assertEqual(Link.objects.filter(subject=new, value="a@example.org").count(), 2)
        new.refresh_from_db()
        self.assertEqual(new.referral_count, 2)  # both referrals carry the email

    def test_a_split_leaves_something_behind(self) -> None:
        self.take_in(referral("R1", email="a@example.org"))
        subject = Subject.objects.get()
        with self.assertRaisesRegex(ProfileError, "at least one identifier"):
            split(self.analyst(), subject, list(Link.objects.values_list("pk", flat=True)),
                  reason="everything moves")
