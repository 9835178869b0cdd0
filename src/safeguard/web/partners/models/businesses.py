"""Businesses the forum trains to spot exploitation (Operation Makesafe): taxi and private
hire firms, takeaways, hotels and B&Bs, licensed premises.

A business belongs to the agency whose user recorded it (core.Recorded): a council's
licensing team and the police each keep their own, and share explicitly.
"""

from __future__ import annotations

from django.db import models

from ...core.models import Recorded


class Sector(models.TextChoices):
    TAXI = "taxi", "Taxi and private hire"
    TAKEAWAY = "takeaway", "Takeaway"
    HOTEL = "hotel", "Hotel or B&B"
    LICENSED = "licensed_premises", "Licensed premises"
    OTHER = "other", "Other"


class Business(Recorded):
    name = models.CharField(max_length=200)
    sector = models.CharField(max_length=24, choices=Sector.choices)
    premises = models.TextField("premises address")
    postcode = models.CharField(max_length=10, blank=True)
    district = models.ForeignKey("core.Area", on_delete=models.PROTECT,
                                 related_name="+")
    licence_number = models.CharField(
        max_length=60, blank=True,
        help_text="The council's licence (premises licence, private hire operator...), if any.",
    )
    licensing_authority = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        limit_choices_to={"kind": "licensing_authority"},
        help_text="The council that issued the licence (coverage by licensing authority).")
    contact_name = models.CharField(max_length=200, blank=True)
    contact_phone = models.CharField(max_length=30, blank=True)
    trading = models.BooleanField(
        default=True, help_text="Untick when the business closes; it stays on record.")
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name_plural = "businesses"
        indexes = [models.Index(fields=["owning_agency", "district", "sector"])]

    def __str__(self) -> str:
        return self.name
