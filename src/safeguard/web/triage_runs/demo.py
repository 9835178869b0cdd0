"""The demo investigation's triage: each exhibit of Operation Lantern (investigations.demo)
gets a finished TriageJob holding *its* part of the one run `safeguard demo` made
(DIR/report): the files.csv rows whose `evidence` column is that item, with the summary
counted afresh over those rows by the engine's own SummaryBuilder (so the per-exhibit
court figures are exactly what a run over that item alone would report), and the
warnings about that item. The three jobs share the run folder.

Idempotent: a second call finds the jobs and re-imports their results from the report
now on disk (the demo rebuilds its evidence each time).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from safeguard.triage import ExitStatus, PerceptualOptions, read_run

from ..accounts.models import User
from ..audit.events import record
from ..audit.models import Action
from ..core.demo import SEEDED_BY
from ..demo import DemoLogin, seed
from ..investigations.demo import build_demo_case
from ..investigations.models import Exhibit, Investigation
from .importer import import_run
from .models import JobStatus, TriageJob


@dataclass(frozen=True)
class DemoCase:
    investigation: Investigation
    exhibits: list[Exhibit]
    jobs: list[TriageJob]


def import_demo_case(workdir: Path) -> DemoCase:
    """The demo investigation (investigations.demo), then its exhibits' triage."""
    case = build_demo_case(workdir)
    jobs = import_demo_runs(case.exhibits, workdir.resolve() / "report")
    return DemoCase(case.investigation, case.exhibits, jobs)


def import_demo_runs(exhibits: list[Exhibit], report_dir: Path) -> list[TriageJob]:
    run = read_run(report_dir)
    by_name = {Path(item.path).name: item.path for item in run.evidence}
    examiner = User.objects.get(username="police.examiner")
    jobs = []
    for exhibit in exhibits:
        file_name = Path(exhibit.evidence_path).name
        job = TriageJob.objects.filter(exhibit=exhibit, out_dir=str(report_dir)).first()
        if job is None:
            with transaction.atomic():
                job = TriageJob.objects.create(
                    exhibit=exhibit, requested_by=examiner, status=JobStatus.RUNNING,
                    hashsets=[h.name for h in run.hashsets],
                    options={"perceptual": True, **PerceptualOptions().to_json()},
                    out_dir=str(report_dir), started_at=timezone.now(), attempts=1,
                )
                record(None, Action.CREATE, job, username=SEEDED_BY, exhibit=exhibit.pk)
        evidence = by_name.get(file_name)
        if evidence is None:
            raise LookupError(f"{report_dir / 'report.json'} has no evidence {file_name}")
        summary = import_run(job, report_dir, evidence=evidence, run=run)
        TriageJob.objects.filter(pk=job.pk).update(
            status=JobStatus.DONE, finished_at=timezone.now(), files_done=summary.files,
            bytes_done=summary.bytes,
            exit_status=ExitStatus.WARNINGS if summary.warnings else ExitStatus.OK, error="",
        )
        job.refresh_from_db()
        jobs.append(job)
    return jobs


def seed_web_demo(workdir: Path, home: Path | None = None) -> list[DemoLogin]:
    """The whole web demo: agencies and users (seed()), then the demo investigation
    "Operation Lantern (demo)" with one exhibit per item of the demo evidence and the
    triage `safeguard demo` ran (workdir/report) imported as each exhibit's finished job
    (safeguard.web.investigations.demo, then import_demo_case below). `home`:
    where the demo hash sets were imported; the triage form lists the sets of the web's
    own SAFEGUARD_HOME, so they should agree.
    Returns the logins, as seed() does."""
    logins = seed()
    if home is not None and Path(home).resolve() != Path(settings.HOME).resolve():
        import warnings

        warnings.warn(
            f"the demo hash sets are in {home} but SAFEGUARD_HOME is {settings.HOME}: "
            "the triage form will not list them", stacklevel=2)
    import_demo_case(Path(workdir))
    return logins
