"""validation.html and validation.pdf: the report a unit files, laid out for paper.

One self-contained page (inline CSS, no scripts, fonts or images, a Content Security
Policy that forbids any load), printed to PDF by WeasyPrint through the same offline
renderer as the committee report (safeguard.web.statistics.pdf, which needs no Django).
The one-line outcome and the acceptance criteria come first; every value is escaped.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from pathlib import Path
from typing import Any

DETAILS_SHOWN = 8  # differences printed under a failed assertion (all are in the JSON)

CSS = """
@page { size: A4; margin: 16mm 14mm 18mm 14mm;
  @top-left { content: "Safeguard method validation"; font-size: 8pt; color: #555; }
  @top-right { content: "RUNNING-OUTCOME"; font-size: 8pt; color: #555; }
  @bottom-right { content: "page " counter(page) " of " counter(pages); font-size: 8pt;
                  color: #555; } }
body { font-family: "DejaVu Sans", sans-serif; font-size: 9pt; color: #111; margin: 0 1em;
       line-height: 1.35; }
h1 { font-size: 16pt; margin: 0 0 4pt; }
h2 { font-size: 12pt; margin: 16pt 0 4pt; border-bottom: 1px solid #888;
     page-break-after: avoid; }
h3 { font-size: 10pt; margin: 10pt 0 3pt; page-break-after: avoid; }
p { margin: 3pt 0; }
.outcome { font-size: 13pt; font-weight: bold; padding: 6pt; border: 2px solid;
           margin: 6pt 0 8pt; }
.pass { color: #0a5c1f; border-color: #0a5c1f; }
.fail { color: #a00000; border-color: #a00000; }
.notrun { color: #555; }
table { border-collapse: collapse; width: 100%; margin: 3pt 0 6pt; table-layout: fixed; }
th, td { border: 1px solid #bbb; padding: 2pt 4pt; text-align: left; vertical-align: top;
         overflow-wrap: break-word; }
td.hex, .details li { overflow-wrap: anywhere; }
th { background: #eee; }
tr { page-break-inside: avoid; }
td.result { font-weight: bold; }
td.result span { display: block; font-weight: normal; font-size: 8pt; }
td.id { overflow-wrap: anywhere; hyphens: manual; }
.checks { color: #333; font-style: italic; }
.small, .details { font-size: 8pt; }
ul { margin: 2pt 0 2pt 14pt; padding: 0; }
"""


def _e(value: Any) -> str:
    return escape(str(value), quote=True)


def _columns(widths: Iterable[int]) -> str:
    """Column widths in per cent: fixed, so that narrow columns never break words."""
    return "<colgroup>" + "".join(f'<col style="width: {w}%">' for w in widths) + "</colgroup>"


def _table(headers: Iterable[str] | None, rows: Iterable[Iterable[str]],
           widths: Iterable[int] = ()) -> str:
    """A table; `headers` None for a two-column table of names and values."""
    head = "".join(f"<th>{_e(h)}</th>" for h in headers or ())
    body = "".join("<tr>" + "".join(f"<td>{_e(cell)}</td>" for cell in row) + "</tr>"
                   for row in rows)
    thead = f"<thead><tr>{head}</tr></thead>" if head else ""
    return (f"<table>{_columns(widths) if widths else ''}{thead}"
            f"<tbody>{body}</tbody></table>")


def _result(passed: bool) -> str:
    return '<td class="result pass">pass</td>' if passed else '<td class="result fail">FAIL</td>'


def _assertion_rows(assertions: list[dict[str, Any]]) -> str:
    rows = []
    for a in assertions:
        details = ""
        if not a["passed"] and len(a["details"]) > 1:
            items = "".join(f"<li>{_e(d)}</li>" for d in a["details"][:DETAILS_SHOWN])
            more = len(a["details"]) - DETAILS_SHOWN
            details = (f'<ul class="details">{items}</ul>'
                       + (f'<p class="small">… {more} more in validation.json</p>'
                          if more > 0 else ""))
        rows.append(f'<tr><td class="id">{_e(a["id"])}</td><td>{_e(a["expected"])}</td>'
                    f'<td>{_e(a["observed"])}{details}</td>{_result(a["passed"])}</tr>')
    head = "<tr><th>id</th><th>expected</th><th>observed</th><th>result</th></tr>"
    return (f"<table>{_columns((25, 25, 42, 8))}<thead>{head}</thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def _assertions(data: dict[str, Any]) -> str:
    parts = []
    for group in data["groups"]:
        mine = [a for a in data["assertions"] if a["group"] == group["name"]]
        if not mine:
            continue
        parts.append(f'<h3>{_e(group["title"])} ({group["name"]}): {len(mine)} assertions, '
                     f'{group["failed"]} failed</h3>')
        by_check: dict[str, list[dict[str, Any]]] = {}
        for a in mine:
            by_check.setdefault(a["checks"], []).append(a)
        for checks, assertions in by_check.items():
            parts.append(f'<p class="checks">Checks: {_e(checks)}.</p>')
            parts.append(_assertion_rows(assertions))
    return "".join(parts)


def _criteria(data: dict[str, Any]) -> str:
    rows = []
    for c in data["criteria"]:
        css = {"passed": "pass", "not run": "notrun"}.get(c["result"], "fail")
        failed = f'<span>{_e(", ".join(c["failed"]))}</span>' if c["failed"] else ""
        rows.append(f'<tr><td class="id">{_e(c["id"])}</td><td>{_e(c["text"])}</td>'
                    f'<td>{_e(", ".join(c["groups"]))}</td><td>{c["assertions"]}</td>'
                    f'<td class="result {css}">{_e(c["result"])}{failed}</td></tr>')
    head = ("<tr><th>id</th><th>criterion</th><th>groups</th><th>assertions</th>"
            "<th>result</th></tr>")
    return (f"<table>{_columns((8, 49, 13, 13, 17))}<thead>{head}</thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def _reference_data(data: dict[str, Any]) -> str:
    parts = []
    for ref in data["reference_sets"]:
        seed = f", seed {ref['seed']}" if ref["seed"] is not None else ""
        parts.append(f"<h3>{_e(ref['name'])}</h3><p>{_e(ref['description'])}{_e(seed)}; "
                     f"in <code>{_e(ref['folder'])}</code> with its ground truth "
                     "(<code>groundtruth.json</code>).</p>")
        rows = []
        for item in ref["items"]:
            verified = item.get("verified")
            outcome = f"exit {item['exit_status']}" + "".join(
                f"; {text}" for text in item["warnings"]) + (
                "" if verified is None else f"; verification {'Pass' if verified else 'FAIL'}")
            rows.append([item["id"], item["title"], f"{item['kind']} ({item['parts']} file"
                         f"{'s' if item['parts'] > 1 else ''})",
                         f"{item['files']} ({item['deleted']} deleted)", outcome])
        parts.append(_table(["item", "what it holds", "read as", "files expected",
                             "expected outcome"], rows, (17, 38, 13, 12, 20)))
        sets = "; ".join(f"{h['name']} ({h['kind']}, {h['file']})" for h in ref["hashsets"])
        parts.append(f"<p>Hash sets: {_e(sets or 'none')}.</p>")
    return "".join(parts)


def _environment(data: dict[str, Any]) -> str:
    env = data["environment"]
    tool = env.get("tool", {})
    rows = [("Safeguard", f"{tool.get('name')} {tool.get('version')}"),
            ("commit", f"{tool.get('commit') or '(none)'} {tool.get('note') or ''}"),
            ("Python", env.get("python")), ("operating system", env.get("os")),
            ("CPU", env.get("cpu")), ("memory", env.get("memory")),
            ("time zone", env.get("time_zone")),
            ("started, finished (UTC)", f"{data['started']} to {data['finished']}"),
            ("time taken", f"{data['seconds']} s: " + "; ".join(
                f"{k} {v} s" for k, v in data["stages"].items()))]
    parts = [_table(None, rows, (22, 78))]
    parts.append("<h3>Libraries the engine reads images with</h3>")
    parts.append(_table(["library", "version"], env.get("libraries", {}).items(), (30, 70)))
    parts.append("<h3>Tools</h3>")
    parts.append(_table(["tool", "version"], env.get("tools", {}).items(), (20, 80)))
    parts.append("<h3>Python packages</h3>")
    deps: list[tuple[str, str]] = list(env.get("dependencies", {}).items())
    half = (len(deps) + 1) // 2
    paired = [(*deps[i], *(deps[i + half] if i + half < len(deps) else ("", "")))
              for i in range(half)]
    parts.append(_table(["package", "version", "package", "version"], paired,
                        (30, 20, 30, 20)))
    return "".join(parts)


def render(data: dict[str, Any]) -> str:
    tool = data["environment"].get("tool", {})
    passed = data["passed"]
    failed = [a for a in data["assertions"] if not a["passed"]]
    options = data["options"]
    scope = data["scope"] or "the full reference set, every group"
    body = [
        f"<h1>Method validation: {_e(tool.get('name'))} {_e(tool.get('version'))} triage</h1>",
        f'<p class="outcome {"pass" if passed else "fail"}">Outcome: {_e(data["outcome"])}</p>',
        f"<p>Run {_e(data['started'])} to {_e(data['finished'])} (UTC), {data['seconds']} s, "
        f"commit {_e(tool.get('commit') or '(not a git checkout)')}"
        f"{' (modified)' if tool.get('modified') else ''}; {_e(scope)}; seed "
        f"{_e(options['seed'])}.</p>",
        "<h2>1. Acceptance criteria</h2>",
        "<p>The method is fit for its purpose when every assertion below passes. Each "
        "criterion is checked by the assertions of its groups.</p>", _criteria(data),
    ]
    if failed:
        body += ["<h2>Failed assertions</h2>", _assertion_rows(failed)]
    body += [
        "<h2>2. Assertions</h2>",
        "<p>Each assertion has an id, what it checks, what was expected and what was observed "
        "(in the manner of NIST's Computer Forensics Tool Testing). Ids name the reference "
        "item (LIST-disk-mbr) or the run (CNT-main) they concern.</p>", _assertions(data),
        "<h2>3. Reference data</h2>",
        "<p>Built for this run from the seed, with known ground truth: benign synthetic "
        "pictures and photos shipped with scikit-image (no people), files written, deleted "
        "and damaged by the ordinary tools. Undamaged items are triaged together in one run; "
        "each damaged item alone.</p>", _reference_data(data),
        "<h2>4. Known limitations</h2>",
        "<ul>" + "".join(f"<li><b>{_e(x['id'])}</b>: {_e(x['text'])}</li>"
                         for x in data["limitations"]) + "</ul>",
        "<h2>5. Environment</h2>", _environment(data),
        "<h2>6. Using this report</h2>",
        "<p>docs/validation.md explains how a unit files this report (with validation.json "
        "and, where kept, the reference data) as the validation record of this version, and "
        "how its own reference sets are added with --reference.</p>",
    ]
    return ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            "style-src 'unsafe-inline'\">"
            f"<title>Safeguard {_e(tool.get('version'))} method validation</title>"
            f"<style>{CSS.replace('RUNNING-OUTCOME', _running(data))}</style></head>"
            f"<body>{''.join(body)}</body></html>\n")


def _running(data: dict[str, Any]) -> str:
    """The outcome, short, for the head of every page (a CSS string)."""
    failed = sum(not a["passed"] for a in data["assertions"])
    total = len(data["assertions"])
    text = f"FAILED: {failed} of {total} assertions" if failed else (
        f"PASSED: {total} assertions" if total else "NOT VALIDATED")
    return text + (" (not a full validation)" if data["scope"] else "")


def write_html(data: dict[str, Any], path: Path) -> Path:
    path.write_text(render(data), encoding="utf-8")
    return path


def write_pdf(html_path: Path, path: Path) -> Path:
    from safeguard.web.statistics.pdf import html_to_pdf

    path.write_bytes(html_to_pdf(html_path.read_text("utf-8")))
    return path
