"""The priority score: each factor's part explained, and the database's ranking agreeing
with the explanation to the last decimal."""

from __future__ import annotations

from datetime import timedelta

from django.test import override_settings

from safeguard.web.core.clock import now
from safeguard.web.intelligence.models import Subject
from safeguard.web.intelligence.scoring.score import explain, rescore_due, rescore_ids, with_scores
from safeguard.web.safeguarding.models import LinkedPerson

from ..safeguarding.base import make_adult, make_child
from .helpers import A_FILES, B_FILES, UNKNOWN, IntelTestCase, referral, sighting


class ScoreTests(IntelTestCase):
    def make(self, **fields: object) -> Subject:
        return Subject.objects.create(owning_agency=self.owner_agency, **fields)

    def parts(self, subject: Subject) -> dict[str, float]:
        return {p.key: round(p.points, 3) for p in explain(subject, now()).parts}

    def test_each_factor_gives_weight_times_value_over_cap(self) -> None:
        subject = self.make(category_a_files=2, known_files=400, distributions=50,
                            unknown_files=1, previous_convictions=1,
                            last_seen_at=now() - timedelta(days=3))
        self.assertEqual(self.parts(subject), {
            "category_a": 10.0,           # 25 x 2/5
            "volume": 15.0,               # capped at 200
            "distribution": 7.5,          # 15 x 50/100
            "new_material": 6.667,        # 20 x 1/3
            "access_to_children": 0.0,
            "previous_convictions": 5.0,  # 10 x 1/2
            "band": 0.0,                  # not assessed
            "recency": 9.0,               # 15 x 0.6 (within 7 days)
        })
        explanation = explain(subject, now())
        self.assertAlmostEqual(explanation.total, 53.167, places=3)
        texts = {p.key: p.explanation for p in explanation.parts}
        self.assertEqual(texts["category_a"], "2 distinct category A files (full weight from 5)")
        self.assertEqual(texts["new_material"], "1 file in no hash set (full weight from 3)")
        self.assertEqual(texts["recency"], "last seen 3 days ago: within 7 days (60% of the "
                                           "weight)")
        self.assertEqual([p.key for p in explanation.leading],
                         ["volume", "category_a", "recency"])

    def test_household_children_and_the_band_count(self) -> None:
        subject = self.make(household_children=2, band="days")
        parts = self.parts(subject)
        self.assertEqual((parts["access_to_children"], parts["band"]), (25.0, 15.0))
        self.make(band="immediate")
        self.assertEqual(self.parts(Subject.objects.get(band="immediate"))["band"], 30.0)

    def test_access_to_children_comes_from_the_register(self) -> None:
        adult = make_adult(self.owner_agency)
        subject = self.make(adult_of_concern=adult)
        self.assertEqual(self.parts(subject)["access_to_children"], 0.0)
        child = make_child(self.owner_agency)
        LinkedPerson.objects.create(child=child, adult=adult, relationship="other")
        part = next(p for p in explain(subject, now()).parts if p.key == "access_to_children")
        self.assertEqual(part.points, 25.0)
        self.assertEqual(part.explanation,
                         "the adult of concern linked to it is linked to 1 child")
        other = self.make(child=child)
        self.assertEqual(self.parts(other)["access_to_children"], 25.0)

    def test_the_database_ranks_by_the_same_score(self) -> None:
        adult = make_adult(self.owner_agency)
        LinkedPerson.objects.create(child=make_child(self.owner_agency), adult=adult,
                                    relationship="other")
        moment = now()
        for days, fields in ((0.5, {"category_a_files": 7}), (10, {"known_files": 12}),
                             (40, {"unknown_files": 2, "adult_of_concern": adult}),
                             (2, {"distributions": 3, "previous_convictions": 4}),
                             (None, {})):
            self.make(last_seen_at=moment - timedelta(days=days) if days else None, **fields)
        ranked = list(with_scores(Subject.objects.all(), moment).order_by("-live_score"))
        for subject in ranked:
            self.assertAlmostEqual(subject.live_score, explain(subject, moment).total,
                                   places=6)
        self.assertEqual([s.live_score for s in ranked],
                         sorted((s.live_score for s in ranked), reverse=True))
        # The stored score, which the queue reads, is the same expression.
        rescore_ids(Subject.objects.values_list("pk", flat=True), moment)
        for subject in Subject.objects.all():
            self.assertAlmostEqual(subject.score, explain(subject, moment).total, places=6)

    def test_stored_scores_follow_the_clock(self) -> None:
        moment = now()
        subject = self.make(category_a_files=1, last_seen_at=moment - timedelta(hours=23))
        other = self.make(category_a_files=1, last_seen_at=moment - timedelta(days=3))
        self.assertEqual(rescore_due(self.owner_agency.pk, moment), 2)  # the first: all
        subject.refresh_from_db()
        self.assertEqual(subject.score, 20.0)  # 5 + 15 (seen within a day)
        self.assertEqual(rescore_due(self.owner_agency.pk, moment + timedelta(seconds=30)), 0)
        later = moment + timedelta(hours=2)  # the last sighting is now 25 hours old
        self.assertEqual(rescore_due(self.owner_agency.pk, later), 1)
        subject.refresh_from_db()
        other.refresh_from_db()
        self.assertEqual((subject.score, other.score), (14.0, 14.0))  # 5 + 9 each
        with override_settings(INTELLIGENCE_OVERRIDES={"score": {
                **{k: {"weight": 0, "cap": 1} for k in ("volume", "distribution",
                                                        "new_material", "access_to_children",
                                                        "previous_convictions")},
                "category_a": {"weight": 50, "cap": 1}, "recency": {"weight": 0}}}):
            self.assertEqual(rescore_due(self.owner_agency.pk, later), 2)  # new weights
            subject.refresh_from_db()
            self.assertEqual(subject.score, 50.0)

    def test_a_child_linked_in_the_register_rescores_the_subject(self) -> None:
        adult = make_adult(self.owner_agency)
        subject = self.make(adult_of_concern=adult)
        LinkedPerson.objects.create(child=make_child(self.owner_agency), adult=adult,
                                    relationship="other")
        subject.refresh_from_db()
        self.assertEqual(subject.score, 25.0)

    @override_settings(INTELLIGENCE_OVERRIDES={"score": {
        "category_a": {"label": "Category A", "weight": 50, "cap": 1},
        "volume": {"weight": 0, "cap": 1}, "distribution": {"weight": 0, "cap": 1},
        "new_material": {"weight": 0, "cap": 1}, "access_to_children": {"weight": 0, "cap": 1},
        "previous_convictions": {"weight": 0, "cap": 1},
        "recency": {"weight": 0, "steps": []}}})
    def test_the_weights_are_local_configuration(self) -> None:
        subject = self.make(category_a_files=3, known_files=50)
        self.assertEqual(explain(subject, now()).total, 50.0)
        self.assertEqual(with_scores(Subject.objects.all(), now()).get().live_score, 50.0)

    def test_imported_material_feeds_the_score(self) -> None:
        self.take_in(referral("R1", email="a@example.org", md5s=[*A_FILES[:5], UNKNOWN[0]],
                              time="2026-03-03T11:00:00Z"))
        self.sightings([sighting("2026-03-03T11:30:00Z", "203.0.113.70", B_FILES[0])])
        ranked = list(Subject.objects.order_by("-score"))  # stored by the imports
        self.assertEqual(ranked[0].category_a_files, 5)
        self.assertGreater(ranked[0].score, ranked[1].score)
        self.assertAlmostEqual(ranked[0].score, explain(ranked[0], now()).total, places=6)
