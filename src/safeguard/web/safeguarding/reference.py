"""Reference data loaded at every migrate (apps.ready connects it to post_migrate):
the areas table from the local settings, and the shipped screening tools.

Both loads are idempotent. An area is matched by its ONS code and updated; an area no
longer configured is kept but made inactive (records point at it). A screening tool
version is loaded once: loading a file whose (slug, version) exists with different
content stops the migrate (ImproperlyConfigured), since assessments already scored with
that version must keep meaning what they meant: publish a new version instead.
"""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from .conf import local_rules
from .screening import FACTS, FORMATS, ToolError, parse_bands, parse_rules, thresholds

TOOLS = Path(__file__).resolve().parent / "screening_tools"


def load_reference_data(**kwargs: Any) -> None:
    """post_migrate receiver (and a plain call for tests and the demo)."""
    load_areas()
    load_screening_tools()


def load_areas() -> int:
    from ..core.models import Area

    specs = local_rules().areas
    with transaction.atomic():
        for spec in specs:
            Area.objects.update_or_create(
                ons_code=spec.ons_code,
                defaults={"name": spec.name, "towns": list(spec.towns), "active": True},
            )
        Area.objects.exclude(ons_code__in=[s.ons_code for s in specs]).update(active=False)
    return len(specs)


def load_screening_tools(folder: Path = TOOLS) -> int:
    loaded = 0
    for path in sorted(folder.glob("*.toml")):
        load_screening_tool(path)
        loaded += 1
    return loaded


def load_screening_tool(path: Path) -> Any:
    from .models import Indicator, ScreeningTool

    content = path.read_bytes()
    digest = hashlib.sha256(content).hexdigest()
    try:
        data = tomllib.loads(content.decode("utf-8"))
        slug, version = str(data["slug"]), int(data["version"])
        file_format = int(data.get("format", 1))
        grades = data["grades"]
        indicators = data["indicators"]
        if file_format not in FORMATS:
            raise ToolError(f"format {file_format} is not one of {FORMATS}")
        if file_format == 1 and ("rules" in data or "bands" in data):
            raise ToolError("rules and bands need format = 2")
        codes = [str(item["code"]) for item in indicators]
        if len(set(codes)) != len(codes):
            raise ToolError("indicator codes repeat")
        default = thresholds(grades, "grades")
        bands, rules = list(data.get("bands", [])), list(data.get("rules", []))
        parse_bands(bands)
        parse_rules(rules, codes)
        for item in indicators:
            unknown = set(item.get("suggested_by", [])) - set(FACTS)
            if unknown:
                raise ToolError(f"indicator {item['code']}: suggested_by names unknown facts "
                                f"{', '.join(sorted(unknown))} (known: {', '.join(FACTS)})")
    except (tomllib.TOMLDecodeError, KeyError, ValueError, TypeError) as exc:
        raise ImproperlyConfigured(f"screening tool {path.name}: malformed ({exc})") from exc
    existing = ScreeningTool.objects.filter(slug=slug, version=version).first()
    if existing is not None:
        if existing.digest != digest:
            raise ImproperlyConfigured(
                f"screening tool {slug} version {version} ({path.name}) differs from the "
                "version loaded before: a published version never changes; give the "
                "changed tool a new version number"
            )
        return existing
    with transaction.atomic():
        tool = ScreeningTool.objects.create(
            slug=slug,
            version=version,
            name=str(data["name"]),
            description=str(data.get("description", "")).strip(),
            low_from=default.low_from,
            medium_from=default.medium_from,
            high_from=default.high_from,
            illustrative=bool(data.get("illustrative", True)),
            digest=digest,
            format_version=file_format,
            bands=bands,
            rules=rules,
        )
        # Only the newest version of a tool is offered for new assessments.
        ScreeningTool.objects.filter(slug=slug, version__lt=version).update(active=False)
        Indicator.objects.bulk_create(
            Indicator(tool=tool, code=str(item["code"]), text=str(item["text"]),
                      weight=int(item["weight"]), order=position,
                      suggested_by=[str(f) for f in item.get("suggested_by", [])])
            for position, item in enumerate(indicators)
        )
    return tool
