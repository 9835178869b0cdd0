"""Correcting a final category: by the senior review role only, with a reason, audited;
the grades stay; the counts and the VICS export follow."""

from __future__ import annotations

import json

from django.test import override_settings

from safeguard.web.review.models import Correction, Grade, ReviewItem

from .helpers import ReviewTestCase


class CorrectionTests(ReviewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.drawing = self.item("/Pictures/drawing.png")
        for user in (self.dora, self.fred, self.erin):
            self.sign_in_to_review(user)
            self.post_grade(self.drawing, "B")
        self.drawing.refresh_from_db()
        self.assertEqual(self.drawing.final_category, "B")
        self.url = f"/review/items/{self.drawing.pk}/correct/"

    def correct(self, category: str, reason: str = "Re-examined at full size: category A."):
        return self.client.post(self.url, {"category": category, "reason": reason,
                                           "next": self.queue_url})

    def test_a_forensic_examiner_corrects_it_and_the_export_follows(self) -> None:
        self.sign_in_to_review(self.erin)
        page = self.client.get(self.queue_url + "?show=final")
        self.assertContains(page, "Correct the final category")
        response = self.correct("A")
        self.assertRedirects(response, self.queue_url, fetch_redirect_response=False)
        self.drawing.refresh_from_db()
        self.assertEqual((self.drawing.final_category, self.drawing.corrected),
                         ("A", True))
        self.assertEqual(self.drawing.agreement, "Corrected: Category A (was Category B)")
        correction = Correction.objects.get()
        self.assertEqual((correction.previous, correction.category, correction.by),
                         ("B", "A", self.erin))
        self.assertEqual(Grade.objects.filter(item=self.drawing, category="B").count(), 3)
        self.assertAudited("update", self.review_exhibit, actor=self.erin,
                           page="review correction", previous="B", category="A",
                           reason="Re-examined at full size: category A.")
        exported = json.loads(self.client.post(
            f"/review/exhibits/{self.review_exhibit.pk}/export/").content)
        [media] = [m for m in exported["value"][0]["Media"]
                   if m.get("SHA1") == self.drawing.file.sha1]
        self.assertEqual(media["Category"], 1)
        self.assertIn("corrected by a senior reviewer", media["Comments"])

    def test_an_image_reviewer_may_not_correct(self) -> None:
        self.sign_in_to_review(self.dora)
        self.assertNotContains(self.client.get(self.queue_url + "?show=final"),
                               "Correct the final category")
        self.assertEqual(self.correct("A").status_code, 403)
        self.assertFalse(Correction.objects.exists())

    @override_settings(REVIEW_OVERRIDES={"correction_roles": ["image_reviewer"]})
    def test_the_local_rule_chooses_who_corrects(self) -> None:
        self.sign_in_to_review(self.dora)
        self.assertEqual(self.correct("C").status_code, 302)
        self.assertEqual(ReviewItem.objects.get(pk=self.drawing.pk).final_category, "C")

    def test_bad_corrections_are_refused_and_change_nothing(self) -> None:
        self.sign_in_to_review(self.erin)
        not_final = self.item("/AppData/Cache/thumb_3.jpg")
        cases = [
            (self.url, "A", "too short", "Give the reason"),
            (self.url, "B", "The category is right after all.", "already Category B"),
            (self.url, "X", "An unknown category was chosen.", "Choose A, B, C or N"),
            (f"/review/items/{not_final.pk}/correct/", "A", "Not final yet, though.",
             "still being graded"),
        ]
        for url, category, reason, message in cases:
            with self.subTest(message=message):
                response = self.client.post(url, {"category": category, "reason": reason},
                                            follow=True)
                self.assertContains(response, message)
        self.assertFalse(Correction.objects.exists())
        self.drawing.refresh_from_db()
        self.assertEqual((self.drawing.final_category, self.drawing.corrected), ("B", False))

    def test_an_outsider_gets_nothing(self) -> None:
        self.login(self.charlie)
        self.assertEqual(self.correct("A").status_code, 404)


class CopiesCorrectionTests(ReviewTestCase):
    def test_every_exact_copy_in_the_triage_is_corrected_and_exported_once(self) -> None:
        from safeguard.web.triage_runs.models import FileRecord

        drawing = self.item("/Pictures/drawing.png")
        record = FileRecord.objects.get(pk=drawing.file_id)
        record.pk = None
        record.path = "/Backup/drawing-copy.png"
        record.save()
        copy = ReviewItem.objects.create(
            job=self.review_job, file=record, file_type="image", content=drawing.content,
            group=drawing.group, group_size=2, priority=drawing.priority)
        for user in (self.dora, self.fred, self.erin):
            self.sign_in_to_review(user)
            self.post_grade(drawing, "A", scope="group")
        copy.refresh_from_db()
        self.assertEqual(copy.final_category, "A")
        response = self.client.post(f"/review/items/{drawing.pk}/correct/", {
            "category": "N", "reason": "Re-examined: a drawing, not indecent."}, follow=True)
        self.assertContains(response, "and 1 copy of it")
        for item in (drawing, copy):
            item.refresh_from_db()
            self.assertEqual((item.final_category, item.corrected), ("N", True))
        self.assertEqual(Correction.objects.count(), 2)
        exported = json.loads(self.client.post(
            f"/review/exhibits/{self.review_exhibit.pk}/export/").content)
        shas = [m.get("SHA1") for m in exported["value"][0]["Media"]]
        self.assertNotIn(drawing.file.sha1, shas)   # not indecent: not exported at all
