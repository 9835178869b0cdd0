"""Pictures inside other files and in thumbnail caches, through the whole command: each
container is built in its documented layout around benign synthetic pictures that a
known-bad set lists, and the report must find, match, address and count each one."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from safeguard.cli import main
from safeguard.demo.media import encode, picture_bytes, synthetic_picture

from . import builders

SIZE = (320, 240)
BAD1 = picture_bytes(71, "JPEG", SIZE)
BAD2 = picture_bytes(72, "JPEG", SIZE)
KEPT = picture_bytes(73, "JPEG", SIZE)


def thumb(seed: int) -> bytes:
    return encode(synthetic_picture(seed, SIZE).resize((96, 72)), "JPEG", quality=80)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SAFEGUARD_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture
def known_bad(tmp_path: Path, home: Path) -> str:
    folder = tmp_path / "graded"
    folder.mkdir()
    (folder / "bad1.jpg").write_bytes(BAD1)
    (folder / "bad2.jpg").write_bytes(BAD2)
    result = CliRunner().invoke(main, ["hashset", "build", str(folder), "--name", "bad",
                                       "--kind", "known-bad", "--category", "A"])
    assert result.exit_code == 0, result.output
    return "bad"


@pytest.fixture
def evidence(tmp_path: Path) -> Path:
    root = tmp_path / "seized"
    (root / "Pictures").mkdir(parents=True)
    (root / "cache2" / "entries").mkdir(parents=True)
    (root / "Cache_Data").mkdir()
    (root / "report.docx").write_bytes(builders.docx({"image1.jpeg": BAD1}))
    (root / "notes.odt").write_bytes(builders.odt({"1000.jpg": BAD2}))
    (root / "photos.zip").write_bytes(builders.plain_zip({"kept.jpg": KEPT}))
    (root / "mail.eml").write_bytes(builders.email_message({"beach.jpg": BAD1}))
    (root / "archive.mbox").write_bytes(builders.mbox([
        builders.email_message({}, "first"), builders.email_message({"b2.jpg": BAD2})]))
    (root / "chat.sqlite").write_bytes(builders.sqlite_db(str(root / "chat.sqlite"),
                                                          [BAD1, KEPT]))
    (root / "paper.pdf").write_bytes(builders.pdf_with_jpeg(BAD1, *SIZE))
    (root / "note.msg").write_bytes(builders.outlook_msg({"pool.jpg": BAD2}))
    (root / "Pictures" / "kept.jpg").write_bytes(KEPT)
    (root / "Pictures" / "Thumbs.db").write_bytes(
        builders.thumbs_db({"kept.jpg": thumb(73), "gone.jpg": thumb(71)}))
    (root / "thumbcache_256.db").write_bytes(builders.thumbcache([thumb(73), thumb(72)]))
    (root / "thumbcache_1024.db").write_bytes(builders.thumbcache([thumb(72)], version=32))
    (root / "cache2" / "entries" / "0A1B2C3D").write_bytes(
        builders.firefox_entry(BAD1, "https://example.org/pic.jpg"))
    (root / "Cache_Data" / "4f1a2b3c4d5e6f70_0").write_bytes(
        builders.chrome_entry(BAD2, "https://example.org/other.jpg"))
    (root / "broken.pst").write_bytes(b"!BDN" + b"\x00" * 2000)
    return root


def run(tmp_path: Path, evidence: Path, hashset: str) -> tuple[int, dict, list[dict]]:
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["triage", str(evidence), "--out", str(out),
                                       "--hashset", hashset, "--quiet"])
    rows = list(csv.DictReader((out / "files.csv").open(encoding="utf-8", newline="")))
    return result.exit_code, json.loads((out / "report.json").read_text()), rows


def inside(rows: list[dict], archive: str) -> list[dict]:
    return [r for r in rows if r["archive"] == archive]


def test_pictures_inside_other_files_are_found_matched_and_counted(
    tmp_path: Path, evidence: Path, known_bad: str
) -> None:
    code, report, rows = run(tmp_path, evidence, known_bad)
    assert code == 4  # the damaged PST is a warning
    expected = {
        "/report.docx": ("/word/media/image1.jpeg", "exact"),
        "/notes.odt": ("/Pictures/1000.jpg", "exact"),
        "/mail.eml": ("/attachment 1 beach.jpg", "exact"),
        "/archive.mbox": ("/message 2/attachment 1 b2.jpg", "exact"),
        "/chat.sqlite": ("/messages/row 10/thumb", "exact"),
        "/paper.pdf": ("/page 1/image 1 Im1.jpg", "exact"),
        "/note.msg": ("/attachment 1 pool.jpg", "exact"),
        "/cache2/entries/0A1B2C3D": ("/https://example.org/pic.jpg", "exact"),
        "/Cache_Data/4f1a2b3c4d5e6f70_0": ("/https://example.org/other.jpg", "exact"),
    }
    for container, (path, match) in expected.items():
        found = {r["path"]: r for r in inside(rows, container)}
        assert path in found, (container, sorted(found))
        row = found[path]
        assert row["match"] == match and row["category"] == "A", (container, row)
        assert row["embedded"] == "true" and row["thumbnail"] == "false", container
    # The other blobs of the database: the KEPT picture and the WITHOUT ROWID table.
    chat = {r["path"] for r in inside(rows, "/chat.sqlite")}
    assert chat == {"/messages/row 10/thumb", "/messages/row 20/thumb", "/settings/row 1/v"}
    # A zip that is not a document: its members are archive members, not embedded.
    assert [r["embedded"] for r in inside(rows, "/photos.zip")] == ["false"]
    # The Firefox entry itself is reported as a cache entry, not as a picture.
    entry = next(r for r in rows if r["path"] == "/cache2/entries/0A1B2C3D")
    assert (entry["type"], entry["mime"]) == ("other", "application/x-firefox-cache2-entry")
    assert entry["match"] == "none"
    summary = report["summary"]
    embedded_media = [r for r in rows if r["embedded"] == "true" and r["type"] == "image"]
    assert summary["embedded"] == sum(r["embedded"] == "true" for r in rows)
    assert len(embedded_media) == 11
    assert summary["categories"]["A"]["embedded"] == 10
    warnings = [w for w in report["warnings"] if w["location"]["path"] == "/broken.pst"]
    assert warnings and "Outlook PST/OST recognised but not read" in warnings[0]["message"]


def test_thumbnails_are_matched_and_flag_missing_originals(
    tmp_path: Path, evidence: Path, known_bad: str
) -> None:
    _, report, rows = run(tmp_path, evidence, known_bad)
    thumbs = {r["path"]: r for r in inside(rows, "/Pictures/Thumbs.db")}
    assert set(thumbs) == {"/1 kept.jpg", "/2 gone.jpg"}
    assert thumbs["/1 kept.jpg"]["original_path"] == "/Pictures/kept.jpg"
    assert thumbs["/1 kept.jpg"]["original_not_found"] == "false"
    assert thumbs["/2 gone.jpg"]["original_path"] == "/Pictures/gone.jpg"
    assert thumbs["/2 gone.jpg"]["original_not_found"] == "true"
    assert thumbs["/2 gone.jpg"]["match"] == "perceptual"
    assert all(r["thumbnail"] == "true" and r["embedded"] == "false" for r in thumbs.values())
    cache = inside(rows, "/thumbcache_256.db")
    assert len(cache) == 2 and all(r["path"].startswith("/entry ") for r in cache)
    by_flag = {r["original_not_found"]: r for r in cache}
    # The thumbnail of KEPT finds its original by picture; that of BAD2 does not (BAD2 is
    # only inside other files, which are not originals).
    assert by_flag["true"]["match"] == "perceptual"
    assert by_flag["false"]["match"] == "none"
    windows10 = inside(rows, "/thumbcache_1024.db")
    assert [r["original_not_found"] for r in windows10] == ["true"]
    a = report["summary"]["categories"]["A"]
    assert (a["thumbnails"], a["thumbnails_original_not_found"]) == (3, 3)
    assert report["summary"]["thumbnails"] == 5
    assert report["summary"]["thumbnails_original_not_found"] == 3
    html = (tmp_path / "out" / "report.html").read_text()
    assert "Thumbnails whose original was not found on the evidence" in html
