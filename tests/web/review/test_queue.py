"""The queue: one card per near-duplicate group, likely first-generation material first,
keyset pages, built once per job."""

from __future__ import annotations

import re

from django.test import override_settings

from safeguard.web.investigations.models import Exhibit, ExhibitType
from safeguard.web.review.image_queue import ensure_items, lead_page
from safeguard.web.review.models import ReviewItem, ReviewQueue
from safeguard.web.review.ordering import score

from ..investigations.helpers import finished_job, many_rows
from .helpers import ReviewTestCase


def card_ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-item="(\d+)"', html)]


class OrderingTests(ReviewTestCase):
    def base(self, **fields: object) -> int:
        values: dict = {"path": "/Users/x/Pictures/photo.jpg", "archive": "",
                        "mime": "image/jpeg", "size": 200_000, "deleted": False,
                        "pdq_quality": 100, "file_type": "image"}
        values.update(fields)
        return score(**values).points  # type: ignore[arg-type]

    def test_it_puts_a_camera_original_before_a_cached_copy(self) -> None:
        camera = self.base(path="/DCIM/100APPLE/IMG_1234.JPG")
        cached = self.base(path="/AppData/Local/Google/Chrome/User Data/Cache/f_0001a2")
        self.assertGreater(camera, self.base())
        self.assertGreater(self.base(), cached)

    def test_it_prefers_larger_files_and_camera_formats(self) -> None:
        self.assertGreater(self.base(size=3_000_000), self.base(size=30_000))
        self.assertGreater(self.base(), self.base(mime="image/gif"))

    def test_it_ranks_received_and_archived_material_lower(self) -> None:
        self.assertGreater(self.base(), self.base(path="/WhatsApp/Media/IMG-20240301-WA0001.jpg"))
        self.assertGreater(self.base(), self.base(archive="/backup.zip"))

    def test_it_gives_reasons(self) -> None:
        found = score(path="/DCIM/IMG_0001.JPG", archive="", mime="image/jpeg", size=2_000_000,
                      deleted=True, pdq_quality=90, file_type="image")
        self.assertEqual(found.reasons, ("camera-name", "camera-folder", "camera-format",
                                         "large", "deleted"))


class QueueTests(ReviewTestCase):
    def test_it_builds_one_item_per_new_image_or_video(self) -> None:
        items = ReviewItem.objects.filter(job=self.review_job)
        self.assertEqual(items.count(), 6)  # five files and the zip member; not the rest
        self.assertEqual(self.review_job.summary.awaiting_review, 6)
        queue = ReviewQueue.objects.get(job=self.review_job)
        self.assertEqual((queue.items, queue.groups), (6, 5))
        self.assertEqual(ensure_items(self.review_job).pk, queue.pk)  # built once
        self.assertEqual(items.count(), 6)

    def test_it_leads_a_group_with_its_likeliest_original(self) -> None:
        lead = self.item("/DCIM/100DEMO/IMG_0001.JPG")
        copy = self.item("/Downloads/img_0001_small.jpg")
        self.assertTrue(lead.is_lead)
        self.assertFalse(copy.is_lead)
        self.assertEqual((lead.group_size, copy.group_size), (2, 2))
        self.assertGreater(lead.priority, copy.priority)

    def test_it_shows_each_group_once_likeliest_first(self) -> None:
        self.sign_in_to_review(self.dora)
        html = self.client.get(self.queue_url).content.decode()
        shown = card_ids(html)
        self.assertEqual(len(shown), 5)
        first = self.item("/DCIM/100DEMO/IMG_0001.JPG")
        cached = self.item("/AppData/Cache/thumb_3.jpg")
        self.assertEqual(shown[0], first.pk)
        self.assertEqual(shown[-1], cached.pk)
        self.assertIn("1 copy behind it", html)
        self.assertNotIn(str(self.item("/Downloads/img_0001_small.jpg").pk) + "/blurred", html)
        # Previews only: blurred pictures, never a revealed one without asking.
        self.assertEqual(html.count("blurred.jpg"), 5)
        self.assertNotIn('class="revealed"', html)

    def test_it_shows_the_group_behind_a_card(self) -> None:
        self.sign_in_to_review(self.dora)
        lead = self.item("/DCIM/100DEMO/IMG_0001.JPG")
        copy = self.item("/Downloads/img_0001_small.jpg")
        html = self.client.get(f"/review/items/{lead.pk}/").content.decode()
        self.assertEqual(card_ids(html), sorted([lead.pk, copy.pk]))

    def test_it_reveals_one_item_without_scripts_on_request(self) -> None:
        self.sign_in_to_review(self.dora)
        lead = self.item("/DCIM/100DEMO/IMG_0001.JPG")
        html = self.client.get(f"{self.queue_url}?show=all&reveal={lead.pk}").content.decode()
        self.assertEqual(html.count('class="revealed"'), 1)
        self.assertIn(f"/review/items/{lead.pk}/revealed.jpg", html)

    def test_it_leaves_graded_groups_out_of_the_to_do_list(self) -> None:
        self.sign_in_to_review(self.dora)
        lead = self.item("/DCIM/100DEMO/IMG_0001.JPG")
        self.post_grade(lead, "C")
        self.assertNotIn(lead.pk, card_ids(self.client.get(self.queue_url).content.decode()))
        self.assertIn(lead.pk, card_ids(
            self.client.get(self.queue_url + "?show=all").content.decode()))
        self.sign_in_to_review(self.fred)  # still to do for another grader
        self.assertIn(lead.pk, card_ids(self.client.get(self.queue_url).content.decode()))

    def test_it_lists_final_items(self) -> None:
        lead = self.item("/DCIM/100DEMO/IMG_0001.JPG")
        for user in (self.dora, self.fred, self.erin):
            self.sign_in_to_review(user)
            self.post_grade(lead, "A")
        html = self.client.get(self.queue_url + "?show=final").content.decode()
        self.assertEqual(card_ids(html), [lead.pk])
        self.assertIn("Final: Category A (3 of 3 agree)", html)

    @override_settings(REVIEW_OVERRIDES={"page_size": 4})
    def test_it_pages_through_every_group_once(self) -> None:
        big = Exhibit.objects.create(
            owning_agency=self.owner_agency, investigation=self.review_exhibit.investigation,
            reference="EX-0099", exhibit_type=ExhibitType.HARD_DRIVE,
            evidence_path=self.review_exhibit.evidence_path)
        job = finished_job(big, list(many_rows(300)))
        ensure_items(job)
        leads = ReviewItem.objects.filter(job=job, is_lead=True)
        seen: list[int] = []
        after = ""
        while True:
            page = lead_page(job, self.dora, show="all", size=7, after=after)
            seen.extend(item.pk for item in page.items)
            if not page.next_after:
                break
            after = page.next_after
        self.assertEqual(sorted(seen), sorted(leads.values_list("pk", flat=True)))
        self.assertEqual(len(seen), len(set(seen)))
        priorities = [ReviewItem.objects.get(pk=pk).priority for pk in seen]
        self.assertEqual(priorities, sorted(priorities, reverse=True))
        # And back: the previous page of the second page is the first.
        first = lead_page(job, self.dora, show="all", size=7)
        second = lead_page(job, self.dora, show="all", size=7, after=first.next_after)
        back = lead_page(job, self.dora, show="all", size=7, before=second.previous_before)
        self.assertEqual([i.pk for i in back.items], [i.pk for i in first.items])
        self.sign_in_to_review(self.dora)
        self.justify(big)
        html = self.client.get(f"/review/exhibits/{big.pk}/?show=all").content.decode()
        self.assertEqual(len(card_ids(html)), 4)
        self.assertIn('id="next-page"', html)

    def test_it_says_when_there_is_no_finished_triage(self) -> None:
        empty = Exhibit.objects.create(
            owning_agency=self.owner_agency, investigation=self.review_exhibit.investigation,
            reference="EX-0098", exhibit_type=ExhibitType.PHONE,
            evidence_path=self.review_exhibit.evidence_path)
        self.sign_in_to_review(self.dora)
        self.justify(empty)
        response = self.client.get(f"/review/exhibits/{empty.pk}/")
        self.assertContains(response, "No finished triage of this exhibit yet")
        self.assertAudited("view", empty, page="review queue", job=None)
