"""report.html: escaped, self-contained, and showing the figures."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from safeguard.triage.reports import write_reports
from safeguard.triage.results import TriageResult


class Tables(HTMLParser):
    """Collects every table row as its cells' text, and every tag and attribute seen."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.tags: set[str] = set()
        self.attrs: set[str] = set()
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attrs.update(name for name, _ in attrs)
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


@pytest.fixture
def page(tmp_path: Path, result: TriageResult) -> tuple[str, Tables]:
    result.options["case_number"] = "OP/<i>1</i>"
    write_reports(tmp_path, result)
    text = (tmp_path / "report.html").read_text(encoding="utf-8")
    parser = Tables()
    parser.feed(text)
    return text, parser


def row(tables: Tables, first: str) -> list[str]:
    return next(r for r in tables.rows if r and r[0] == first)


def test_it_escapes_hostile_input(page: tuple[str, Tables]) -> None:
    text, tables = page
    # The only tags are the template's own: hostile names arrive as text.
    assert tables.tags <= {
        "html",
        "head",
        "meta",
        "title",
        "style",
        "body",
        "header",
        "h1",
        "dl",
        "dt",
        "dd",
        "section",
        "h2",
        "p",
        "strong",
        "code",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "footer",
    }
    assert "<img" not in text and "<b>" not in text and "<i>" not in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text
    assert "truncated file &amp; &lt;bad&gt; data" in text
    assert "OP/&lt;i&gt;1&lt;/i&gt;" in text


def test_it_loads_and_links_nothing(page: tuple[str, Tables]) -> None:
    text, tables = page
    assert not tables.attrs & {"src", "href", "srcset", "action"}
    assert "http://" not in text and "https://" not in text
    assert "default-src 'none'" in text


def test_it_shows_the_category_figures(page: tuple[str, Tables]) -> None:
    _, tables = page
    # Category, still total/unique, moving total/unique, deleted, in a shared location
    # still/moving (none of the fixture's paths is a file-sharing program's folder), then
    # carved, thumbnails (original not found) and inside other files (issue 17).
    tail = ["0", "0 (0)", "0"]
    assert row(tables, "A") == ["A", "2", "1", "1", "1", "1", "0", "0", *tail]
    assert row(tables, "B") == ["B", "1", "1", "0", "0", "0", "0", "0", *tail]
    assert row(tables, "C") == ["C", "3", "2", "0", "0", "0", "0", "0", *tail]
    assert row(tables, "uncategorised") == ["uncategorised", "1", "1", "0", "0", "0", "0", "0",
                                            *tail]
    assert tables.rows.index(row(tables, "A")) < tables.rows.index(row(tables, "C"))


def test_the_court_figures_never_show_the_hash_sets_distributed_flag(
    page: tuple[str, Tables],
) -> None:
    text, tables = page
    court_head = next(r for r in tables.rows if r and r[0] == "Category" and "Deleted" in r)
    assert "In a shared location" in court_head
    assert not any("istribut" in cell for cell in court_head)
    assert not any("Distributed" in cell for r in tables.rows for cell in r)
    assert "Folders counted as shared locations: <code>eMule/Incoming</code>" in text


def test_it_separates_exact_from_perceptual(page: tuple[str, Tables]) -> None:
    text, tables = page
    assert "visually similar, not an identical file" in text
    header = next(r for r in tables.rows if r and r[0] == "Category" and len(r) == 4)
    assert header[1].startswith("Exact") and header[2].startswith("Perceptual")
    # The hash sets' IsDistributed flag, labelled as what it is, beside the matches.
    assert header[3] == "Known to circulate (per hash set)"
    assert "not a court figure" in text
    totals = [r for r in tables.rows if r and r[0] == "Total"]
    assert ["Total", "7", "1", "2"] in totals
    assert [r for r in tables.rows if r[:1] == ["A"] and len(r) == 4] == [["A", "3", "0", "2"]]


def test_it_shows_review_and_known_good_figures(page: tuple[str, Tables]) -> None:
    _, tables = page
    assert row(tables, "Known-good files (excluded by a known-good hash set)")[1] == "1"
    assert row(tables, "Unmatched still images awaiting review")[1] == "3"
    assert row(tables, "Unmatched moving images awaiting review")[1] == "1"
    assert row(tables, "Bytes examined")[1] == "64,350"


def test_it_shows_evidence_verification(page: tuple[str, Tables]) -> None:
    _, tables = page
    assert row(tables, "/cases/exhibit-01.E01")[4].startswith("Pass")
    assert row(tables, "/cases/exhibit-02.dd")[4].startswith("Not applicable")
    assert row(tables, "/cases/<b>exhibit-03</b>.E01")[4].startswith("FAIL")
    assert row(tables, "/cases/exhibit-01.E01")[3] == "ab" * 32


def test_it_lists_hash_sets_and_warnings(page: tuple[str, Tables]) -> None:
    _, tables = page
    assert row(tables, "fictional-known-bad")[1:5] == ["known-bad", "vics", "uk", "1,234"]
    assert row(tables, "fictional-known-good")[5] == "34" * 32
    warning = row(tables, "exhibit-01.E01 › p2 › NTFS › /a.zip")
    assert warning == ["exhibit-01.E01 › p2 › NTFS › /a.zip", "archive", "bad CRC"]


def test_it_says_so_when_nothing_matched(tmp_path: Path, result: TriageResult) -> None:
    result.records = []
    result.warnings = []
    write_reports(tmp_path, result)
    text = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "No file matched a known-bad hash set." in text
    vics = json.loads((tmp_path / "case.vics.json").read_text(encoding="ascii"))
    assert vics["value"][0]["Media"] == []
