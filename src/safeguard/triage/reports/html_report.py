"""report.html: the run as a self-contained page in the manner of a streamlined forensic
report (SFR) for an indecent-images case.

Self-contained on purpose: inline CSS, no fonts, scripts or images, and a Content
Security Policy that forbids loading anything, so the page can be opened on a case
workstation without a network and cannot leak that it was opened. It never embeds or
links any media. Every value that reaches the page goes through `html.escape`: file
paths, warning messages and even hash-set names come from outside and are hostile.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path
from string import Template

from ..evidence.base import EvidenceInfo
from ..results import TriageResult
from ..shared_folders import shared_folders
from ._common import atomic_text
from .json_report import sorted_warnings
from .summary import CategoryFigures, Summary

TEMPLATE = "templates/report.html"

# Words a person reads for each verification outcome (EvidenceInfo.verified).
VERIFICATION: dict[bool | None, tuple[str, str]] = {
    True: ("pass", "Pass: the stored acquisition hash agrees with the data read"),
    False: ("fail", "FAIL: the stored acquisition hash does not agree with the data read"),
    None: ("na", "Not applicable: no stored acquisition hash to verify against"),
}


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _n(value: int) -> str:
    """A count as a person reads it: thousands separated."""
    return f"{value:,}"


class _Cell:
    """A table cell: escaped text plus an optional CSS class."""

    __slots__ = ("css", "text")

    def __init__(self, text: object, css: str = "") -> None:
        self.text = _e(text)
        self.css = css

    def render(self, tag: str = "td") -> str:
        css = f' class="{self.css}"' if self.css else ""
        return f"<{tag}{css}>{self.text}</{tag}>"


def _num(value: int) -> _Cell:
    return _Cell(_n(value), "n")


def _table(
    head: Sequence[_Cell], rows: Iterable[Sequence[_Cell]], *, total: Sequence[_Cell] = ()
) -> str:
    lines = ["<table>", "<thead><tr>" + "".join(c.render("th") for c in head) + "</tr></thead>"]
    lines.append("<tbody>")
    lines.extend("<tr>" + "".join(c.render() for c in row) + "</tr>" for row in rows)
    if total:
        lines.append('<tr class="total">' + "".join(c.render() for c in total) + "</tr>")
    lines.append("</tbody></table>")
    return "\n".join(lines)


def _meta(result: TriageResult) -> str:
    case_number = str(result.options.get("case_number", "")) or "(not given)"
    items = [
        ("Tool", f"{result.tool} {result.version}"),
        ("Case number", case_number),
        ("Started (UTC)", result.started),
        ("Finished (UTC)", result.finished),
        ("Digests computed", ", ".join(result.digests) or "(none)"),
    ]
    body = "".join(f"<dt>{_e(name)}</dt><dd>{_e(value)}</dd>" for name, value in items)
    return f'<dl class="meta">{body}</dl>'


def _evidence(items: Sequence[EvidenceInfo]) -> str:
    if not items:
        return "<p>No evidence recorded.</p>"
    head = [_Cell(h) for h in ("Path", "Kind", "Size (bytes)", "SHA-256", "Verification")]
    head[2].css = "n"
    rows = []
    for item in items:
        css, words = VERIFICATION[item.verified]
        rows.append(
            [
                _Cell(item.path, "path"),
                _Cell(item.kind),
                _num(item.size),
                _Cell(item.sha256 or "(not computed)", "digest"),
                _Cell(words, css),
            ]
        )
    return _table(head, rows)


def _categories(summary: Summary) -> str:
    if not summary.categories:
        return "<p>No file matched a known-bad hash set.</p>"
    head = "\n".join(
        [
            "<table>",
            "<thead><tr>"
            '<th rowspan="2">Category</th>'
            '<th colspan="2">Still images</th><th colspan="2">Moving images</th>'
            '<th rowspan="2" class="n">Deleted</th><th colspan="2">In a shared location</th>'
            '<th rowspan="2" class="n">Carved</th><th rowspan="2" class="n">Thumbnails'
            ' (original not found)</th><th rowspan="2" class="n">Inside other files</th>'
            "</tr><tr>"
            '<th class="n">Total</th><th class="n">Unique</th>'
            '<th class="n">Total</th><th class="n">Unique</th>'
            '<th class="n">Still</th><th class="n">Moving</th>'
            "</tr></thead><tbody>",
        ]
    )

    def cells(name: str, f: CategoryFigures) -> str:
        values = (
            f.images,
            f.unique_images,
            f.videos,
            f.unique_videos,
            f.deleted,
            f.in_shared_location_images,
            f.in_shared_location_videos,
            f.carved,
        )
        thumbs = _Cell(f"{_n(f.thumbnails)} ({_n(f.thumbnails_original_not_found)})", "n")
        return (f"<td>{_e(name)}</td>" + "".join(_num(v).render() for v in values)
                + thumbs.render() + _num(f.embedded).render())

    rows = [f"<tr>{cells(name, f)}</tr>" for name, f in summary.categories.items()]
    total = _sum_figures(summary.categories.values())
    rows.append(f'<tr class="total">{cells("Total", total)}</tr>')
    return head + "\n" + "\n".join(rows) + "\n</tbody></table>"


def _sum_figures(figures: Iterable[CategoryFigures]) -> CategoryFigures:
    """Totals across categories. Unique counts add up because one content has one
    category (the same bytes match the same way)."""
    items = list(figures)
    return CategoryFigures(
        images=sum(f.images for f in items),
        videos=sum(f.videos for f in items),
        unique_images=sum(f.unique_images for f in items),
        unique_videos=sum(f.unique_videos for f in items),
        deleted=sum(f.deleted for f in items),
        in_shared_location_images=sum(f.in_shared_location_images for f in items),
        in_shared_location_videos=sum(f.in_shared_location_videos for f in items),
        exact=sum(f.exact for f in items),
        perceptual=sum(f.perceptual for f in items),
        known_to_circulate=sum(f.known_to_circulate for f in items),
        carved=sum(f.carved for f in items),
        thumbnails=sum(f.thumbnails for f in items),
        thumbnails_original_not_found=sum(f.thumbnails_original_not_found for f in items),
        embedded=sum(f.embedded for f in items),
    )


def _shared_folders(result: TriageResult) -> str:
    """The folders the run counted as shared locations, so the figure can be checked."""
    patterns = shared_folders(result.options).patterns
    if not patterns:
        return "<p class=\"note\">No folder was counted as a shared location in this run.</p>"
    listed = ", ".join(f"<code>{_e(pattern)}</code>" for pattern in patterns)
    return f'<p class="note">Folders counted as shared locations: {listed}.</p>'


def _matches(summary: Summary) -> str:
    if not summary.categories:
        return "<p>No matches.</p>"
    head = [
        _Cell("Category"),
        _Cell("Exact (identical file)", "n"),
        _Cell("Perceptual (visually similar, not an identical file)", "n"),
        _Cell("Known to circulate (per hash set)", "n"),
    ]
    rows = [
        [_Cell(name), _num(f.exact), _num(f.perceptual), _num(f.known_to_circulate)]
        for name, f in summary.categories.items()
    ]
    circulating = sum(f.known_to_circulate for f in summary.categories.values())
    total = [_Cell("Total"), _num(summary.exact), _num(summary.perceptual), _num(circulating)]
    return _table(head, rows, total=total)


def _figures(summary: Summary) -> str:
    rows = [
        ("Files examined (archives and their members each count)", summary.files),
        ("Bytes examined", summary.bytes),
        ("Still images", summary.images),
        ("Moving images (videos)", summary.videos),
        ("Archives", summary.archives),
        ("Known-good files (excluded by a known-good hash set)", summary.known_good),
        ("Unmatched still images awaiting review", summary.unmatched_images),
        ("Unmatched moving images awaiting review", summary.unmatched_videos),
        ("Deleted files", summary.deleted),
        ("Carved files", summary.carved),
        ("Thumbnails from thumbnail caches", summary.thumbnails),
        ("Thumbnails whose original was not found on the evidence",
         summary.thumbnails_original_not_found),
        ("Files found inside other files (attachments, document pictures, database blobs, "
         "web cache entries)", summary.embedded),
        ("Files inside archives", summary.in_archives),
        ("Files in a shared location (any kind, matched or not)", summary.in_shared_location),
        ("Warnings", summary.warnings),
    ]
    head = [_Cell("Figure"), _Cell("Count", "n")]
    return _table(head, ([_Cell(name), _num(value)] for name, value in rows))


def _hashsets(result: TriageResult) -> str:
    if not result.hashsets:
        return "<p>No hash set was used.</p>"
    head = [_Cell(h) for h in ("Name", "Kind", "Format", "Scheme", "Entries", "SHA-256 of source")]
    head[4].css = "n"
    rows = [
        [
            _Cell(h.name),
            _Cell(h.kind),
            _Cell(h.format),
            _Cell(h.scheme or "-"),
            _num(h.entries),
            _Cell(h.sha256, "digest"),
        ]
        for h in result.hashsets
    ]
    return _table(head, rows)


def _warnings(result: TriageResult) -> str:
    if not result.warnings:
        return "<p>None.</p>"
    head = [_Cell(h) for h in ("Address", "Stage", "Message")]
    rows = [
        [_Cell(str(w.address), "path"), _Cell(w.stage), _Cell(w.message)]
        for w in sorted_warnings(result.warnings)
    ]
    return _table(head, rows)


def render_html(result: TriageResult, summary: Summary) -> str:
    """The page as text. Every substituted piece is built from escaped values."""
    template = Template(
        resources.files(__package__ or "safeguard.triage.reports")
        .joinpath(TEMPLATE)
        .read_text(encoding="utf-8")
    )
    footer = (
        f"Produced by {result.tool} {result.version}. This page contains no images and "
        "links to none. files.csv lists every file with its address, digests and match; "
        "report.json holds these figures; case.vics.json exports the media for VICS."
    )
    return template.substitute(
        title=_e("Triage report: indecent images (streamlined forensic report)"),
        meta=_meta(result),
        evidence=_evidence(result.evidence),
        categories=_categories(summary),
        shared_folders=_shared_folders(result),
        matches=_matches(summary),
        figures=_figures(summary),
        hashsets=_hashsets(result),
        warnings=_warnings(result),
        footer=_e(footer),
    )


def write_html(path: Path, result: TriageResult, summary: Summary) -> None:
    """Write report.html to `path`, atomically."""
    text = render_html(result, summary)
    with atomic_text(path) as out:
        out.write(text)
