"""A model that moves to another app keeps its table and rows (a state-only migration) and
its content type follows it, so that anything naming it by content type still finds it:

    migrations.RunPython(*content_types_follow("core", [("safeguarding", "area")]))

Kept stable: migrations name this module (core 0002, triage_runs 0001).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Step = Callable[[Any, Any], None]


def content_types_follow(new_app: str, moved: list[tuple[str, str]]) -> tuple[Step, Step]:
    """RunPython's forward and backward steps: each (old app, model) content type is
    renamed to `new_app`'s, and back; one already there (a migrate in between made it)
    is kept."""

    def rename(apps: Any, forward: bool) -> None:
        content_type = apps.get_model("contenttypes", "ContentType")
        for old_app, model in moved:
            source, target = (old_app, new_app) if forward else (new_app, old_app)
            if content_type.objects.filter(app_label=target, model=model).exists():
                continue
            content_type.objects.filter(app_label=source, model=model).update(
                app_label=target)

    def forwards(apps: Any, schema_editor: Any) -> None:
        rename(apps, True)

    def backwards(apps: Any, schema_editor: Any) -> None:
        rename(apps, False)

    return forwards, backwards
