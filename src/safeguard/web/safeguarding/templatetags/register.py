"""Small filters for the register's pages."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from ..models import RiskGrade

register = template.Library()
_GRADES = dict(RiskGrade.choices)


@register.filter
def grade_label(value: str | None) -> str:
    """'no_current_risk' -> 'No current risk'."""
    if not value:
        return "Not screened"
    return str(_GRADES.get(value, value))


@register.filter
def grade_badge(value: str | None) -> SafeString:
    """A risk grade as the register shows it everywhere: a coloured badge ("High"), or
    "Not screened" in grey."""
    if not value:
        return format_html('<span class="muted">{}</span>', grade_label(value))
    return format_html('<span class="grade grade-{}">{}</span>', value, grade_label(value))


@register.filter
def get_item(mapping: dict[str, object] | None, key: str) -> object:
    """A dictionary's value in a template: {{ mapping|get_item:key }}."""
    return (mapping or {}).get(key)
