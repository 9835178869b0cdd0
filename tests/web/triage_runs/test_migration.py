"""A database made before triage runs became their own app migrates forward with its runs.

The move is state only (triage_runs 0001, review 0004, investigations 0002): the tables
keep their names and rows. This builds a run the way the old layout stored it, migrates
forward and finds it, its results, the review item that points at it, and the content
type, all intact.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

from safeguard.web.review.models import ReviewItem
from safeguard.web.triage_runs.models import FileRecord, TriageJob

pytestmark = pytest.mark.django_db(transaction=True)

MOVE = ("triage_runs", "0001_initial")


def _migrate_to(targets: list[tuple[str, str | None]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection)


def _applied_state(executor: MigrationExecutor):  # type: ignore[no-untyped-def]
    applied = list(MigrationRecorder(connection).applied_migrations())
    return executor.loader.project_state(applied).apps


def test_an_old_layout_database_migrates_forward_with_its_runs() -> None:
    # Back to the old layout: the migration that moved the runs and those after it.
    executor = _migrate_to([(MOVE[0], None)])
    try:
        old = _applied_state(executor)
        assert ("investigations", "triagejob") in {
            (m._meta.app_label, m._meta.model_name) for m in old.get_models()}
        agency = old.get_model("accounts", "Agency").objects.create(
            name="Police (migration)", kind="police")
        investigation = old.get_model("investigations", "Investigation").objects.create(
            owning_agency=agency, reference="MIG-1", title="Old layout",
            opened_on=dt.date(2026, 1, 5))
        exhibit = old.get_model("investigations", "Exhibit").objects.create(
            owning_agency=agency, investigation=investigation, reference="EX-0001",
            exhibit_type="usb_stick", evidence_path="/evidence/usb.dd")
        job = old.get_model("investigations", "TriageJob").objects.create(
            exhibit=exhibit, status="done", hashsets=["caid"], options={"perceptual": True},
            files_done=1, out_dir="/jobs/1")
        old.get_model("investigations", "TriageSummary").objects.create(
            job=job, files=1, images=1, unmatched_images=1)
        row = old.get_model("investigations", "FileRecord").objects.create(
            job=job, evidence="/evidence/usb.dd", path="DCIM/1.jpg", file_type="image",
            md5="0" * 32, group="G00001")
        old.get_model("review", "ReviewItem").objects.create(
            job=job, file=row, file_type="image", group="G00001")
        ids = (job.pk, row.pk)
    finally:
        executor = _migrate_to(executor.loader.graph.leaf_nodes())

    moved = TriageJob.objects.select_related("exhibit", "summary").get(pk=ids[0])
    assert (moved.status, moved.hashsets, moved.options, moved.out_dir) == (
        "done", ["caid"], {"perceptual": True}, "/jobs/1")
    assert moved.exhibit.reference == "EX-0001"
    assert (moved.summary.files, moved.summary.awaiting_review) == (1, 1)
    assert FileRecord.objects.get(pk=ids[1]).job_id == moved.pk
    assert ReviewItem.objects.get(file_id=ids[1]).job_id == moved.pk
    assert TriageJob._meta.db_table == "investigations_triagejob"
    ContentType.objects.clear_cache()
    assert ContentType.objects.get_for_model(TriageJob).app_label == "triage_runs"
