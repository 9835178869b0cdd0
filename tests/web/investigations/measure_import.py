"""Measure the import of a large files.csv (docs/web.md, "Importing results").

    .venv/bin/python -m tests.web.investigations.measure_import 100000
    scripts/with-postgres.sh .venv/bin/python -m tests.web.investigations.measure_import 100000

Generates a run of ROWS varied rows in a temporary folder, migrates a fresh database (a
SQLite file there, or DATABASE_URL), imports the run into it and prints the time taken.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path


def main(rows: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="safeguard-import-"))
    try:
        measure(rows, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def measure(rows: int, work: Path) -> None:
    os.environ.update(SAFEGUARD_MODE="demo", SAFEGUARD_HOME=str(work / "home"),
                      DJANGO_SETTINGS_MODULE="safeguard.web.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from safeguard.web.accounts.models import Agency, AgencyKind
    from safeguard.web.investigations.models import Exhibit, Investigation
    from safeguard.web.triage_runs.importer import import_run
    from safeguard.web.triage_runs.models import FileRecord, TriageJob

    from .helpers import many_rows, write_run

    call_command("migrate", verbosity=0)
    agency = Agency.objects.create(name="Police (measure)", kind=AgencyKind.POLICE)
    investigation = Investigation.objects.create(
        owning_agency=agency, reference="M-1", title="m", opened_on="2026-11-01")
    exhibit = Exhibit.objects.create(owning_agency=agency, investigation=investigation,
                                     reference="EX-0001", exhibit_type="other",
                                     evidence_path="/evidence/big.E01")
    run = work / "run"
    started = time.perf_counter()
    write_run(run, many_rows(rows))
    written = time.perf_counter() - started
    size = (run / "files.csv").stat().st_size
    job = TriageJob.objects.create(exhibit=exhibit)
    started = time.perf_counter()
    import_run(job, run)
    elapsed = time.perf_counter() - started
    assert FileRecord.objects.filter(job=job).count() == rows
    print(f"{connection.vendor}: {rows:,} rows ({size / 1e6:.0f} MB files.csv, written in "
          f"{written:.1f} s) imported in {elapsed:.1f} s: {rows / elapsed:,.0f} rows/s")
    measure_pages(job, rows)


def measure_pages(job: object, rows: int) -> None:
    """The files table's queries at this size: one page each, as the view runs them."""
    from django.db import connection

    from safeguard.web.triage_runs.models import FileRecord, review_queue
    from safeguard.web.triage_runs.views.files import filter_files, keyset_page

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    files = FileRecord.objects.filter(job=job)
    deep = files.order_by("-id").values_list("id", flat=True)[1000]
    cases: dict[str, tuple[dict[str, str], int | None]] = {
        "first page": ({}, None),
        "deep page (1,000 rows from the end)": ({}, deep),
        "type=image": ({"type": "image"}, None),
        "type=video, deep": ({"type": "video"}, deep),
        "category=A": ({"category": "A"}, None),
        "deleted=yes": ({"deleted": "yes"}, None),
        "match=exact, deep": ({"match": "exact"}, deep),
        "hash equals (sha1)": ({"hash": f"{12345:040x}"}, None),
        "path contains (one file)": ({"path": f"IMG_{rows - 7:07d}"}, None),
        "group equals": ({"group": f"G{rows // 6:07d}"}, None),
    }
    for name, (chosen, after) in cases.items():
        started = time.perf_counter()
        page, _, _ = keyset_page(filter_files(files, chosen), after, None)
        took = (time.perf_counter() - started) * 1000
        print(f"  {name}: {len(page)} rows in {took:.1f} ms")
    started = time.perf_counter()
    queue = list(review_queue(job)[:50])  # type: ignore[arg-type]
    print(f"  review queue, first 50: {len(queue)} rows in "
          f"{(time.perf_counter() - started) * 1000:.1f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
