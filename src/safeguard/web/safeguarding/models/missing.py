"""Missing episodes: reported, found, returned, and the return home interview."""

from __future__ import annotations

from datetime import datetime

from django.db import models

from ...core import formats
from ...core.clock import now
from ...core.models import Recorded
from ..rules import return_interview_due


class EpisodeType(models.TextChoices):
    MISSING = "missing", "Missing"
    AWAY = "away_without_authorisation", "Away from placement without authorisation"


class MissingFrom(models.TextChoices):
    HOME = "home", "Home"
    CARE_PLACEMENT = "care_placement", "Care placement"
    SCHOOL = "school", "School"
    OTHER = "other", "Other"


class InterviewStatus(models.TextChoices):
    PENDING = "pending", "Not yet held"
    DONE = "done", "Held"
    DECLINED = "declined", "Declined by the child"


class MissingEpisode(Recorded):
    child = models.ForeignKey("safeguarding.Child", on_delete=models.PROTECT,
                              related_name="missing_episodes")
    episode_type = models.CharField(max_length=32, choices=EpisodeType.choices,
                                    default=EpisodeType.MISSING)
    missing_from = models.CharField(max_length=20, choices=MissingFrom.choices)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    reported_at = models.DateTimeField()
    police_reference = models.CharField(max_length=40, blank=True)
    # The force's local list (conf.LocalRules.police_risk_grades): checked by the form.
    police_risk_grade = models.CharField(max_length=40, blank=True)
    found_at = models.DateTimeField(null=True, blank=True)
    where_found = models.CharField(max_length=300, blank=True)
    found_with = models.CharField(max_length=300, blank=True)
    returned_at = models.DateTimeField(
        null=True, blank=True, help_text="Back home or at the placement: starts the 72 hours."
    )
    interview_status = models.CharField(max_length=16, choices=InterviewStatus.choices,
                                        default=InterviewStatus.PENDING)
    interview_offered_at = models.DateTimeField(
        null=True, blank=True, help_text="When the return home interview was offered.")
    # The moment held or declined: the 72 hours are compared instant with instant.
    interview_at = models.DateTimeField(null=True, blank=True)
    interview_by = models.CharField(max_length=200, blank=True)
    interview_independent = models.BooleanField(
        null=True, blank=True,
        help_text="Held by someone not involved in caring for the child (statutory guidance).")
    interview_notes = models.TextField(blank=True)
    # Police prevention interview (the "safe and well" check) on return: a police duty,
    # separate from the return home interview the local authority owes.
    prevention_interview_at = models.DateTimeField(null=True, blank=True)
    prevention_interview_by = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-reported_at", "-pk"]
        indexes = [models.Index(fields=["child", "reported_at"])]

    def __str__(self) -> str:
        kind = self.get_episode_type_display()
        return f"{kind}: {self.child}, reported {formats.day(self.reported_at)}"

    @property
    def interview_due(self) -> datetime | None:
        return return_interview_due(self.returned_at) if self.returned_at else None

    def interview_overdue(self, at: datetime | None = None) -> bool:
        from ..conf import local_rules
        from ..deadlines import interview_owed  # it reads this model: imported late

        due = self.interview_due
        return (
            interview_owed(self.episode_type, local_rules())
            and due is not None
            and self.interview_status == InterviewStatus.PENDING
            and (at or now()) > due
        )

    @property
    def is_open(self) -> bool:
        return self.found_at is None
