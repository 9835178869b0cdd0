"""Importing a finished run: counts as in report.json, rows in file order, one evidence
item of several, hostile values, and again without duplicates."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import time
from pathlib import Path

import pytest

from safeguard.demo.media import picture_bytes
from safeguard.triage import (
    Address,
    TriageOptions,
    TriageWarning,
    address_of,
    open_content,
    read_run,
    record_from_row,
    triage,
)
from safeguard.web.triage_runs.importer import import_run
from safeguard.web.triage_runs.models import FileRecord, JobStatus, TriageJob, TriageWarningRow

from ...archives import zip_bytes
from .helpers import CaseTestCase, many_rows, row, sample_rows, write_run


class ImportTests(CaseTestCase):
    def setUp(self) -> None:
        self.out = Path(tempfile.mkdtemp(prefix="safeguard-run-"))
        self.addCleanup(shutil.rmtree, self.out, True)
        self.target = TriageJob.objects.create(exhibit=self.exhibit)

    def test_the_counts_match_report_json(self) -> None:
        report = write_run(self.out, sample_rows(), warnings=[
            {"address": "/evidence/ex1.dd › p1", "stage": "read", "message": "bad sector"}])
        summary = import_run(self.target, self.out)
        expected = report["summary"]
        for name in ("files", "bytes", "images", "videos", "known_good", "unmatched_images",
                     "unmatched_videos", "deleted", "in_archives", "warnings"):
            self.assertEqual(getattr(summary, name), expected[name], name)
        self.assertEqual(summary.exact_matches, expected["matches"]["exact"])
        self.assertEqual(summary.perceptual_matches, expected["matches"]["perceptual"])
        self.assertEqual(summary.categories, expected["categories"])
        self.assertEqual(list(summary.categories), ["A", "C"])
        self.assertEqual(FileRecord.objects.filter(job=self.target).count(), 8)
        self.assertEqual(TriageWarningRow.objects.get(job=self.target).message, "bad sector")

    def test_rows_keep_file_order_across_batches(self) -> None:
        rows = sample_rows()
        write_run(self.out, rows)
        import_run(self.target, self.out, batch_size=3)
        stored = list(FileRecord.objects.filter(job=self.target).order_by("id"))
        self.assertEqual([r.full_path for r in stored],
                         [f"{r['archive']}!{r['path']}" if r["archive"] else r["path"]
                          for r in rows])
        scan = stored[-1]
        self.assertEqual((scan.archive, scan.path, scan.deleted, scan.group),
                         ("/shared.zip", "/old/scan.jpg", True, "G00003"))
        self.assertEqual(stored[2].distance, 8)
        self.assertEqual(stored[0].modified.isoformat(), "2024-03-01T12:00:00+00:00")

    def test_an_altered_video_is_shown_as_matched_by_its_frame_regions(self) -> None:
        write_run(self.out, [
            *sample_rows(),
            row("/Videos/logo-copy.mp4", md5="7" * 32, sha1="9" * 40, type="video",
                mime="video/mp4", match="perceptual", category="C", hashset="demo-vics",
                distance=12, match_method="regions"),
        ])
        self.target.status = JobStatus.DONE
        self.target.save(update_fields=["status"])
        import_run(self.target, self.out)
        stored = {r.path: r.match_method
                  for r in FileRecord.objects.filter(job=self.target, match="perceptual")}
        self.assertEqual(stored, {"/DCIM/c_small.jpg": "", "/Videos/logo-copy.mp4": "regions"})
        self.login(self.alice)
        self.justify(self.exhibit)
        page = self.client.get(f"/investigations/jobs/{self.target.pk}/files/?type=video")
        self.assertContains(page, "perceptual (distance 12; by frame regions: an altered copy)")

    def test_importing_again_replaces_the_rows(self) -> None:
        write_run(self.out, sample_rows())
        import_run(self.target, self.out)
        import_run(self.target, self.out)
        self.assertEqual(FileRecord.objects.filter(job=self.target).count(), 8)

    def test_one_evidence_item_of_several_is_counted_afresh(self) -> None:
        other = [row(f"/home/u/{n}.jpg", evidence="/evidence/laptop.E01", md5="a" * 32,
                     sha1="1" * 40, match="exact", category="A", deleted=n == 0)
                 for n in range(3)]
        report = write_run(self.out, [*sample_rows(), *other], warnings=[
            {"address": "/evidence/laptop.E01 › ext4 › /x", "stage": "read", "message": "l"},
            {"address": "/evidence/ex1.dd › p1 › /y", "stage": "read", "message": "u"}])
        summary = import_run(self.target, self.out, evidence="/evidence/laptop.E01")
        self.assertEqual(summary.files, 3)
        self.assertEqual(summary.categories, {"A": {
            "images": 3, "videos": 0, "unique_images": 1, "unique_videos": 0, "deleted": 1,
            "in_shared_location_images": 0, "in_shared_location_videos": 0,
            "exact": 3, "perceptual": 0, "known_to_circulate": 0, "distributed": 0,
            "carved": 0, "thumbnails": 0, "thumbnails_original_not_found": 0, "embedded": 0}})
        self.assertEqual(summary.warnings, 1)
        self.assertEqual([e["path"] for e in summary.evidence], ["/evidence/laptop.E01"])
        self.assertEqual(FileRecord.objects.filter(job=self.target).count(), 3)
        self.assertEqual(TriageWarningRow.objects.get(job=self.target).message, "l")
        self.assertEqual(report["summary"]["files"], 11)

    def test_a_recount_keeps_the_engines_shared_location_and_circulation_flags(self) -> None:
        rows = [row(f"/home/u/{name}.jpg", evidence="/evidence/laptop.E01", md5=f"{n:032x}",
                    sha1=f"{n:040x}", match="exact", category="B", **flags)
                for n, (name, flags) in enumerate([
                    ("shared", {"shared_location": True}),
                    ("circulating", {"distributed": True}),
                    ("neither", {})])]
        write_run(self.out, [*sample_rows(), *rows])
        summary = import_run(self.target, self.out, evidence="/evidence/laptop.E01")
        figures = summary.categories["B"]
        self.assertEqual((figures["images"], figures["in_shared_location_images"],
                          figures["known_to_circulate"]), (3, 1, 1))

    def test_hostile_values_are_kept_readable_and_within_bounds(self) -> None:
        write_run(self.out, [row("/a\x00b.jpg", mime="x" * 500, modified="not a time",
                                 size="", pdq_quality="high", type="image")])
        import_run(self.target, self.out)
        stored = FileRecord.objects.get(job=self.target)
        self.assertEqual(stored.path, "/a\\x00b.jpg")
        self.assertEqual(len(stored.mime), 128)
        self.assertIsNone(stored.modified)
        self.assertIsNone(stored.pdq_quality)
        self.assertEqual(stored.size, 0)

    def test_the_review_reads_back_what_the_importer_stored(self) -> None:
        """The importer keeps files.csv's address columns as the engine wrote them, and the
        review cuts them with the engine's codec (address_of): the two agree, even for
        names with "!" along an archive chain."""
        evidence = self.out / "seized"
        (evidence / "odd name!").mkdir(parents=True)
        (evidence / "odd name!" / "chain.zip").write_bytes(zip_bytes({
            "inner!/deep.zip": zip_bytes({"x!/p!.jpg": picture_bytes(1)}),
            "a › b.jpg": picture_bytes(2)}))
        out = self.out / "run"
        triage([str(evidence)], TriageOptions(out_dir=out, workers=2, perceptual=None))
        import_run(self.target, out)
        engine = {Address.from_columns(row): record_from_row(row).digests
                  for row in read_run(out).rows()}
        stored = FileRecord.objects.filter(job=self.target).exclude(sha1="")
        self.assertEqual(len(stored), 4)  # the zip, the inner zip and the two pictures
        for record in stored:
            address = address_of(path=record.path, evidence=record.evidence,
                                 partition=record.partition, filesystem=record.filesystem,
                                 inode=record.inode, archive=record.archive)
            self.assertEqual(engine[address]["sha1"], record.sha1)
            with open_content(evidence, address, deleted=record.deleted) as stream:
                self.assertEqual(hashlib.sha1(stream.read()).hexdigest(), record.sha1)
        deepest = stored.get(path="/x!/p!.jpg")
        self.assertEqual(address_of(path=deepest.path, archive=deepest.archive).archive,
                         ("/odd name!/chain.zip", "/inner!/deep.zip"))

    def test_warnings_are_kept_by_the_evidence_they_name(self) -> None:
        warnings = [TriageWarning(Address("/evidence/laptop.E01", "/x", partition="p › 1"),
                                  "read", "l").as_dict(),
                    TriageWarning(Address.of_evidence("/evidence/laptop.E01 › copy"), "open",
                                  "other item").as_dict()]
        other = [row("/home/u/a.jpg", evidence="/evidence/laptop.E01")]
        write_run(self.out, [*sample_rows(), *other], warnings=warnings)
        import_run(self.target, self.out, evidence="/evidence/laptop.E01")
        stored = TriageWarningRow.objects.get(job=self.target)
        self.assertEqual((stored.address, stored.message),
                         ("/evidence/laptop.E01 › p › 1 › /x", "l"))

    def test_a_name_longer_than_the_csv_modules_default_limit_imports(self) -> None:
        # A tar's pax header puts no limit on a member's name.
        long_path = "/" + "n" * 200_000 + ".jpg"
        write_run(self.out, [row(long_path, type="image")])
        import_run(self.target, self.out)
        stored = FileRecord.objects.get(job=self.target)
        self.assertTrue(stored.path.startswith("/nnnn"))


@pytest.mark.slow
@pytest.mark.django_db
def test_it_imports_twenty_thousand_rows_quickly(tmp_path: Path) -> None:
    """A guard, not the measurement (docs/web.md gives that, at 100,000 and 1M rows)."""
    from safeguard.web.accounts.models import Agency, AgencyKind
    from safeguard.web.investigations.models import Exhibit, Investigation

    from .helpers import EVIDENCE_ROOT

    agency = Agency.objects.create(name="Police (speed)", kind=AgencyKind.POLICE)
    investigation = Investigation.objects.create(owning_agency=agency, reference="S-1",
                                                 title="s", opened_on="2026-11-01")
    exhibit = Exhibit.objects.create(owning_agency=agency, investigation=investigation,
                                     reference="EX-0001", exhibit_type="other",
                                     evidence_path=str(EVIDENCE_ROOT / "big.E01"))
    job = TriageJob.objects.create(exhibit=exhibit)
    write_run(tmp_path, many_rows(20_000))
    started = time.perf_counter()
    summary = import_run(job, tmp_path)
    elapsed = time.perf_counter() - started
    assert summary.files == 20_000
    assert FileRecord.objects.filter(job=job).count() == 20_000
    assert elapsed < 30, f"{elapsed:.1f} s for 20,000 rows"
