"""docs/intelligence.md keeps up with the code: CSV columns, settings, pages, factors."""

from __future__ import annotations

from pathlib import Path

from safeguard.web.intelligence.conf import FACTOR_KEYS, KEYS
from safeguard.web.intelligence.intake.sighting_import import DIGEST_COLUMNS, REQUIRED, TYPES
from safeguard.web.intelligence.urls import urlpatterns

DOC = (Path(__file__).resolve().parents[3] / "docs" / "intelligence.md").read_text("utf-8")


def test_the_sightings_columns_are_documented() -> None:
    for column in (*REQUIRED, *DIGEST_COLUMNS, "network", "port", "file_name", "postcode",
                   "town"):
        assert f"`{column}`" in DOC, column
    for kind in TYPES:
        assert f"`{kind}`" in DOC, kind


def test_every_local_setting_and_factor_is_documented() -> None:
    for key in KEYS:
        assert f"`{key}`" in DOC, key
    for factor in FACTOR_KEYS:
        assert f"`{factor}`" in DOC, factor
    for name in ("SAFEGUARD_INTEL_HASHSETS", "SAFEGUARD_INTEL_CONFIG"):
        assert f"`{name}`" in DOC, name


def test_every_page_is_documented() -> None:
    for pattern in urlpatterns:
        assert f"`{pattern.name}`" in DOC, pattern.name
