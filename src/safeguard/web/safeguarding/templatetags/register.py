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
