"""Parts of many pages, each written once. Loaded in every template (settings.TEMPLATES
"builtins").

    {% pager page "children" %}     ‹ Previous  Page 2 of 9 (412 children)  Next ›
    {% error_summary form %}        "There are 2 problems", each linking its field
"""

from __future__ import annotations

from typing import Any

from django import template
from django.core.paginator import Page

from ..problems import problems_of

register = template.Library()


@register.inclusion_tag("core/_error_summary.html")
def error_summary(*forms: Any) -> dict[str, Any]:
    """The error summary of a page's forms (nothing while they are unbound or valid)."""
    return {"problems": problems_of(*forms)}


@register.inclusion_tag("core/_pager.html", takes_context=True)
def pager(context: template.Context, page: Page[Any], noun: str = "", newer: bool = False,
          ) -> dict[str, Any]:
    """Previous, "Page 2 of 9 (412 children)", Next: the list's other parameters (its
    filters) are kept from the request's query string. `newer`: the audit's wording
    (newest first: Newer and Older)."""
    request = context.get("request")
    query = request.GET.copy() if request is not None else None
    if query is not None:
        query.pop("page", None)
    kept = query.urlencode() if query else ""
    prefix = f"?{kept}&page=" if kept else "?page="
    return {
        "page": page,
        "noun": noun,
        "previous_url": f"{prefix}{page.previous_page_number()}" if page.has_previous() else "",
        "next_url": f"{prefix}{page.next_page_number()}" if page.has_next() else "",
        "previous_label": "Newer" if newer else "Previous",
        "next_label": "Older" if newer else "Next",
    }
