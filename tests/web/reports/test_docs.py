"""docs/statistics.md documents every figure, and docs/partners.md every partners page."""

from __future__ import annotations

from pathlib import Path

from django.urls import get_resolver

from safeguard.web.statistics.figures import MEASURES

DOCS = Path(__file__).resolve().parents[3] / "docs"


def test_every_figure_is_defined_in_the_docs() -> None:
    text = (DOCS / "statistics.md").read_text(encoding="utf-8")
    for measure in MEASURES:
        assert f"| `{measure.key}` |" in text, measure.key
        assert measure.definition.rstrip(".") in text, measure.key


def test_every_partners_url_name_is_in_the_docs() -> None:
    text = (DOCS / "partners.md").read_text(encoding="utf-8")
    partners = get_resolver().namespace_dict["partners"][1]
    names = [name for name in partners.reverse_dict if isinstance(name, str)]
    assert names
    missing = [name for name in names if f"`{name}`" not in text]
    assert missing == []
