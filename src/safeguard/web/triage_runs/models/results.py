"""A finished triage, imported: the summary (court figures), one row per file, warnings.

Imported from the run folder's report.json, files.csv and warnings (importer.py); the
reports stay in the folder as the engine wrote them. The tables kept their first names
(`investigations_...`) when triage runs became their own app. Rows are metadata only: no image
content is ever stored or shown here.

FileRecord is ordered by `id`, which follows files.csv's address order (rows are inserted
in file order), so keyset pagination on (job, id) lists files as the report does.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from safeguard.triage import FileType as EngineFileType
from safeguard.triage import Match

from .jobs import TriageJob


class FileType(models.TextChoices):
    """files.csv's `type`: the engine's FileType, with labels (a test checks they agree)."""

    IMAGE = EngineFileType.IMAGE.value, "Image"
    VIDEO = EngineFileType.VIDEO.value, "Video"
    ARCHIVE = EngineFileType.ARCHIVE.value, "Archive"
    OTHER = EngineFileType.OTHER.value, "Other"
    EMPTY = EngineFileType.EMPTY.value, "Empty"


class MatchKind(models.TextChoices):
    """files.csv's `match`: the engine's Match, with labels (a test checks they agree)."""

    EXACT = Match.EXACT.value, "Exact (identical file)"
    PERCEPTUAL = Match.PERCEPTUAL.value, "Perceptual (visually similar, not identical)"
    NONE = Match.NONE.value, "No match"


MEDIA_TYPES = (FileType.IMAGE, FileType.VIDEO)
# What awaits review: images and videos that matched nothing and no known-good set cleared
# (summary.unmatched_images + unmatched_videos count the same rows).
REVIEW_CONDITION = Q(file_type__in=MEDIA_TYPES, match=MatchKind.NONE, known_good=False)


class TriageSummary(models.Model):
    """report.json's `summary` (and what the run used), one per finished job."""

    job = models.OneToOneField(TriageJob, on_delete=models.CASCADE, related_name="summary")
    files = models.BigIntegerField(default=0)
    bytes = models.BigIntegerField(default=0)
    images = models.BigIntegerField(default=0)
    videos = models.BigIntegerField(default=0)
    archives = models.BigIntegerField(default=0)
    known_good = models.BigIntegerField(default=0)
    unmatched_images = models.BigIntegerField(default=0)
    unmatched_videos = models.BigIntegerField(default=0)
    deleted = models.BigIntegerField(default=0)
    carved = models.BigIntegerField(default=0)
    in_archives = models.BigIntegerField(default=0)
    warnings = models.BigIntegerField(default=0)
    exact_matches = models.BigIntegerField(default=0)
    perceptual_matches = models.BigIntegerField(default=0)
    # {"A": {"images", "videos", "unique_images", "unique_videos", "deleted",
    #        "in_shared_location_images", "in_shared_location_videos", "exact",
    #        "perceptual", "known_to_circulate", "distributed"}, ...} in report order
    # (A, B, C, ...), as report.json has them; a triage from before the shared-location
    # figure has neither it nor known_to_circulate (views/jobs.py reads both shapes).
    categories = models.JSONField(default=dict, blank=True)
    # From report.json: the evidence as read (digests, verification), the sets used.
    evidence = models.JSONField(default=list, blank=True)
    hashsets = models.JSONField(default=list, blank=True)
    tool_version = models.CharField(max_length=32, blank=True)
    run_started = models.CharField(max_length=40, blank=True)
    run_finished = models.CharField(max_length=40, blank=True)

    class Meta:
        db_table = "investigations_triagesummary"

    def __str__(self) -> str:
        return f"Summary of {self.job}"

    @property
    def awaiting_review(self) -> int:
        return self.unmatched_images + self.unmatched_videos


class FileRecord(models.Model):
    """One row of files.csv. Column names follow files.csv, except `file_type` (`type`)."""

    job = models.ForeignKey(TriageJob, on_delete=models.CASCADE, related_name="files",
                            db_index=False)  # every index below leads with job
    evidence = models.TextField()
    partition = models.CharField(max_length=200, blank=True)
    filesystem = models.CharField(max_length=64, blank=True)
    path = models.TextField()
    archive = models.TextField(blank=True)
    inode = models.CharField(max_length=64, blank=True)
    size = models.BigIntegerField(default=0)
    modified = models.DateTimeField(null=True, blank=True)
    accessed = models.DateTimeField(null=True, blank=True)
    changed = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(null=True, blank=True)
    deleted = models.BooleanField(default=False)
    carved = models.BooleanField(default=False)
    file_type = models.CharField(max_length=16, choices=FileType.choices)
    mime = models.CharField(max_length=128, blank=True)
    md5 = models.CharField(max_length=32, blank=True)
    sha1 = models.CharField(max_length=40, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    known_good = models.BooleanField(default=False)
    known_good_set = models.CharField(max_length=64, blank=True)
    hashset = models.CharField(max_length=64, blank=True)
    category = models.CharField(max_length=64, blank=True)
    series = models.CharField(max_length=200, blank=True)
    distributed = models.BooleanField(default=False)
    victim_identified = models.BooleanField(default=False)
    match = models.CharField(max_length=16, choices=MatchKind.choices, default=MatchKind.NONE)
    distance = models.IntegerField(null=True, blank=True)
    # files.csv's match_method: what a perceptual match rests on ("pdq", "vpdq", or
    # "regions": a video matched by its frame regions only, an altered copy).
    match_method = models.CharField(max_length=16, blank=True)
    error = models.TextField(blank=True)
    pdq = models.CharField(max_length=64, blank=True)
    pdq_quality = models.SmallIntegerField(null=True, blank=True)
    group = models.CharField(max_length=32, blank=True)

    class Meta:
        db_table = "investigations_filerecord"
        ordering = ["id"]
        indexes = [
            # Browsing a job's files in address order (keyset on id).
            models.Index(fields=["job", "id"], name="filerecord_job_id"),
            # The review queue (review_queue below): a job's unmatched media that no
            # known-good set cleared, in (group, id) order. Partial, so that the first
            # page of a million-row job is an index range read, not a sort.
            models.Index(fields=["job", "group", "id"], condition=REVIEW_CONDITION,
                         name="filerecord_review"),
            # Files of a type and match, by group (per-type review queues, filters).
            models.Index(fields=["job", "file_type", "match", "group"],
                         name="filerecord_type_match"),
            models.Index(fields=["job", "category"], name="filerecord_category"),
            models.Index(fields=["job", "id"], condition=Q(deleted=True),
                         name="filerecord_deleted"),
            # Hash equals, within a job and across every case.
            models.Index(fields=["md5"], name="filerecord_md5"),
            models.Index(fields=["sha1"], name="filerecord_sha1"),
            models.Index(fields=["sha256"], name="filerecord_sha256"),
        ]

    def __str__(self) -> str:
        return self.full_path

    @property
    def full_path(self) -> str:
        """The path a person reads: archives joined to their member with '!'."""
        return f"{self.archive}!{self.path}" if self.archive else self.path

    @property
    def is_media(self) -> bool:
        return self.file_type in MEDIA_TYPES


class TriageWarningRow(models.Model):
    """A problem with one item (the run went on): address, stage, message."""

    job = models.ForeignKey(TriageJob, on_delete=models.CASCADE, related_name="warning_rows")
    address = models.TextField()
    stage = models.CharField(max_length=64)
    message = models.TextField()

    class Meta:
        db_table = "investigations_triagewarningrow"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.address}: {self.stage}: {self.message}"


def review_queue(job: TriageJob) -> models.QuerySet[FileRecord]:
    """The unmatched images and videos of a job that no known-good set cleared, by
    near-duplicate group then address order: what awaits review (summary.awaiting_review
    counts the same rows). Served by the partial index filerecord_review; filter it
    further by `group=` for one near-duplicate group."""
    return FileRecord.objects.filter(REVIEW_CONDITION, job=job).order_by("group", "id")
