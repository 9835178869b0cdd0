"""The VICS 2.0 (UK profile) export of the final categories."""

from __future__ import annotations

import hashlib
import json

from django.test import override_settings

from safeguard.triage.reports.vics_export import VICS_CONTEXT

from .helpers import ZIP_MEMBER, ReviewTestCase, evidence_files


class ExportTests(ReviewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.lead = self.item("/DCIM/100DEMO/IMG_0001.JPG")
        self.member = self.item(ZIP_MEMBER, archive="/shared.zip")
        self.drawing = self.item("/Pictures/drawing.png")
        self.video = self.item("/Videos/VID_0004.mp4")
        for user in (self.dora, self.fred, self.erin):
            self.sign_in_to_review(user)
            self.post_grade(self.lead, "B", scope="group")
            self.post_grade(self.member, "A")
            self.post_grade(self.drawing, "N")
        # Not final: two of three.
        for user in (self.dora, self.fred):
            self.sign_in_to_review(user)
            self.post_grade(self.video, "C")
        # Not final either: a third grader dissented, and nobody has settled it yet.
        self.thumb = self.item("/AppData/Cache/thumb_3.jpg")
        for user, category in ((self.dora, "A"), (self.fred, "A"), (self.erin, "B")):
            self.sign_in_to_review(user)
            self.post_grade(self.thumb, category)

    def export(self) -> dict:
        response = self.client.post(f"/review/exhibits/{self.review_exhibit.pk}/export/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Cache-Control"], "no-store")
        self.assertEqual(response["Content-Disposition"],
                         'attachment; filename="EX-0002-graded.vics.json"')
        return json.loads(response.content)

    def test_it_exports_the_final_indecent_categories(self) -> None:
        document = self.export()
        self.assertEqual(document["@odata.context"], VICS_CONTEXT)
        case = document["value"][0]
        self.assertEqual(case["CaseNumber"], "INV-REVIEW")
        self.assertEqual(case["SourceApplicationName"], "Safeguard")
        media = case["Media"]
        # The group's two files (two contents) in B, the zip member in A; not the
        # "not indecent" drawing, not the video without agreement, not the disputed
        # thumbnail (A, A, B: a majority is not a final category).
        self.assertEqual(len(media), 3)
        by_file = {entry["MediaFiles"][0]["FileName"]: entry for entry in media}
        self.assertEqual(set(by_file), {"IMG_0001.JPG", "img_0001_small.jpg", "photo_5.jpg"})
        self.assertEqual(by_file["IMG_0001.JPG"]["Category"], 2)
        self.assertEqual(by_file["photo_5.jpg"]["Category"], 1)
        self.assertEqual([entry["MediaID"] for entry in media], [1, 2, 3])
        for entry in media:
            self.assertIs(entry["IsPrecategorized"], False)
            self.assertIs(entry["IsSuspected"], False)
            self.assertIn("3 of 3 agree", entry["Comments"])
            self.assertIn("final when 3 independent graders agree and none dissents",
                          entry["Comments"])
            self.assertNotIn("Disputed", entry["Comments"])

    def test_it_carries_digests_and_addresses(self) -> None:
        media = self.export()["value"][0]["Media"]
        original = evidence_files()["/DCIM/100DEMO/IMG_0001.JPG"][0]
        entry = next(m for m in media if m["MD5"] == hashlib.md5(original).hexdigest())
        self.assertEqual(entry["SHA1"], hashlib.sha1(original).hexdigest())
        self.assertEqual(entry["MediaSize"], len(original))
        self.assertEqual(entry["MimeType"], "image/jpeg")
        [copy] = entry["MediaFiles"]
        self.assertEqual(copy["FilePath"],
                         f"{self.evidence_folder()} › /DCIM/100DEMO/IMG_0001.JPG")
        self.assertEqual(copy["Written"], "2024-03-01T12:00:00Z")
        self.assertIs(copy["Deleted"], False)
        member = next(m for m in media if m["Category"] == 1)
        self.assertEqual(member["MediaFiles"][0]["FilePath"],
                         f"{self.evidence_folder()} › /shared.zip!/shared/photo_5.jpg")

    @override_settings(REVIEW_OVERRIDES={"vics_category_codes": {"A": 10, "B": 20, "C": 30}})
    def test_it_uses_the_configured_category_codes(self) -> None:
        media = self.export()["value"][0]["Media"]
        self.assertEqual(sorted(entry["Category"] for entry in media), [10, 20, 20])

    def test_it_gives_the_same_case_id_twice(self) -> None:
        self.assertEqual(self.export()["value"][0]["CaseID"],
                         self.export()["value"][0]["CaseID"])
