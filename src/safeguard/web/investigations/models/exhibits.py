"""Exhibits: seized devices and the evidence path the server reads for each.

Evidence is never uploaded through the web: an exhibit names a path on the server (an
image copied there by the forensic unit), and that path must lie inside one of the
folders of SAFEGUARD_EVIDENCE_ROOTS, so that nobody can point triage (or, later, the
review of images) at the server's own files.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from ...core.models import AgencyOwned
from .cases import Investigation, Suspect


class ExhibitType(models.TextChoices):
    COMPUTER = "computer", "Computer"
    LAPTOP = "laptop", "Laptop"
    PHONE = "phone", "Phone"
    TABLET = "tablet", "Tablet"
    USB_STICK = "usb_stick", "USB stick"
    MEMORY_CARD = "memory_card", "Memory card"
    HARD_DRIVE = "hard_drive", "Hard drive"
    DISK_IMAGE = "disk_image", "Disk image"
    CLOUD_EXPORT = "cloud_export", "Cloud export"
    OTHER = "other", "Other"


REFERENCE_PATTERN = re.compile(r"^EX-(\d{4,})$")


def evidence_roots() -> list[Path]:
    return [Path(root).resolve() for root in settings.EVIDENCE_ROOTS]


def check_evidence_path(value: str) -> Path:
    """The evidence path, resolved, if it is absolute and inside an evidence root; else a
    ValidationError saying why. Symbolic links are resolved first, so a link inside a
    root that points elsewhere is refused too."""
    path = Path(value)
    if not path.is_absolute():
        raise ValidationError("Give the full path on the server, starting with /.")
    resolved = path.resolve()
    roots = evidence_roots()
    if not any(resolved == root or root in resolved.parents for root in roots):
        allowed = ", ".join(str(root) for root in roots) or "(none configured)"
        raise ValidationError(
            f"Evidence must be inside an evidence folder of this server: {allowed} "
            "(SAFEGUARD_EVIDENCE_ROOTS)."
        )
    home = Path(settings.HOME).resolve()
    if resolved == home or home in resolved.parents:
        raise ValidationError("Evidence cannot be inside Safeguard's own data folder.")
    return resolved


class Exhibit(AgencyOwned):
    """A seized item. Its owning agency is its investigation's."""

    investigation = models.ForeignKey(
        Investigation, on_delete=models.PROTECT, related_name="exhibits"
    )
    reference = models.CharField(max_length=32, help_text='e.g. "EX-0001"')
    exhibit_type = models.CharField(max_length=16, choices=ExhibitType.choices)
    description = models.CharField(max_length=300, blank=True)
    make = models.CharField(max_length=100, blank=True)
    model = models.CharField(max_length=100, blank=True)
    serial_number = models.CharField(max_length=100, blank=True)
    seized_from_suspect = models.ForeignKey(
        Suspect, on_delete=models.PROTECT, null=True, blank=True, related_name="exhibits"
    )
    seized_from_place = models.CharField(max_length=300, blank=True)
    seized_at = models.DateTimeField(null=True, blank=True)
    seized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    evidence_path = models.CharField(max_length=1024)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["investigation", "reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["investigation", "reference"], name="exhibit_reference_per_investigation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.get_exhibit_type_display()}"

    @property
    def seized_from(self) -> str:
        parts = [str(self.seized_from_suspect) if self.seized_from_suspect_id else "",
                 self.seized_from_place]
        return ", ".join(part for part in parts if part)

    @staticmethod
    def next_reference(investigation: Investigation) -> str:
        numbers = [
            int(match.group(1))
            for reference in investigation.exhibits.values_list("reference", flat=True)
            if (match := REFERENCE_PATTERN.match(reference))
        ]
        return f"EX-{max(numbers, default=0) + 1:04d}"
