"""Evidence pictures: read back and verified, blurred and greyscale unless revealed, never
cached, never the original file; a changed evidence file is refused."""

from __future__ import annotations

import io
import shutil

from django.test import override_settings
from PIL import Image, ImageFilter, ImageStat

from safeguard.web.review.models import ReviewItem

from .helpers import ZIP_MEMBER, ReviewTestCase, evidence_files


def picture(body: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(body))
    image.load()
    return image


def detail(image: Image.Image) -> float:
    """Edge energy: the variance of the picture's edges (high for a sharp picture), the
    border left out (the filter sees an edge at every border)."""
    edges = image.convert("L").filter(ImageFilter.FIND_EDGES)
    width, height = edges.size
    return float(ImageStat.Stat(edges.crop((2, 2, width - 2, height - 2))).var[0])


def colourfulness(image: Image.Image) -> float:
    """Mean saturation (0 for greyscale)."""
    return float(ImageStat.Stat(image.convert("RGB").convert("HSV").split()[1]).mean[0])


class MediaTests(ReviewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.lead = self.item("/DCIM/100DEMO/IMG_0001.JPG")
        self.sign_in_to_review(self.dora)

    def test_it_never_lets_a_picture_be_stored(self) -> None:
        for view in ("blurred", "revealed"):
            response = self.client.get(self.media_url(self.lead, view))
            with self.subTest(view=view):
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response["Cache-Control"], "no-store")
                self.assertEqual(response["Pragma"], "no-cache")
                self.assertEqual(response["X-Content-Type-Options"], "nosniff")
                self.assertEqual(response["Content-Type"], "image/jpeg")
                self.assertEqual(response["Content-Disposition"],
                                 f'inline; filename="review-item-{self.lead.pk}-{view}.jpg"')

    def test_it_blurs_and_greys_the_default_picture(self) -> None:
        blurred = picture(self.client.get(self.media_url(self.lead, "blurred")).content)
        shown = picture(self.client.get(self.media_url(self.lead, "revealed")).content)
        self.assertEqual(blurred.mode, "L")  # one channel: no colour at all
        self.assertEqual(shown.mode, "RGB")
        self.assertGreater(colourfulness(shown), 20)
        self.assertLess(detail(blurred) * 50, detail(shown))
        self.assertLessEqual(max(blurred.size), 240)
        self.assertLessEqual(max(shown.size), 720)

    def test_it_never_sends_the_original_file(self) -> None:
        original = evidence_files()["/DCIM/100DEMO/IMG_0001.JPG"][0]
        for view in ("blurred", "revealed"):
            body = self.client.get(self.media_url(self.lead, view)).content
            self.assertNotEqual(body, original)
            self.assertNotIn(b"Exif", body[:64])

    def test_it_reveals_in_greyscale_for_a_reviewer_who_asks(self) -> None:
        self.client.post("/review/preferences/", {"break_minutes": "30"})  # colour unticked
        shown = picture(self.client.get(self.media_url(self.lead, "revealed")).content)
        self.assertEqual(shown.mode, "L")
        self.assertGreater(detail(shown), 100)

    def test_it_reads_a_member_of_a_zip(self) -> None:
        member = self.item(ZIP_MEMBER, archive="/shared.zip")
        response = self.client.get(self.media_url(member, "revealed"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(picture(response.content).size, (400, 300))

    def test_it_shows_a_video_as_a_poster_frame_and_frames_on_request(self) -> None:
        video = self.item("/Videos/VID_0004.mp4")
        poster = self.client.get(self.media_url(video, "blurred"))
        self.assertEqual(poster.status_code, 200)
        self.assertEqual(poster["Content-Type"], "image/jpeg")
        self.assertEqual(picture(poster.content).mode, "L")
        frames = self.client.get(self.media_url(video, "frames"))
        self.assertEqual(frames.status_code, 200)
        self.assertEqual(picture(frames.content).mode, "RGB")
        self.assertAudited("view", self.review_exhibit, view="frames", item=video.pk)

    def test_it_refuses_frames_of_a_picture(self) -> None:
        response = self.client.get(self.media_url(self.lead, "frames"))
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response["Cache-Control"], "no-store")

    def test_it_records_the_size_and_camera_when_first_shown(self) -> None:
        self.assertIsNone(self.lead.width)
        self.client.get(self.media_url(self.lead))
        self.lead.refresh_from_db()
        self.assertEqual((self.lead.width, self.lead.height), (640, 480))

    def test_it_refuses_a_file_that_changed_in_the_evidence(self) -> None:
        path = self.evidence_folder() / "Pictures" / "drawing.png"
        saved = path.read_bytes()
        item = self.item("/Pictures/drawing.png")
        try:
            path.write_bytes(saved[:-10] + b"0123456789")
            response = self.client.get(self.media_url(item, "revealed"))
        finally:
            path.write_bytes(saved)
        self.assertEqual(response.status_code, 409)
        self.assertEqual(response["Content-Type"], "image/png")
        self.assertEqual(response["Cache-Control"], "no-store")
        self.assertIn("evidence has changed", response["X-Safeguard-Refused"])
        self.assertIn("SHA-1 recorded", response["X-Safeguard-Refused"])
        event = self.assertAudited("view", self.review_exhibit, item=item.pk, view="revealed")
        self.assertIn("evidence has changed", event.details["refused"])
        # The placeholder is a plain grey card, not the picture.
        self.assertEqual(picture(response.content).mode, "L")

    def test_it_refuses_a_file_gone_from_the_evidence(self) -> None:
        folder = self.evidence_folder() / "AppData"
        moved = self.evidence_folder() / "AppData.moved"
        item = self.item("/AppData/Cache/thumb_3.jpg")
        shutil.move(folder, moved)
        try:
            response = self.client.get(self.media_url(item))
        finally:
            shutil.move(moved, folder)
        self.assertEqual(response.status_code, 409)
        self.assertIn("no longer where the triage found it", response["X-Safeguard-Refused"])

    def test_it_refuses_evidence_outside_the_evidence_folders(self) -> None:
        with override_settings(EVIDENCE_ROOTS=["/nonexistent-root"]):
            response = self.client.get(self.media_url(self.lead))
        self.assertEqual(response.status_code, 409)
        self.assertIn("SAFEGUARD_EVIDENCE_ROOTS", response["X-Safeguard-Refused"])

    def test_it_refuses_an_item_without_a_recorded_digest(self) -> None:
        item = self.item("/Pictures/drawing.png")
        type(item.file).objects.filter(pk=item.file_id).update(md5="", sha1="")
        response = self.client.get(self.media_url(ReviewItem.objects.get(pk=item.pk)))
        self.assertEqual(response.status_code, 409)
        self.assertIn("no digest", response["X-Safeguard-Refused"])

    def test_it_has_no_such_view(self) -> None:
        response = self.client.get(f"/review/items/{self.lead.pk}/original.jpg")
        self.assertEqual(response.status_code, 404)
