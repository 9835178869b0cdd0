"""The web demo: Operation Lantern over the demo case that `safeguard demo` triaged, one
exhibit per evidence item, each with its part of the run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from safeguard.web.investigations.models import Exhibit, Investigation, Suspect, SuspectOutcome
from safeguard.web.triage_runs.demo import seed_web_demo
from safeguard.web.triage_runs.models import FileRecord, JobStatus, TriageJob, latest_done_job
from safeguard.web.triage_runs.worker import run_worker

pytestmark = pytest.mark.django_db


def test_it_imports_operation_lantern_with_one_exhibit_per_item(demo_settings: Path) -> None:
    workdir = demo_settings
    seed_web_demo(workdir, workdir / "home")
    investigation = Investigation.objects.get(reference="DEMO-0001")
    assert investigation.title == "Operation Lantern (demo)"
    assert investigation.operation is not None
    assert Suspect.objects.filter(investigations=investigation).count() == 1
    arrest = SuspectOutcome.objects.get(investigation=investigation)
    assert (str(arrest.arrested_on), arrest.charged_on, arrest.outcome) == \
        ("2026-11-03", None, "rui")
    exhibits = list(Exhibit.objects.filter(investigation=investigation).order_by("reference"))
    assert [Path(e.evidence_path).name for e in exhibits] == [
        "usb-stick.dd", "laptop.E01", "shared-folder.zip"]
    assert all(Path(e.evidence_path).exists() for e in exhibits)
    jobs = [latest_done_job(e) for e in exhibits]
    assert all(job is not None and job.status == JobStatus.DONE for job in jobs)
    report = json.loads((workdir / "report" / "report.json").read_text())["summary"]
    summaries = [job.summary for job in jobs if job is not None]
    # Every file of the run belongs to exactly one exhibit...
    assert sum(s.files for s in summaries) == report["files"] == 38
    assert sum(FileRecord.objects.filter(job=job).count() for job in jobs) == 38
    assert sum(s.unmatched_images for s in summaries) == report["unmatched_images"]
    # ...and every copy of a category to one exhibit (unique counts are per exhibit).
    for name, figures in report["categories"].items():
        for key in ("images", "videos", "deleted", "exact", "perceptual"):
            assert sum(s.categories.get(name, {}).get(key, 0) for s in summaries) == \
                figures[key], (name, key)


def test_it_is_idempotent(demo_settings: Path) -> None:
    seed_web_demo(demo_settings)
    seed_web_demo(demo_settings)
    assert Investigation.objects.filter(reference="DEMO-0001").count() == 1
    assert Exhibit.objects.count() == 3
    assert TriageJob.objects.count() == 3
    assert FileRecord.objects.count() == 38
    assert SuspectOutcome.objects.count() == 1


def test_an_exhibits_share_equals_a_triage_of_that_item_alone(demo_settings: Path) -> None:
    seed_web_demo(demo_settings)
    laptop = Exhibit.objects.get(reference="EX-0002")
    imported = latest_done_job(laptop)
    assert imported is not None
    fresh = TriageJob.objects.create(exhibit=laptop, hashsets=["demo-vics", "demo-nsrl"])
    assert run_worker(once=True, threads=2, threaded=False) == 1
    fresh.refresh_from_db()
    assert fresh.status == JobStatus.DONE, fresh.error
    assert fresh.summary.categories == imported.summary.categories
    for name in ("files", "images", "videos", "known_good", "unmatched_images",
                 "unmatched_videos", "deleted"):
        assert getattr(fresh.summary, name) == getattr(imported.summary, name), name


def test_the_seed_command_imports_the_case(demo_settings: Path) -> None:
    from safeguard.cli.web import web

    result = CliRunner().invoke(web, ["seed-demo", "--case", str(demo_settings)])
    assert result.exit_code == 0, result.output
    assert "Operation Lantern (demo)" in result.output
    assert "police.examiner" in result.output
    assert TriageJob.objects.filter(status=JobStatus.DONE).count() == 3


def test_the_seed_command_says_when_the_case_is_missing(tmp_path: Path) -> None:
    from safeguard.cli.web import web

    result = CliRunner().invoke(web, ["seed-demo", "--case", str(tmp_path)])
    assert result.exit_code == 3
    assert "run `safeguard demo --workdir" in result.output
