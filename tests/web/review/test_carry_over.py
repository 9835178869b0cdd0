"""A re-run triage of the exhibit: its new queue receives the grades and corrections
given on the earlier one, content by content; nothing crosses to another exhibit."""

from __future__ import annotations

from django.db import transaction

from safeguard.web.investigations.models import Exhibit, ExhibitType
from safeguard.web.review.corrections import correct
from safeguard.web.review.image_queue import ensure_items
from safeguard.web.review.models import Correction, Grade, ReviewItem
from safeguard.web.triage_runs.models import TriageJob

from ..investigations.helpers import finished_job
from .helpers import ReviewTestCase, review_rows


class CarryOverTests(ReviewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.drawing = self.item("/Pictures/drawing.png")
        self.thumb = self.item("/AppData/Cache/thumb_3.jpg")
        self.video = self.item("/Videos/VID_0004.mp4")
        for user in (self.dora, self.fred, self.erin):
            self.sign_in_to_review(user)
            self.post_grade(self.drawing, "C")
            self.post_grade(self.thumb, "B")
        self.sign_in_to_review(self.dora)
        self.post_grade(self.video, "A")   # one grade only: not final
        with transaction.atomic():
            correct(self.thumb, self.erin, "A", "Re-examined at full size: category A.")

    def rerun(self, exhibit: Exhibit | None = None) -> TriageJob:
        exhibit = exhibit or self.review_exhibit
        job = finished_job(exhibit, review_rows(self.evidence_folder()),
                           requested_by=self.erin)
        ensure_items(job)
        return job

    def item_of(self, job: TriageJob, path: str) -> ReviewItem:
        return ReviewItem.objects.get(job=job, file__path=path)

    def test_the_new_queue_keeps_the_graders_work(self) -> None:
        job = self.rerun()
        drawing = self.item_of(job, "/Pictures/drawing.png")
        self.assertEqual((drawing.final_category, drawing.grade_count), ("C", 3))
        self.assertEqual(drawing.agreement, "Final: Category C (3 of 3 agree)")
        carried = Grade.objects.filter(item=drawing)
        self.assertEqual({g.carried_from_id for g in carried}, {self.review_job.pk})
        self.assertEqual({g.grader_id for g in carried},
                         {self.dora.pk, self.fred.pk, self.erin.pk})
        thumb = self.item_of(job, "/AppData/Cache/thumb_3.jpg")
        self.assertEqual((thumb.final_category, thumb.corrected), ("A", True))
        correction = Correction.objects.get(item=thumb)
        self.assertEqual((correction.previous, correction.category, correction.carried_from_id,
                          correction.by), ("B", "A", self.review_job.pk, self.erin))
        video = self.item_of(job, "/Videos/VID_0004.mp4")
        self.assertEqual((video.final_category, video.agreement), ("", "1 of 1 agree on "
                                                                     "Category A"))
        # Not graded before: nothing to carry.
        untouched = self.item_of(job, "/DCIM/100DEMO/IMG_0001.JPG")
        self.assertEqual((untouched.grade_count, untouched.final_category), (0, ""))

    def test_grading_goes_on_from_the_carried_grades(self) -> None:
        job = self.rerun()
        video = self.item_of(job, "/Videos/VID_0004.mp4")
        for user in (self.fred, self.erin):
            self.sign_in_to_review(user)
            self.post_grade(video, "A")
        video.refresh_from_db()
        self.assertEqual(video.final_category, "A")
        finals = dict(ReviewItem.objects.filter(job=job).exclude(final_category="")
                      .values_list("file__path", "final_category"))
        self.assertEqual(finals, {"/Pictures/drawing.png": "C",
                                  "/AppData/Cache/thumb_3.jpg": "A",
                                  "/Videos/VID_0004.mp4": "A"})

    def test_a_grader_changing_a_carried_grade_makes_it_their_own(self) -> None:
        job = self.rerun()
        video = self.item_of(job, "/Videos/VID_0004.mp4")
        self.sign_in_to_review(self.dora)
        self.post_grade(video, "B")
        grade = Grade.objects.get(item=video, grader=self.dora)
        self.assertEqual((grade.category, grade.carried_from_id), ("B", None))

    def test_nothing_crosses_to_another_exhibit(self) -> None:
        other = Exhibit.objects.create(
            owning_agency=self.owner_agency, investigation=self.review_exhibit.investigation,
            reference="EX-0003", exhibit_type=ExhibitType.LAPTOP,
            evidence_path=self.review_exhibit.evidence_path)
        job = self.rerun(other)
        self.assertFalse(Grade.objects.filter(job=job).exists())
        self.assertFalse(ReviewItem.objects.filter(job=job).exclude(final_category="").exists())
