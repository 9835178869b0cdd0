"""Small filters for the register's pages."""

from __future__ import annotations

from django import template

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
def get_item(mapping: dict[str, object] | None, key: str) -> object:
    """A dictionary's value in a template: {{ mapping|get_item:key }}."""
    return (mapping or {}).get(key)
