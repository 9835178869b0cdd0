"""Files named by referrals, sightings and triage: one row per file, matched once.

A file is keyed by its MD5 when one is given, else its SHA-1, else its SHA-256 (national
centres' reports always carry MD5; monitoring systems often only SHA-1): `key` is
"md5:<hex>", "sha1:<hex>" or "sha256:<hex>". It is matched against the configured hash
sets when first seen (matching.py): `hashset` names the set that knew it ("" when none
did), `category` the set's category name for it ("" when the set gives none).
"""

from __future__ import annotations

from django.db import models


class FileHash(models.Model):
    key = models.CharField(max_length=72, unique=True)
    md5 = models.CharField(max_length=32, blank=True)
    sha1 = models.CharField(max_length=40, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    name = models.CharField(max_length=300, blank=True, help_text="The first name seen.")
    hashset = models.CharField(max_length=64, blank=True)
    category = models.CharField(max_length=64, blank=True)
    first_seen_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.key

    @property
    def known(self) -> bool:
        return bool(self.hashset)


def file_key(md5: str = "", sha1: str = "", sha256: str = "") -> str:
    """The key of a file from the digests given (lower-case hex); "" if none."""
    if md5:
        return f"md5:{md5.lower()}"
    if sha1:
        return f"sha1:{sha1.lower()}"
    if sha256:
        return f"sha256:{sha256.lower()}"
    return ""
