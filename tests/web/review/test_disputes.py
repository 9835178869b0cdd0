"""A disputed item (the graders disagreed) settled by a senior grader: with a reason,
audited, refused to others (403); the counts, the VICS export and a re-run triage follow."""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction
from django.test import override_settings

from safeguard.web.review.image_queue import ensure_items
from safeguard.web.review.models import Grade, ReviewItem, Settlement
from safeguard.web.review.settlement import settle
from safeguard.web.triage_runs.models import FileRecord

from ..investigations.helpers import finished_job
from .helpers import ReviewTestCase, review_rows

REASON = "Viewed at full size with the grading guide: category A."


class SettlementTests(ReviewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.drawing = self.item("/Pictures/drawing.png")
        for user, category in ((self.dora, "A"), (self.fred, "A"), (self.erin, "B")):
            self.sign_in_to_review(user)
            self.post_grade(self.drawing, category)
        self.drawing.refresh_from_db()
        self.assertEqual((self.drawing.final_category, self.drawing.disputed), ("", True))
        self.url = f"/review/items/{self.drawing.pk}/settle/"

    def settle_as(self, user: Any, category: str, reason: str = REASON) -> Any:
        self.sign_in_to_review(user)
        return self.client.post(self.url, {"category": category, "reason": reason,
                                           "next": self.queue_url})

    def export(self) -> list[dict[str, Any]]:
        response = self.client.post(f"/review/exhibits/{self.review_exhibit.pk}/export/")
        media: list[dict[str, Any]] = json.loads(response.content)["value"][0]["Media"]
        return media

    def test_a_senior_grader_settles_it_with_a_reason_and_it_is_audited(self) -> None:
        response = self.settle_as(self.erin, "A")
        self.assertRedirects(response, self.queue_url, fetch_redirect_response=False)
        self.drawing.refresh_from_db()
        self.assertEqual((self.drawing.final_category, self.drawing.settled,
                          self.drawing.disputed), ("A", True, True))
        self.assertIsNotNone(self.drawing.decided_at)
        self.assertEqual(self.drawing.agreement,
                         "Settled by a senior grader: Category A (disputed: A 2, B 1)")
        settlement = Settlement.objects.get()
        self.assertEqual((settlement.category, settlement.votes, settlement.by,
                          settlement.reason), ("A", "A 2, B 1", self.erin, REASON))
        # The graders' votes stay on record as they were.
        self.assertEqual(sorted(Grade.objects.filter(item=self.drawing)
                                .values_list("category", flat=True)), ["A", "A", "B"])
        self.assertAudited("update", self.review_exhibit, actor=self.erin,
                           page="review settlement", votes="A 2, B 1", category="A",
                           reason=REASON)
        final = self.client.get(self.queue_url + "?show=final").content.decode()
        self.assertIn("Settled by a senior grader: Category A", final)
        self.assertNotIn(f'id="item-{self.drawing.pk}"',
                         self.client.get(self.queue_url + "?show=disputed").content.decode())

    def test_an_image_reviewer_may_not_settle(self) -> None:
        self.sign_in_to_review(self.dora)
        page = self.client.get(self.queue_url + "?show=disputed")
        self.assertContains(page, "the graders disagreed")  # visible to every reviewer
        self.assertNotContains(page, "Settle the dispute")
        self.assertEqual(self.settle_as(self.dora, "A").status_code, 403)
        self.assertFalse(Settlement.objects.exists())
        self.drawing.refresh_from_db()
        self.assertEqual((self.drawing.final_category, self.drawing.settled), ("", False))

    def test_an_investigator_and_an_outsider_get_nothing(self) -> None:
        self.login(self.alice)
        self.justify(self.review_exhibit)
        self.assertEqual(self.client.post(self.url, {"category": "A", "reason": REASON})
                         .status_code, 403)
        self.login(self.charlie)
        self.assertEqual(self.client.post(self.url, {"category": "A", "reason": REASON})
                         .status_code, 404)
        self.assertFalse(Settlement.objects.exists())

    @override_settings(REVIEW_OVERRIDES={"senior_roles": ["image_reviewer"]})
    def test_the_local_rule_chooses_who_settles(self) -> None:
        self.assertEqual(self.settle_as(self.erin, "A").status_code, 403)
        self.assertEqual(self.settle_as(self.fred, "B").status_code, 302)
        self.assertEqual(ReviewItem.objects.get(pk=self.drawing.pk).final_category, "B")

    def test_bad_settlements_are_refused_and_change_nothing(self) -> None:
        undisputed = self.item("/AppData/Cache/thumb_3.jpg")
        cases = [
            (self.url, "A", "too short", "Give the reason"),
            (self.url, "X", REASON, "Choose A, B, C or N"),
            (f"/review/items/{undisputed.pk}/settle/", "A", REASON, "have not disagreed"),
        ]
        self.sign_in_to_review(self.erin)
        for url, category, reason, message in cases:
            with self.subTest(message=message):
                response = self.client.post(url, {"category": category, "reason": reason},
                                            follow=True)
                self.assertContains(response, message)
        self.assertFalse(Settlement.objects.exists())

    def test_a_settled_dispute_is_not_settled_twice_and_takes_no_grades(self) -> None:
        self.settle_as(self.erin, "A")
        again = self.client.post(self.url, {"category": "B", "reason": REASON}, follow=True)
        self.assertContains(again, "already settled")
        self.assertEqual(Settlement.objects.count(), 1)
        self.assertEqual(self.post_grade(self.drawing, "C").status_code, 409)

    def test_the_export_notes_the_dispute_and_the_settlement(self) -> None:
        self.sign_in_to_review(self.erin)
        self.assertEqual(self.export(), [])  # disputed, not settled: nothing is exported
        self.settle_as(self.erin, "A")
        [media] = self.export()
        self.assertEqual(media["SHA1"], self.drawing.file.sha1)
        self.assertEqual(media["Category"], 1)
        self.assertIs(media["IsPrecategorized"], False)
        self.assertIn("Disputed: the graders disagreed, and a senior grader settled the "
                      "category", media["Comments"])
        self.assertIn("(disputed: A 2, B 1)", media["Comments"])
        self.assertIn("none dissents", media["Comments"])

    def test_an_undisputed_item_is_exported_without_a_dispute_note(self) -> None:
        thumb = self.item("/AppData/Cache/thumb_3.jpg")
        for user in (self.dora, self.fred, self.erin):
            self.sign_in_to_review(user)
            self.post_grade(thumb, "C")
        [media] = self.export()
        self.assertNotIn("Disputed", media["Comments"])

    def test_a_settled_category_can_still_be_corrected(self) -> None:
        self.settle_as(self.erin, "A")
        response = self.client.post(f"/review/items/{self.drawing.pk}/correct/", {
            "category": "B", "reason": "Re-examined with a second examiner: B."})
        self.assertEqual(response.status_code, 302)
        self.drawing.refresh_from_db()
        self.assertEqual((self.drawing.final_category, self.drawing.corrected,
                          self.drawing.settled), ("B", True, True))
        [media] = self.export()
        self.assertIn("Disputed", media["Comments"])
        self.assertIn("corrected by a senior reviewer", media["Comments"])


class CopiesAndCarryOverTests(ReviewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.drawing = self.item("/Pictures/drawing.png")
        record = FileRecord.objects.get(pk=self.drawing.file_id)
        record.pk = None
        record.path = "/Backup/drawing-copy.png"
        record.save()
        self.copy = ReviewItem.objects.create(
            job=self.review_job, file=record, file_type="image", content=self.drawing.content,
            group="G-other", group_size=1, priority=self.drawing.priority)

    def test_every_copy_not_yet_final_takes_the_settlement(self) -> None:
        for user, category in ((self.dora, "C"), (self.fred, "B")):
            self.sign_in_to_review(user)
            self.post_grade(self.drawing, category)
        self.sign_in_to_review(self.dora)
        self.post_grade(self.copy, "C")  # one grade: still being graded
        self.sign_in_to_review(self.erin)
        response = self.client.post(f"/review/items/{self.drawing.pk}/settle/",
                                    {"category": "C", "reason": REASON}, follow=True)
        self.assertContains(response, "and 1 copy of it")
        self.copy.refresh_from_db()
        self.assertEqual((self.copy.final_category, self.copy.settled, self.copy.disputed),
                         ("C", True, False))
        self.assertEqual(self.copy.agreement,
                         "Settled by a senior grader: Category C (a copy was disputed)")
        self.assertEqual(Settlement.objects.count(), 2)

    def test_a_rerun_keeps_the_dispute_and_its_settlement(self) -> None:
        thumb = self.item("/AppData/Cache/thumb_3.jpg")
        for user, category in ((self.dora, "A"), (self.fred, "B")):
            self.sign_in_to_review(user)
            self.post_grade(self.drawing, category)
            self.post_grade(thumb, category)
        with transaction.atomic():
            settle(self.drawing, self.erin, "A", REASON)
        job = finished_job(self.review_exhibit, review_rows(self.evidence_folder()),
                           requested_by=self.erin)
        ensure_items(job)
        drawing = ReviewItem.objects.get(job=job, file__path="/Pictures/drawing.png")
        self.assertEqual((drawing.final_category, drawing.disputed, drawing.settled),
                         ("A", True, True))
        carried = Settlement.objects.get(item=drawing)
        self.assertEqual((carried.carried_from_id, carried.by, carried.votes),
                         (self.review_job.pk, self.erin, "A 1, B 1"))
        # Disputed and not settled before: disputed again, for a senior grader.
        again = ReviewItem.objects.get(job=job, file__path="/AppData/Cache/thumb_3.jpg")
        self.assertEqual((again.final_category, again.disputed, again.agreement),
                         ("", True, "Disputed (A 1, B 1): for a senior grader"))
