"""Grading: independent graders, agreement shown only after grading, a final category when
enough agree and none dissents (CAID: "three independent, undisputed votes"), a dispute at
the first dissent, whole groups at once, and the exhibit's counts."""

from __future__ import annotations

from django.test import override_settings

from safeguard.web.review.grading import agreement_of
from safeguard.web.review.models import Grade, ReviewItem

from .helpers import ReviewTestCase


class AgreementRuleTests(ReviewTestCase):
    def test_it_needs_the_agreeing_graders(self) -> None:
        self.assertEqual(agreement_of(["B", "B"], 3).final, "")
        self.assertFalse(agreement_of(["B", "B"], 3).disputed)
        self.assertEqual(agreement_of(["B", "B"], 3).text, "2 of 2 agree on Category B")
        self.assertEqual(agreement_of(["A", "A", "A"], 3).final, "A")
        self.assertEqual(agreement_of(["A", "A", "A"], 3).text,
                         "Final: Category A (3 of 3 agree)")
        self.assertEqual(agreement_of(["N", "N", "N"], 3).final, "N")
        self.assertEqual(agreement_of([], 3).text, "")

    def test_any_dissent_disputes_the_item_whatever_the_majority(self) -> None:
        for votes in (["A", "A", "B"], ["A", "B", "A"], ["B", "A", "A"], ["A", "B"],
                      ["A", "A", "B", "A"], ["A", "A", "A", "N"]):
            with self.subTest(votes=votes):
                agreement = agreement_of(votes, 3)
                self.assertEqual((agreement.final, agreement.disputed), ("", True))
        self.assertEqual(agreement_of(["A", "B", "A"], 3).text,
                         "Disputed (A 2, B 1): for a senior grader")
        # Most serious first, N (not indecent) last.
        self.assertEqual(agreement_of(["N", "C", "A", "C"], 3).votes, "A 1, C 2, N 1")

    def test_one_grader_is_enough_only_where_the_force_says_so(self) -> None:
        self.assertEqual(agreement_of(["C"], 1).final, "C")
        self.assertEqual(agreement_of(["C"], 3).final, "")


class GradingTests(ReviewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.item_ = self.item("/Pictures/drawing.png")

    def grade_as(self, user, category: str, item: ReviewItem | None = None,
                 scope: str = "item"):
        self.sign_in_to_review(user)
        return self.post_grade(item or self.item_, category, scope)

    def test_it_keeps_a_grader_from_seeing_others_grades_before_grading(self) -> None:
        self.grade_as(self.dora, "B")
        self.grade_as(self.fred, "B")
        self.sign_in_to_review(self.erin)
        page = self.client.get(self.queue_url + "?show=all").content.decode()
        self.assertNotIn("agree on", page)
        self.assertNotIn("Your grade", page)
        response = self.post_grade(self.item_, "C")
        self.assertEqual(response.json()["agreement"], "Disputed (B 2, C 1): for a senior grader")
        page = self.client.get(self.queue_url + "?show=all").content.decode()
        self.assertIn("Disputed (B 2, C 1): for a senior grader", page)

    def test_it_decides_the_category_when_three_graders_agree(self) -> None:
        first = self.grade_as(self.dora, "B").json()
        self.assertEqual((first["mine"], first["final"]), ("B", ""))
        self.assertEqual(first["agreement"], "1 of 1 agree on Category B")
        self.grade_as(self.fred, "B")
        self.item_.refresh_from_db()
        self.assertEqual(self.item_.final_category, "")
        third = self.grade_as(self.erin, "B").json()
        self.assertEqual(third["final"], "B")
        self.assertEqual(third["agreement"], "Final: Category B (3 of 3 agree)")
        self.item_.refresh_from_db()
        self.assertEqual(self.item_.final_category, "B")
        self.assertIsNotNone(self.item_.decided_at)
        self.assertEqual(self.item_.grade_count, 3)

    @override_settings(REVIEW_OVERRIDES={"graders_needed": 2})
    def test_it_follows_the_configured_number_of_graders(self) -> None:
        self.grade_as(self.dora, "C")
        self.assertEqual(self.grade_as(self.fred, "C").json()["final"], "C")

    def test_it_lets_a_grader_change_their_grade_until_final(self) -> None:
        self.grade_as(self.dora, "A")
        self.assertEqual(self.post_grade(self.item_, "C").json()["agreement"],
                         "1 of 1 agree on Category C")
        self.assertEqual(Grade.objects.filter(item=self.item_).count(), 1)
        self.assertAudited("create", self.review_exhibit, actor=self.dora, category="C",
                           graded=1)

    def test_it_refuses_a_grade_once_final(self) -> None:
        for user in (self.dora, self.fred, self.erin):
            self.grade_as(user, "N")
        extra = self.grade_as(self.dora, "A")
        self.assertEqual(extra.status_code, 409)
        self.assertIn("already final", extra.json()["error"])
        self.item_.refresh_from_db()
        self.assertEqual(self.item_.final_category, "N")

    def test_it_refuses_an_unknown_category(self) -> None:
        response = self.grade_as(self.dora, "D")
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Grade.objects.exists())

    def test_it_grades_a_whole_group(self) -> None:
        lead = self.item("/DCIM/100DEMO/IMG_0001.JPG")
        copy = self.item("/Downloads/img_0001_small.jpg")
        self.assertEqual(lead.group, copy.group)
        data = self.grade_as(self.dora, "A", lead, scope="group").json()
        self.assertEqual(data["graded"], 2)
        grades = Grade.objects.filter(grader=self.dora).order_by("item_id")
        self.assertEqual([(g.item_id, g.category, g.via_group) for g in grades],
                         sorted([(lead.pk, "A", True), (copy.pk, "A", True)]))
        self.assertAudited("create", self.review_exhibit, actor=self.dora, scope="group",
                           graded=2)
        self.grade_as(self.fred, "A", lead, scope="group")
        self.grade_as(self.erin, "A", copy, scope="group")
        self.assertEqual(
            set(ReviewItem.objects.filter(group=lead.group, job=self.review_job)
                .values_list("final_category", flat=True)), {"A"})

    def test_it_leaves_final_copies_alone_when_grading_a_group(self) -> None:
        lead = self.item("/DCIM/100DEMO/IMG_0001.JPG")
        copy = self.item("/Downloads/img_0001_small.jpg")
        for user in (self.dora, self.fred, self.erin):
            self.grade_as(user, "C", copy)
        data = self.grade_as(self.dora, "A", lead, scope="group").json()
        self.assertEqual((data["graded"], data["skipped_final"]), (1, 1))
        copy.refresh_from_db()
        self.assertEqual(copy.final_category, "C")

    def test_it_updates_the_exhibits_counts(self) -> None:
        video = self.item("/Videos/VID_0004.mp4")
        for user in (self.dora, self.fred):
            self.grade_as(user, "B")
            self.grade_as(user, "B", video)
        self.grade_as(self.erin, "B")
        data = self.grade_as(self.erin, "B", video).json()
        self.assertIn('<td class="graded-images">1</td><td class="graded-videos">1</td>',
                      data["counts_html"])
        self.justify(self.review_exhibit)
        page = self.client.get(f"/investigations/exhibits/{self.review_exhibit.pk}/")
        self.assertContains(page, 'id="review-counts"')
        self.assertContains(page, '<td class="graded-images">1</td>')
        self.assertContains(page, "Open the review queue")

    def test_it_posts_a_grade_from_the_plain_form(self) -> None:
        self.sign_in_to_review(self.dora)
        response = self.client.post(self.grade_url(self.item_),
                                    {"category": "C", "next": self.queue_url + "?show=all"})
        self.assertRedirects(response, self.queue_url + "?show=all",
                             fetch_redirect_response=False)
        self.assertTrue(Grade.objects.filter(grader=self.dora, category="C").exists())

    def test_it_refuses_a_grade_by_get(self) -> None:
        self.sign_in_to_review(self.dora)
        self.assertEqual(self.client.get(self.grade_url(self.item_)).status_code, 405)


class DisputeTests(ReviewTestCase):
    """The boundary cases of the rule, graded through the pages as graders do."""

    def setUp(self) -> None:
        super().setUp()
        self.item_ = self.item("/Pictures/drawing.png")

    def votes(self, *categories: str) -> list:
        answers = []
        for user, category in zip((self.dora, self.fred, self.erin), categories, strict=False):
            self.sign_in_to_review(user)
            answers.append(self.post_grade(self.item_, category))
        self.item_.refresh_from_db()
        return answers

    def test_a_a_a_is_final(self) -> None:
        *_, last = self.votes("A", "A", "A")
        self.assertEqual((last.json()["final"], last.json()["disputed"]), ("A", False))
        self.assertEqual((self.item_.final_category, self.item_.disputed), ("A", False))

    def test_a_a_b_is_disputed_not_final(self) -> None:
        *_, last = self.votes("A", "A", "B")
        self.assertEqual(last.status_code, 200)
        self.assertEqual((last.json()["final"], last.json()["disputed"]), ("", True))
        self.assertEqual((self.item_.final_category, self.item_.disputed), ("", True))
        self.assertIsNone(self.item_.decided_at)
        self.assertAudited("create", self.review_exhibit, actor=self.erin, category="B",
                           disputed=[self.item_.pk])

    def test_a_b_a_is_disputed_at_the_dissent_and_takes_no_more_grades(self) -> None:
        first, second, third = self.votes("A", "B", "A")
        self.assertFalse(first.json()["disputed"])
        self.assertEqual(second.json()["agreement"], "Disputed (A 1, B 1): for a senior grader")
        self.assertEqual(third.status_code, 409)
        self.assertIn("senior grader", third.json()["error"])
        self.assertEqual((self.item_.final_category, self.item_.disputed), ("", True))
        self.assertFalse(Grade.objects.filter(item=self.item_, grader=self.erin).exists())

    def test_a_grader_may_not_change_a_grade_once_disputed(self) -> None:
        self.votes("A", "B")
        self.sign_in_to_review(self.fred)
        self.assertEqual(self.post_grade(self.item_, "A").status_code, 409)
        self.assertEqual(Grade.objects.get(item=self.item_, grader=self.fred).category, "B")

    def test_the_queue_shows_the_dispute_and_routes_it_to_the_disputed_list(self) -> None:
        self.votes("C", "N")
        self.sign_in_to_review(self.erin)  # has not graded it
        todo = self.client.get(self.queue_url).content.decode()
        self.assertNotIn(f'id="item-{self.item_.pk}"', todo)  # nothing left to grade
        disputed = self.client.get(self.queue_url + "?show=disputed").content.decode()
        self.assertIn(f'id="item-{self.item_.pk}"', disputed)
        self.assertIn("review-card disputed", disputed)
        self.assertIn("the graders disagreed; a senior grader settles it", disputed)
        self.assertIn("Settle the dispute", disputed)  # erin is a forensic examiner
        self.assertIn('<span id="review-disputed">1</span> disputed', disputed)
        group = self.client.get(f"/review/items/{self.item_.pk}/").content.decode()
        self.assertIn("Disputed (C 1, N 1): for a senior grader", group)

    def test_a_group_grading_skips_disputed_items(self) -> None:
        lead = self.item("/DCIM/100DEMO/IMG_0001.JPG")
        copy = self.item("/Downloads/img_0001_small.jpg")
        for user, category in ((self.dora, "A"), (self.fred, "B")):
            self.sign_in_to_review(user)
            self.post_grade(copy, category)
        self.sign_in_to_review(self.erin)
        data = self.post_grade(lead, "A", scope="group").json()
        self.assertEqual((data["graded"], data["skipped_disputed"]), (1, 1))
        copy.refresh_from_db()
        self.assertEqual((copy.disputed, copy.grade_count), (True, 2))
