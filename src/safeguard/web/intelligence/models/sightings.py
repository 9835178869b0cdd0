"""Sightings: timestamped observations of an identifier offering a file, from monitoring
systems' CSV exports (sightings.py reads them), and the hourly rollup of the live picture.

Sighting rows are many (millions) and narrow: the identifier as normalised, the file as a
FileHash id, the district resolved, the link and subject they were attributed to. They
are written in bulk (COPY on PostgreSQL). `known` repeats "the file is in a known-bad
set" so that the live picture's partial index holds only what it counts.

HourlyPresence holds one row per (agency, hour, district, subject) seen sharing known
material in that hour, and HourlyCount the number of such rows per (agency, hour,
district): the chart reads the counts, one row an hour, however many sightings there
were. District key 0 is "no district resolved", -1 "every district" (a subject seen in
two districts in an hour is one row under -1).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from ...core import formats
from ...core.models import AgencyOwned


class SightingImport(AgencyOwned):
    source = models.CharField(max_length=100, help_text="The monitoring system.")
    file_name = models.CharField(max_length=300, blank=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    rows = models.PositiveIntegerField(default=0)
    imported = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    known = models.PositiveIntegerField(default=0)
    new_subjects = models.PositiveIntegerField(default=0)
    warnings = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"Sightings from {self.source} ({self.file_name or self.pk})"


class Sighting(models.Model):
    """One observation. Written only by the bulk import (sighting_import.py), in the
    transaction that makes or holds every row it points to; so its references are plain
    columns without database constraints (`db_constraint=False`): checking six deferred
    foreign keys for each of a million rows at commit costs as much as the import itself.
    Deletions through the application are still refused (on_delete=PROTECT, enforced by
    Django), and `stats.dangling_sightings()` (tested after every import) finds any row
    pointing nowhere."""

    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+",
                               db_index=False, db_constraint=False)
    batch = models.ForeignKey(SightingImport, on_delete=models.PROTECT, related_name="+",
                              db_index=False, db_constraint=False)
    observed_at = models.DateTimeField()
    kind = models.CharField(max_length=16)
    value = models.CharField(max_length=300)
    port = models.IntegerField(null=True, blank=True)
    file = models.ForeignKey("intelligence.FileHash", on_delete=models.PROTECT,
                             related_name="+", db_index=False, db_constraint=False)
    file_name = models.CharField(max_length=300, blank=True)
    known = models.BooleanField()
    district = models.ForeignKey("core.Area", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+", db_index=False,
                                 db_constraint=False)
    # No index of its own: a split finds the links' sightings through sighting_subject.
    link = models.ForeignKey("intelligence.Link", on_delete=models.PROTECT, related_name="+",
                             db_index=False, db_constraint=False)
    subject = models.ForeignKey("intelligence.Subject", on_delete=models.PROTECT,
                                related_name="+", db_index=False, db_constraint=False)

    class Meta:
        ordering = ["-observed_at", "-pk"]
        indexes = [
            # The live picture: distinct subjects per district in the last hour or day,
            # read from the index alone.
            models.Index(fields=["agency", "observed_at", "district", "subject"],
                         condition=Q(known=True), name="sighting_live"),
            # A profile's sightings, newest first.
            models.Index(fields=["subject", "observed_at"], name="sighting_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.value} at {formats.moment(self.observed_at)}"


class HourlyPresence(models.Model):
    """Derived from the sightings (stats.rebuild_presence rebuilds it), so it carries no
    foreign-key constraints: checking two for each of a million rows at every import
    would cost as much as writing them."""

    # The key is the row (one index, no surrogate id to maintain besides it).
    pk = models.CompositePrimaryKey("agency", "hour", "district_key", "subject")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+",
                               db_index=False, db_constraint=False)
    hour = models.DateTimeField()
    district_key = models.BigIntegerField(default=0)
    subject = models.ForeignKey("intelligence.Subject", on_delete=models.CASCADE,
                                related_name="+", db_constraint=False)


ALL_DISTRICTS = -1


class HourlyCount(models.Model):
    """Distinct subjects per (agency, hour, district key): the count of HourlyPresence rows,
    kept by the imports from the rows they add (stats.add_presence), recounted exactly
    for the hours a merge or split touches (stats.rebuild_presence)."""

    pk = models.CompositePrimaryKey("agency", "district_key", "hour")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+",
                               db_index=False, db_constraint=False)
    district_key = models.BigIntegerField()
    hour = models.DateTimeField()
    subjects = models.PositiveIntegerField(default=0)
