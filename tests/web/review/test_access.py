"""The boundary between people and evidence, for every review view: reviewers of the
owning agency only (200), everyone else refused (403 for the partner and for the wrong
role, 404 for the outsider), each look and each refusal recorded."""

from __future__ import annotations

from safeguard.web.accounts.models import Role

from .helpers import REASON, ReviewTestCase


class ReviewAccessTests(ReviewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.lead = self.item("/DCIM/100DEMO/IMG_0001.JPG")
        self.video = self.item("/Videos/VID_0004.mp4")
        self.get_urls = [
            self.queue_url,
            f"/review/items/{self.lead.pk}/",
            self.media_url(self.lead, "blurred"),
            self.media_url(self.lead, "revealed"),
            self.media_url(self.video, "frames"),
        ]

    def test_it_shows_every_view_to_an_image_reviewer(self) -> None:
        self.sign_in_to_review(self.dora)
        for url in self.get_urls:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 200)
        self.assertEqual(self.post_grade(self.lead, "B").status_code, 200)
        export = self.client.post(f"/review/exhibits/{self.review_exhibit.pk}/export/")
        self.assertEqual(export.status_code, 200)

    def test_it_shows_every_view_to_a_forensic_examiner(self) -> None:
        self.sign_in_to_review(self.erin)
        for url in self.get_urls:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 200)

    def test_it_hides_everything_from_an_outsider(self) -> None:
        self.login(self.charlie)
        self.justify(self.review_exhibit)  # even a forged reason in the session
        for url in self.get_urls:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.post_grade(self.lead, "A").status_code, 404)
        self.assertEqual(self.post_correction().status_code, 404)
        self.assertEqual(
            self.client.post(f"/review/exhibits/{self.review_exhibit.pk}/export/").status_code,
            404)
        self.assertAudited("access_denied", self.review_exhibit, actor=self.charlie)
        self.assertNotAudited("view", self.review_exhibit)

    def test_it_refuses_the_partner_the_exhibit_is_shared_with(self) -> None:
        # Sharing discloses the figures (the exhibit page), never the images.
        self.set_role(self.bob, Role.IMAGE_REVIEWER)
        self.login(self.bob)
        self.justify(self.review_exhibit)
        for url in self.get_urls:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 403)
        self.assertEqual(self.post_grade(self.lead, "A").status_code, 403)
        self.set_role(self.bob, Role.FORENSIC_EXAMINER)
        self.assertEqual(self.post_correction().status_code, 403)
        event = self.assertAudited("access_denied", self.review_exhibit, actor=self.bob)
        self.assertIn("read-only", event.details.get("reason", ""))

    def test_it_refuses_a_colleague_without_a_review_role(self) -> None:
        self.sign_in_to_review(self.alice)  # the investigator
        for url in self.get_urls:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 403)
        self.assertEqual(self.post_grade(self.lead, "A").status_code, 403)
        self.assertEqual(self.post_correction().status_code, 403)
        self.assertEqual(self.client.get("/review/preferences/").status_code, 403)
        self.assertAudited("access_denied", self.review_exhibit, actor=self.alice)

    def test_it_asks_for_the_reason_before_the_queue_or_a_group(self) -> None:
        self.login(self.dora)
        for url in (self.queue_url, f"/review/items/{self.lead.pk}/"):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertContains(response, "Why do you need to open this record?")
                self.assertNotContains(response, "blurred.jpg")

    def post_correction(self):
        return self.client.post(f"/review/items/{self.lead.pk}/correct/",
                                {"category": "A", "reason": "A reason long enough."})

    def test_it_refuses_media_and_grades_without_a_reason(self) -> None:
        self.login(self.erin)
        self.assertEqual(self.post_correction().status_code, 403)
        self.login(self.dora)
        self.assertEqual(self.client.get(self.media_url(self.lead)).status_code, 403)
        self.assertEqual(self.post_grade(self.lead, "A").status_code, 403)
        event = self.assertAudited("access_denied", self.review_exhibit, actor=self.dora)
        self.assertIn("no reason", event.details.get("reason", ""))

    def test_it_records_the_queue_view_with_the_reason(self) -> None:
        self.sign_in_to_review(self.dora)
        self.client.get(self.queue_url)
        event = self.assertAudited("view", self.review_exhibit, actor=self.dora,
                                   page="review queue", job=self.review_job.pk)
        self.assertEqual(event.justification, REASON)
        self.assertIn(self.lead.pk, event.details["items"])

    def test_it_records_the_group_view(self) -> None:
        self.sign_in_to_review(self.dora)
        self.client.get(f"/review/items/{self.lead.pk}/")
        event = self.assertAudited("view", self.review_exhibit, actor=self.dora,
                                   page="review group", item=self.lead.pk)
        self.assertEqual(event.justification, REASON)

    def test_it_records_every_picture_with_the_reason(self) -> None:
        self.sign_in_to_review(self.dora)
        for view in ("blurred", "revealed"):
            self.client.get(self.media_url(self.lead, view))
            event = self.assertAudited("view", self.review_exhibit, actor=self.dora,
                                       page="review media", view=view, item=self.lead.pk,
                                       file=self.lead.file_id, refused="")
            self.assertEqual(event.justification, REASON)
            self.assertEqual(event.details["path"], "/DCIM/100DEMO/IMG_0001.JPG")

    def test_it_records_a_grade(self) -> None:
        self.sign_in_to_review(self.dora)
        self.post_grade(self.lead, "C")
        event = self.assertAudited("create", self.review_exhibit, actor=self.dora,
                                   page="review grade", item=self.lead.pk, category="C",
                                   scope="item", graded=1)
        self.assertEqual(event.justification, REASON)

    def test_it_records_the_export(self) -> None:
        self.sign_in_to_review(self.dora)
        self.client.post(f"/review/exhibits/{self.review_exhibit.pk}/export/")
        event = self.assertAudited("export", self.review_exhibit, actor=self.dora,
                                   page="review export", format="VICS 2.0 UK", media=0)
        self.assertEqual(event.justification, REASON)

    def test_it_sends_an_export_without_a_reason_to_the_queue_first(self) -> None:
        self.login(self.dora)
        response = self.client.post(f"/review/exhibits/{self.review_exhibit.pk}/export/")
        self.assertRedirects(response, self.queue_url, fetch_redirect_response=False)
        self.assertNotAudited("export", self.review_exhibit)

    def test_it_hides_an_unknown_item(self) -> None:
        self.sign_in_to_review(self.dora)
        self.assertEqual(self.client.get("/review/items/999999/blurred.jpg").status_code, 404)
        self.assertEqual(self.client.get("/review/exhibits/999999/").status_code, 404)
