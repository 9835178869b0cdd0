"""Referrals: reports that online services send through a national centre (schema.py).

The document is kept as received (`document`), beside the columns the platform reads:
what a report said stays what it said, whatever the import made of it. Its identifiers
are the links of subjects.Link (one per distinct identifier of the referral), its files
ReferralFile rows naming the FileHash each was matched as.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ...core.clock import now as clock_now
from ...core.models import AgencyOwned


class Channel(models.TextChoices):
    API = "api", "API"
    FILE = "file", "File import"
    PAGE = "page", "Uploaded on the import page"


class Referral(AgencyOwned):
    report_id = models.CharField("report ID", max_length=100)
    received_via = models.CharField(max_length=200, blank=True)
    reporting_service = models.CharField(max_length=200)
    service_type = models.CharField(max_length=100, blank=True)
    incident_type = models.CharField(max_length=200, blank=True)
    incident_at = models.DateTimeField()
    description = models.TextField(blank=True)
    country = models.CharField(max_length=2, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    district = models.ForeignKey("core.Area", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    # The platform's one clock (core/clock.py), so that the timeliness clocks that start
    # here and the steps that follow read the same time.
    received_at = models.DateTimeField(default=clock_now)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    token = models.ForeignKey("intelligence.ApiToken", on_delete=models.PROTECT, null=True,
                              blank=True, related_name="referrals")
    document = models.JSONField()
    # As sent, when the format was not safeguard.referral/1: `document` is then what the
    # import read from it (intake/ncmec.py), `source` the XML itself.
    source_format = models.CharField(max_length=40, default="safeguard.referral/1")
    source = models.TextField(blank=True)
    # What matters for risk beyond the schema (intake/ncmec.py Report.facts): the
    # escalation, the report's annotations, prior reports, the people it names.
    facts = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-incident_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["owning_agency", "report_id"],
                                    name="referral_report_per_agency"),
        ]
        indexes = [models.Index(fields=["owning_agency", "incident_at"],
                                name="referral_agency_time")]

    def __str__(self) -> str:
        return f"Referral {self.report_id} ({self.reporting_service})"


class ReferralFile(models.Model):
    """A file a referral reports: part of the referral."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="files")
    file = models.ForeignKey("intelligence.FileHash", on_delete=models.PROTECT,
                             related_name="+")
    name = models.CharField(max_length=300, blank=True)
    md5 = models.CharField(max_length=32, blank=True)
    sha1 = models.CharField(max_length=40, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.BigIntegerField(null=True, blank=True)
    uploaded_at = models.DateTimeField(null=True, blank=True)
    # None: the report does not say (not the same as false).
    distributed = models.BooleanField(null=True, blank=True)
    viewed_by_service = models.BooleanField(null=True, blank=True)
    # The service's annotations (NCMEC fileAnnotations: possibleSelfProduction, infant...).
    annotations = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name or self.md5 or self.sha1 or self.sha256
