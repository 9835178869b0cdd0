"""The formats of core/formats.py as template filters. Loaded in every template
(settings.TEMPLATES "builtins"): no {% load %} needed.

    {{ episode.found_at|moment }}            7 Dec 2026 02:14
    {{ referral.decision_due|day:"weekday" }}  Monday 7 Dec 2026
    {{ event.at|moment:"seconds" }}          7 Dec 2026 02:14:09
    {{ file.size|size }}                     328.0 KB
"""

from __future__ import annotations

from datetime import date, datetime

from django import template

from .. import formats

register = template.Library()


def _flags(options: str) -> set[str]:
    return {word.strip() for word in (options or "").split(",") if word.strip()}


@register.filter(expects_localtime=True)
def day(value: date | datetime | None, options: str = "") -> str:
    return formats.day(value, weekday="weekday" in _flags(options))


@register.filter(expects_localtime=True)
def moment(value: datetime | None, options: str = "") -> str:
    flags = _flags(options)
    return formats.moment(value, weekday="weekday" in flags, seconds="seconds" in flags)


@register.filter
def size(value: int | float | None) -> str:
    return formats.size(value)


@register.filter
def duration(value: float | None) -> str:
    return formats.duration(value)
