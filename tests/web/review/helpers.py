"""A case for the review tests: a folder of benign synthetic pictures (and a video and a
zip) as an exhibit's evidence, triaged into a finished job whose rows carry the real
digests, and the people who review it.

    class QueueTests(ReviewTestCase):
        def test_it(self):
            self.login(self.dora)
            self.justify(self.exhibit)
            self.client.get(self.queue_url)

- dora, fred: image reviewers of the owning agency; erin: its forensic examiner;
- alice: its investigator (no review role); bob: the partner (the exhibit shared with his
  agency); charlie: an outsider.
"""

from __future__ import annotations

import atexit
import datetime as dt
import hashlib
import io
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from django.test import override_settings

from safeguard.demo.media import encode, picture_bytes, synthetic_clip, synthetic_picture
from safeguard.web.accounts.models import Role, User
from safeguard.web.investigations.models import Exhibit, ExhibitType, Investigation
from safeguard.web.review.image_queue import ensure_items
from safeguard.web.review.models import ReviewItem
from safeguard.web.triage_runs.models import FileRecord, TriageJob

from ..base import make_user
from ..investigations.helpers import EVIDENCE_ROOT, REASON, CaseTestCase, finished_job, row

# One folder per test process, inside the evidence root the tests allow.
EVIDENCE_ROOT.mkdir(parents=True, exist_ok=True)
CASE_FOLDER = Path(tempfile.mkdtemp(prefix="review-case-", dir=EVIDENCE_ROOT))
atexit.register(shutil.rmtree, CASE_FOLDER, True)


def _small(seed: int) -> bytes:
    """A resized, recompressed copy (a near-duplicate in the same group)."""
    return encode(synthetic_picture(seed, (640, 480)).resize((200, 150)), "JPEG", quality=60)


def _clip(seed: int) -> bytes:
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "clip.mp4"
        synthetic_clip(str(path), seed, seconds=3)
        return path.read_bytes()


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


ZIP_MEMBER = "/shared/photo_5.jpg"

# path in the evidence folder -> (bytes, file type, mime, group)
FILES: dict[str, tuple[bytes, str, str, str]] = {}


def evidence_files() -> dict[str, tuple[bytes, str, str, str]]:
    """Build (once) the evidence's files: what each is and which group it falls in."""
    if not FILES:
        FILES.update({
            "/DCIM/100DEMO/IMG_0001.JPG": (picture_bytes(1, "JPEG", (640, 480)), "image",
                                           "image/jpeg", "G00001"),
            "/Downloads/img_0001_small.jpg": (_small(1), "image", "image/jpeg", "G00001"),
            "/Pictures/drawing.png": (picture_bytes(2, "PNG", (320, 240)), "image",
                                      "image/png", "G00002"),
            "/AppData/Cache/thumb_3.jpg": (picture_bytes(3, "JPEG", (160, 120)), "image",
                                           "image/jpeg", "G00003"),
            "/Videos/VID_0004.mp4": (_clip(4), "video", "video/mp4", "G00004"),
        })
    return FILES


def write_evidence(folder: Path) -> None:
    for relative, (data, *_rest) in evidence_files().items():
        target = folder / relative.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    member = picture_bytes(5, "JPEG", (400, 300))
    (folder / "shared.zip").write_bytes(_zip({ZIP_MEMBER.lstrip("/"): member}))


def digests(data: bytes) -> dict[str, str]:
    return {"md5": hashlib.md5(data).hexdigest(), "sha1": hashlib.sha1(data).hexdigest(),
            "sha256": hashlib.sha256(data).hexdigest()}


def review_rows(folder: Path) -> list[dict[str, str]]:
    """files.csv rows as the engine writes them for the evidence folder."""
    label = str(folder)
    rows = []
    for relative, (data, kind, mime, group) in evidence_files().items():
        rows.append(row(relative, evidence=label, partition="", filesystem="", type=kind,
                        mime=mime, size=len(data), group=group, **digests(data)))
    member = picture_bytes(5, "JPEG", (400, 300))
    zipped = (folder / "shared.zip").read_bytes()
    rows.append(row("/shared.zip", evidence=label, partition="", filesystem="", type="archive",
                    mime="application/zip", size=len(zipped), **digests(zipped)))
    rows.append(row(ZIP_MEMBER, evidence=label, partition="", filesystem="",
                    archive="/shared.zip", size=len(member), group="G00005",
                    **digests(member)))
    # Not in the queue: a known-bad match and a known-good file.
    rows.append(row("/DCIM/100DEMO/IMG_0009.JPG", evidence=label, partition="", filesystem="",
                    match="exact", category="A", hashset="demo-vics", distance=0,
                    md5="a" * 32, sha1="1" * 40))
    rows.append(row("/Windows/system.dll", evidence=label, partition="", filesystem="",
                    type="other", mime="", known_good=True, known_good_set="nsrl",
                    md5="0" * 32, sha1="7" * 40))
    return rows


def exhibit_to_review(folder: Path) -> tuple[User, Exhibit, TriageJob]:
    """For the browser tests: a police agency, dora its image reviewer, and an exhibit of
    `folder` with a finished triage and its review items."""
    from safeguard.web.accounts.models import Agency, AgencyKind

    agency = Agency.objects.create(name="Staffordshire Police (test)", kind=AgencyKind.POLICE)
    dora = make_user("dora", agency, Role.IMAGE_REVIEWER)
    investigation = Investigation.objects.create(
        owning_agency=agency, reference="DEMO-0001", title="Operation Lantern (test)",
        opened_on=dt.date(2026, 11, 2), officer_in_charge=dora)
    exhibit = Exhibit.objects.create(
        owning_agency=agency, investigation=investigation, reference="EX-0002",
        exhibit_type=ExhibitType.LAPTOP, evidence_path=str(folder))
    job = finished_job(exhibit, review_rows(folder))
    ensure_items(job)
    return dora, exhibit, job


@override_settings(EVIDENCE_ROOTS=[str(EVIDENCE_ROOT)])
class ReviewTestCase(CaseTestCase):
    """CaseTestCase's people and case, plus an exhibit of real (benign) evidence with a
    finished triage, its review items built, and reviewers."""

    review_exhibit: Exhibit
    review_job: TriageJob
    dora: User
    erin: User
    fred: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        folder = CASE_FOLDER / "laptop"
        if not folder.exists():
            write_evidence(folder)
        cls.dora = make_user("dora", cls.owner_agency, Role.IMAGE_REVIEWER)
        cls.fred = make_user("fred", cls.owner_agency, Role.IMAGE_REVIEWER)
        cls.erin = make_user("erin", cls.owner_agency, Role.FORENSIC_EXAMINER)
        investigation = Investigation.objects.create(
            owning_agency=cls.owner_agency, reference="INV-REVIEW", title="New images",
            opened_on=dt.date(2026, 11, 2), officer_in_charge=cls.alice)
        cls.review_exhibit = Exhibit.objects.create(
            owning_agency=cls.owner_agency, investigation=investigation, reference="EX-0002",
            exhibit_type=ExhibitType.LAPTOP, evidence_path=str(folder))
        cls.review_job = finished_job(cls.review_exhibit, review_rows(folder),
                                      requested_by=cls.erin)
        ensure_items(cls.review_job)

    def setUp(self) -> None:
        super().setUp()
        self.share_with(self.review_exhibit)  # bob's agency may read the exhibit

    # Shortcuts ---------------------------------------------------------------------

    @property
    def exhibit_under_review(self) -> Exhibit:
        return self.review_exhibit

    @property
    def queue_url(self) -> str:
        return f"/review/exhibits/{self.review_exhibit.pk}/"

    def item(self, path: str, archive: str = "") -> ReviewItem:
        return ReviewItem.objects.select_related("file").get(
            job=self.review_job, file__path=path, file__archive=archive)

    def file(self, path: str) -> FileRecord:
        return FileRecord.objects.get(job=self.review_job, path=path)

    def media_url(self, item: ReviewItem, view: str = "blurred") -> str:
        return f"/review/items/{item.pk}/{view}.jpg"

    def grade_url(self, item: ReviewItem) -> str:
        return f"/review/items/{item.pk}/grade/"

    def sign_in_to_review(self, user: User, reason: str = REASON) -> None:
        self.login(user)
        self.justify(self.review_exhibit, reason)

    def post_grade(self, item: ReviewItem, category: str, scope: str = "item") -> Any:
        return self.client.post(self.grade_url(item), {"category": category, "scope": scope},
                                HTTP_ACCEPT="application/json")

    def evidence_folder(self) -> Path:
        return Path(self.review_exhibit.evidence_path)
