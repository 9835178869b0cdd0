"""The three reports of a validation, written into its output folder."""

from __future__ import annotations

from pathlib import Path

from .report_html import write_html, write_pdf
from .report_json import as_dict, write_json
from .runner import Validation

REPORTS = {"json": "validation.json", "html": "validation.html", "pdf": "validation.pdf"}


def write_reports(validation: Validation) -> dict[str, Path]:
    """validation.json, .html and .pdf (the HTML printed by WeasyPrint), by kind."""
    out = validation.options.out
    data = as_dict(validation)
    paths = {"json": write_json(data, out / REPORTS["json"]),
             "html": write_html(data, out / REPORTS["html"])}
    paths["pdf"] = write_pdf(paths["html"], out / REPORTS["pdf"])
    return paths
