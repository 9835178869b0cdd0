"""docs/retention.md documents every setting and page; docs/web.md points to it."""

from __future__ import annotations

import re
from pathlib import Path

from django.urls import URLPattern, get_resolver

from safeguard.web.retention.conf import (
    CHILD_KEYS,
    KEYS,
    REPORT_KEYS,
    SIGHTINGS_KEYS,
    SUBJECT_CONDITIONS,
    SUBJECT_KEYS,
)
from safeguard.web.retention.kinds import KINDS

DOCS = Path(__file__).resolve().parents[3] / "docs"
DOC = DOCS / "retention.md"


def test_every_setting_record_type_and_condition_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    names = ({key for key in KEYS if key not in KINDS}
             | {f"child.{key}" for key in CHILD_KEYS}
             | {f"concern_report.{key}" for key in REPORT_KEYS}
             | {f"intelligence_subject.{key}" for key in SUBJECT_KEYS}
             | {f"sightings.{key}" for key in SIGHTINGS_KEYS}
             | set(KINDS) | set(SUBJECT_CONDITIONS))
    assert sorted(name for name in names if f"`{name}`" not in text) == []
    for name in ("SAFEGUARD_RETENTION_CONFIG", "RETENTION_OVERRIDES", "SAFEGUARDING_NOW",
                 "safeguard retention due", "safeguard retention sightings"):
        assert name in text


def test_every_page_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    names = [sub.name for pattern in get_resolver().url_patterns
             if getattr(pattern, "namespace", None) == "retention"
             for sub in pattern.url_patterns if isinstance(sub, URLPattern)]
    assert names
    assert [name for name in names if f"`{name}`" not in text] == []


def test_the_platform_docs_point_here_and_nothing_points_outside_docs() -> None:
    web = (DOCS / "web.md").read_text(encoding="utf-8")
    assert "docs/retention.md" in web
    assert "`SAFEGUARD_RETENTION_CONFIG`" in web
    assert not re.search(r"\.\./shared|\]\(\.\./", DOC.read_text(encoding="utf-8"))
