"""Child abduction warning notices: served by police on an adult, for one or more children.

The legal basis is derived per child from the child's age on the date served and whether
the child is in care (rules.notice_basis), and stored with the child; the form refuses a
child no law covers.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import models

from ...core import formats
from ...core.clock import today
from ...core.models import Recorded
from ..rules import NOTICE_BASIS_LABELS, NoticeBasis, notice_lapses


class NoticeStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    EXPIRED = "expired", "Expired"
    WITHDRAWN = "withdrawn", "Withdrawn"


BASIS_CHOICES = [(basis.value, label) for basis, label in NOTICE_BASIS_LABELS.items()]


class WarningNotice(Recorded):
    adult = models.ForeignKey("safeguarding.AdultOfConcern", on_delete=models.PROTECT,
                              related_name="notices")
    children: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        "safeguarding.Child", through="NoticeChild",
                                      related_name="notices")
    served_at = models.DateTimeField()
    served_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+")
    served_by_name = models.CharField(
        "served by", max_length=200, help_text="The officer who served it (name and number)."
    )
    review_due = models.DateField()
    status = models.CharField(max_length=16, choices=NoticeStatus.choices,
                              default=NoticeStatus.ACTIVE)
    status_changed_on = models.DateField(null=True, blank=True)
    status_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-served_at", "-pk"]

    def __str__(self) -> str:
        return f"Warning notice on {self.adult}, served {formats.day(self.served_at)}"

    def review_overdue(self, on: date | None = None) -> bool:
        return self.status == NoticeStatus.ACTIVE and (on or today()) > self.review_due

    def protection_ends(self) -> date | None:
        """The day the notice stops protecting its last child (NoticeChild.protection_ends)."""
        ends = [link.protection_ends for link in self.links.all()]
        return max(ends) if ends else None

    def lapsed_for_all(self, on: date | None = None) -> bool:
        """True when no child is protected any longer: the notice is not counted active."""
        ends = self.protection_ends()
        return ends is not None and (on or today()) >= ends


class NoticeChild(models.Model):
    notice = models.ForeignKey(WarningNotice, on_delete=models.CASCADE, related_name="links")
    child = models.ForeignKey("safeguarding.Child", on_delete=models.PROTECT, related_name="+")
    basis = models.CharField(max_length=16, choices=BASIS_CHOICES)
    age_when_served = models.PositiveSmallIntegerField()
    # The first day the notice no longer protects this child (rules.notice_lapses): the
    # birthday its basis ends at, or for s49 the day the child left care. Stored, so that
    # work lists and figures can query it; moved sooner when the child leaves care.
    protection_ends = models.DateField()
    lapse_reason = models.CharField(max_length=40, default="")

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "child"], name="one_link_per_child"),
        ]

    def __str__(self) -> str:
        return f"{self.child} ({self.get_basis_display()})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.protection_ends is None:
            self.set_protection()  # the age limit; legal_status moves it when care ends
        super().save(*args, **kwargs)

    def set_protection(self, left_care_on: date | None = None) -> None:
        lapse = notice_lapses(NoticeBasis(self.basis), self.child.date_of_birth, left_care_on)
        self.protection_ends, self.lapse_reason = lapse.on, lapse.reason

    def protects(self, on: date | None = None) -> bool:
        return (on or today()) < self.protection_ends


class NoticeBreach(models.Model):
    notice = models.ForeignKey(WarningNotice, on_delete=models.CASCADE, related_name="breaches")
    occurred_at = models.DateTimeField()
    child = models.ForeignKey("safeguarding.Child", on_delete=models.PROTECT, null=True,
                              blank=True, related_name="+")
    details = models.TextField()
    action_taken = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at", "-pk"]

    def __str__(self) -> str:
        return f"Breach on {formats.day(self.occurred_at)}"
