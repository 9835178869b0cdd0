"""Shared fixtures of the investigations tests: a case of alice's agency, a run folder
written without the engine (for the views), and reasons already given (DPA s62).

    class ExhibitTests(CaseTestCase):
        def test_it(self):
            self.login(self.alice)
            self.justify(self.exhibit)
            self.client.get(f"/investigations/exhibits/{self.exhibit.pk}/")
"""

from __future__ import annotations

import atexit
import csv
import datetime as dt
import json
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from django.test import override_settings
from django.utils import timezone

from safeguard.triage import FIELDNAMES, SummaryBuilder, record_from_row
from safeguard.web.investigations.models import (
    Exhibit,
    ExhibitType,
    Investigation,
    Operation,
    Suspect,
)
from safeguard.web.triage_runs.importer import import_run
from safeguard.web.triage_runs.models import JobStatus, TriageJob

from ..base import WebTestCase

REASON = "Reviewing the triage for the charging decision"
# One per test process (pytest -n runs several): the evidence folder of SAFEGUARD_EVIDENCE_ROOTS.
EVIDENCE_ROOT = Path(tempfile.mkdtemp(prefix="safeguard-evidence-"))
atexit.register(shutil.rmtree, EVIDENCE_ROOT, True)


def row(path: str, **cells: Any) -> dict[str, str]:
    """A files.csv row with sensible defaults (an unmatched JPEG)."""
    values: dict[str, Any] = {name: "" for name in FIELDNAMES}
    values.update(evidence="/evidence/ex1.dd", partition="p1", filesystem="FAT16", path=path,
                  size=1000, deleted=False, carved=False, type="image", mime="image/jpeg",
                  md5="", sha1="", sha256="", known_good=False, distributed=False,
                  victim_identified=False, match="none", modified="2024-03-01T12:00:00Z")
    values.update(cells)
    return {key: (("true" if value else "false") if isinstance(value, bool) else str(value))
            for key, value in values.items()}


def sample_rows() -> list[dict[str, str]]:
    """Eight files: exact and perceptual matches in A and C, a deleted one, new images in
    two near-duplicate groups, a video, a known-good file and an archive member."""
    return [
        row("/DCIM/a.jpg", md5="a" * 32, sha1="1" * 40, match="exact", category="A",
            hashset="demo-vics", distance=0),
        row("/DCIM/b.jpg", md5="b" * 32, sha1="2" * 40, match="exact", category="A",
            hashset="demo-vics", deleted=True, distance=0),
        row("/DCIM/c_small.jpg", md5="c" * 32, sha1="3" * 40, match="perceptual", category="C",
            hashset="demo-vics", distance=8),
        row("/DCIM/new1.jpg", md5="d" * 32, sha1="4" * 40, group="G00001"),
        row("/DCIM/new1_copy.jpg", md5="e" * 32, sha1="5" * 40, group="G00001"),
        row("/Videos/clip.mp4", md5="f" * 32, sha1="6" * 40, type="video", mime="video/mp4",
            group="G00002"),
        row("/SYSTEM/driver.sys", md5="0" * 32, sha1="7" * 40, type="other", mime="",
            known_good=True, known_good_set="demo-nsrl"),
        row("/old/scan.jpg", md5="9" * 32, sha1="8" * 40, archive="/shared.zip",
            group="G00003", deleted=True),
    ]


def write_run(out_dir: Path, rows: Iterable[dict[str, str]],
              warnings: list[dict[str, str]] | None = None) -> dict[str, Any]:
    """Write report.json and files.csv as the engine would (the summary counted by the
    engine's SummaryBuilder over the same rows); return the report."""
    out_dir.mkdir(parents=True, exist_ok=True)
    builder = SummaryBuilder()
    evidence: list[str] = []
    with (out_dir / "files.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDNAMES, lineterminator="\r\n")
        writer.writeheader()
        for cells in rows:
            writer.writerow(cells)
            builder.add(record_from_row(cells))
            if cells["evidence"] not in evidence:
                evidence.append(cells["evidence"])
    warnings = warnings or []
    report = {
        "tool": {"name": "Safeguard", "version": "0.1.0"},
        "started": "2026-11-03T09:00:00+00:00", "finished": "2026-11-03T09:01:00+00:00",
        "options": {}, "digests": ["md5", "sha1", "sha256"],
        "evidence": [{"path": path, "kind": "raw", "size": 1 << 20, "sha256": "ab" * 32,
                      "md5": None, "verified": None} for path in evidence],
        "hashsets": [{"name": "demo-vics", "kind": "known-bad", "format": "vics",
                      "entries": 14, "sha256": "cd" * 32, "scheme": "uk"}],
        "summary": builder.finish(len(warnings)).as_dict(),
        "warnings": warnings,
    }
    (out_dir / "report.json").write_text(json.dumps(report), encoding="utf-8")
    return report


@override_settings(EVIDENCE_ROOTS=[str(EVIDENCE_ROOT)])
class CaseTestCase(WebTestCase):
    """alice's agency owns an operation, an investigation, a suspect and an exhibit (with a
    finished triage of eight files); bob's agency has none of them shared until a test
    shares one."""

    operation: Operation
    investigation: Investigation
    suspect: Suspect
    exhibit: Exhibit
    job: TriageJob
    reason = REASON

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        EVIDENCE_ROOT.mkdir(parents=True, exist_ok=True)
        agency = cls.owner_agency
        cls.operation = Operation.objects.create(
            owning_agency=agency, name="Lantern", reference="OP-1", lead_officer=cls.alice)
        cls.investigation = Investigation.objects.create(
            owning_agency=agency, reference="INV-1", title="Images on a laptop",
            operation=cls.operation, opened_on=dt.date(2026, 11, 2),
            officer_in_charge=cls.alice)
        cls.suspect = Suspect.objects.create(
            owning_agency=agency, name="Darren Testperson", aliases="Daz\nD.T.",
            date_of_birth=dt.date(1980, 5, 1))
        cls.suspect.investigations.add(cls.investigation)
        cls.exhibit = Exhibit.objects.create(
            owning_agency=agency, investigation=cls.investigation, reference="EX-0001",
            exhibit_type=ExhibitType.LAPTOP, make="Demo", model="Book",
            seized_from_suspect=cls.suspect, seized_by=cls.alice,
            evidence_path=str(EVIDENCE_ROOT / "ex1.dd"))
        cls.job = finished_job(cls.exhibit, sample_rows(), requested_by=cls.alice)


def finished_job(exhibit: Exhibit, rows: list[dict[str, str]], **fields: Any) -> TriageJob:
    """A done job whose results are `rows`, imported through the real importer."""
    out_dir = Path(tempfile.mkdtemp(prefix="safeguard-run-"))
    job = TriageJob.objects.create(exhibit=exhibit, status=JobStatus.RUNNING,
                                   hashsets=["demo-vics"], out_dir=str(out_dir), **fields)
    try:
        write_run(out_dir, rows, warnings=[
            {"address": f"{rows[0]['evidence']} › p1 › FAT16 › /DCIM/broken.jpg",
             "stage": "decode", "message": "truncated JPEG"}])
        import_run(job, out_dir)
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)
    now = timezone.now()
    summary = job.summary
    TriageJob.objects.filter(pk=job.pk).update(
        status=JobStatus.DONE, started_at=now, finished_at=now, exit_status=4,
        files_done=summary.files, bytes_done=summary.bytes)
    job.refresh_from_db()
    return job


def many_rows(count: int, evidence: str = "/evidence/big.E01") -> Iterator[dict[str, str]]:
    """`count` varied rows, fast: for pagination and the import measurement."""
    kinds = ("image", "image", "image", "other", "video", "archive")
    for n in range(count):
        kind = kinds[n % len(kinds)]
        matched = n % 97 == 0
        yield {
            "evidence": evidence, "partition": "p2 (sector 2048)", "filesystem": "NTFS",
            "path": f"/Users/demo/Pictures/{n // 1000:04d}/IMG_{n:07d}.jpg", "archive": "",
            "inode": str(100 + n), "size": str(20_000 + n % 5000),
            "modified": "2024-03-01T12:00:00Z", "accessed": "2024-03-01T12:00:00Z",
            "changed": "2024-03-01T12:00:00Z", "created": "",
            "deleted": "true" if n % 50 == 0 else "false", "carved": "false",
            "type": kind, "mime": "image/jpeg" if kind == "image" else "",
            "md5": f"{n:032x}", "sha1": f"{n:040x}", "sha256": f"{n:064x}",
            "known_good": "true" if kind == "other" else "false",
            "known_good_set": "nsrl" if kind == "other" else "",
            "hashset": "caid" if matched else "", "category": "ABC"[n % 3] if matched else "",
            "series": "", "distributed": "false", "victim_identified": "false",
            "match": "exact" if matched else "none", "distance": "0" if matched else "",
            "error": "", "pdq": f"{n:064x}" if kind == "image" else "",
            "pdq_quality": "100" if kind == "image" else "",
            "group": f"G{n // 3:07d}" if kind in ("image", "video") and not matched else "",
        }
