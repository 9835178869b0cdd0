"""HTML to PDF with WeasyPrint, offline.

WeasyPrint (BSD licence, from PyPI; it needs Pango, which Debian installs with
libpango-1.0-0) lays out HTML and CSS for print and draws inline SVG itself: no browser,
no subprocess, no JavaScript. The report is self-contained (its CSS and SVG are inline),
so the fetcher below refuses every URL: a template that asks for a file or a web address
fails loudly instead of leaking a request or printing without it.
"""

from __future__ import annotations

from typing import Any


class OfflineFetchError(ValueError):
    """The report asked for an outside resource."""


def _import_weasyprint() -> tuple[Any, Any]:
    """WeasyPrint's import sets Pillow's global LOAD_TRUNCATED_IMAGES to True, which would
    make every later decode in this process accept truncated pictures silently — the
    triage engine must report those. Put Pillow's setting back as it was."""
    from PIL import ImageFile

    before = ImageFile.LOAD_TRUNCATED_IMAGES
    try:
        from weasyprint import HTML
        from weasyprint.urls import URLFetcher
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = before
    return HTML, URLFetcher


def html_to_pdf(html: str) -> bytes:
    HTML, URLFetcher = _import_weasyprint()

    class Offline(URLFetcher):  # type: ignore[misc,valid-type]
        def fetch(self, url: str, headers: Any = None) -> Any:
            raise OfflineFetchError(f"the report may not load {url[:80]!r}")

    pdf = HTML(string=html, url_fetcher=Offline(fail_on_errors=True)).write_pdf()
    assert isinstance(pdf, bytes)
    return pdf
