"""Districts: the configurable areas table (local.toml's `areas`, loaded at migrate)."""

from __future__ import annotations

from django.db import models


class Area(models.Model):
    name = models.CharField(max_length=100, unique=True)
    ons_code = models.CharField("ONS code", max_length=9, unique=True)
    towns = models.JSONField(default=list, blank=True)
    # An area dropped from the configuration is kept (records point at it), inactive.
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
