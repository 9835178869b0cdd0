"""Districts: the areas table every section counts and maps by (the register's children,
partners' businesses and training, intelligence's referrals and subjects, the
statistics). Filled from the local settings at every migrate (safeguarding/reference.py
reads the areas table of SAFEGUARD_SAFEGUARDING_CONFIG, where forces have always kept it).

The table kept its first name (`safeguarding_area`) when the model moved here: the move
changed no row (migrations core 0002, safeguarding 0004).
"""

from __future__ import annotations

from django.db import models


class Area(models.Model):
    name = models.CharField(max_length=100, unique=True)
    ons_code = models.CharField("ONS code", max_length=9, unique=True)
    towns = models.JSONField(default=list, blank=True)
    # An area dropped from the configuration is kept (records point at it), inactive.
    active = models.BooleanField(default=True)

    class Meta:
        db_table = "safeguarding_area"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
