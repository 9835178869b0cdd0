"""docs/safeguarding.md documents every local setting, test setting and register page."""

from __future__ import annotations

from pathlib import Path

from django.urls import URLPattern, get_resolver

from safeguard.web.safeguarding.conf import KEYS

DOC = Path(__file__).resolve().parents[3] / "docs" / "safeguarding.md"


def test_every_local_setting_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    missing = [key for key in sorted(KEYS) if f"`{key}`" not in text]
    assert missing == []
    for name in ("SAFEGUARD_SAFEGUARDING_CONFIG", "SAFEGUARDING_NOW", "SAFEGUARDING_OVERRIDES"):
        assert name in text


def test_every_page_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    names = [
        sub.name for pattern in get_resolver().url_patterns
        if getattr(pattern, "namespace", None) == "safeguarding"
        for sub in pattern.url_patterns if isinstance(sub, URLPattern)
    ]
    assert names
    assert [name for name in names if f"`{name}`" not in text] == []
