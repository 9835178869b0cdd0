"""Outlook PST files, written by the tests' own writer in [MS-PST]'s layout (pst_writer.py):
libpff reads them back as Outlook would lay them out, and a triage of a folder holding one
finds the known-bad pictures attached to its messages, addressed inside the store."""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import re
from pathlib import Path

import pypff
import pytest
from click.testing import CliRunner

from safeguard.cli import main
from safeguard.demo.media import picture_bytes
from safeguard.triage import read_run

from .pst_writer import BLOCK_DATA_MAX, Message, build_pst

BAD1 = picture_bytes(81, "JPEG", (320, 240))  # over one block: a data tree (XBLOCK)
BAD2 = picture_bytes(82, "JPEG", (320, 240))
KEPT = picture_bytes(83, "PNG", (48, 36))  # one block


def mailbox() -> bytes:
    return build_pst({
        "Inbox": [Message("holiday", "see attached", {"beach.jpg": BAD1, "kept.png": KEPT}),
                  Message("plans", "no pictures in this one")],
        "Sent": [Message("pool", "the other one", {"pool.jpg": BAD2})],
    })


def test_libpff_reads_the_written_store_back() -> None:
    assert len(BAD1) > BLOCK_DATA_MAX > len(KEPT)
    pst = pypff.file()
    pst.open_file_object(io.BytesIO(mailbox()))
    try:
        root = pst.get_root_folder()
        folders = [root.get_sub_folder(i) for i in range(root.number_of_sub_folders)]
        assert [f.name for f in folders] == ["Inbox", "Sent"]
        inbox = [folders[0].get_sub_message(i) for i in range(2)]
        assert [m.subject for m in inbox] == ["holiday", "plans"]
        assert inbox[1].plain_text_body == b"no pictures in this one"
        assert [m.number_of_attachments for m in inbox] == [2, 0]
        attachments = [inbox[0].get_attachment(i) for i in range(2)]
        assert [bytes(a.read_buffer(a.get_size())) for a in attachments] == [BAD1, KEPT]
        sent = folders[1].get_sub_message(0).get_attachment(0)
        assert bytes(sent.read_buffer(sent.get_size())) == BAD2
    finally:
        pst.close()


@pytest.fixture
def known_bad(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("SAFEGUARD_HOME", str(tmp_path / "home"))
    graded = tmp_path / "graded"
    graded.mkdir()
    (graded / "bad1.jpg").write_bytes(BAD1)
    (graded / "bad2.jpg").write_bytes(BAD2)
    result = CliRunner().invoke(main, ["hashset", "build", str(graded), "--name", "bad",
                                       "--kind", "known-bad", "--category", "A"])
    assert result.exit_code == 0, result.output
    return "bad"


def test_pictures_attached_in_a_pst_are_found_matched_and_counted(
    tmp_path: Path, known_bad: str
) -> None:
    seized = tmp_path / "seized"
    seized.mkdir()
    (seized / "mail.pst").write_bytes(mailbox())
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["triage", str(seized), "--out", str(out),
                                       "--hashset", known_bad, "--quiet"])
    assert result.exit_code == 0, result.output
    report = json.loads((out / "report.json").read_text())
    rows = list(csv.DictReader((out / "files.csv").open(encoding="utf-8", newline="")))
    inside = {r["path"]: r for r in rows if r["archive"] == "/mail.pst"}
    assert set(inside) == {"/Inbox/message 1/attachment 1 beach.jpg",
                           "/Inbox/message 1/attachment 2 kept.png",
                           "/Sent/message 1/attachment 1 pool.jpg"}
    for path, picture in (("/Inbox/message 1/attachment 1 beach.jpg", BAD1),
                          ("/Sent/message 1/attachment 1 pool.jpg", BAD2)):
        row = inside[path]
        assert (row["match"], row["category"], row["hashset"]) == ("exact", "A", "bad"), row
        assert row["sha1"] == hashlib.sha1(picture).hexdigest()
        assert row["md5"] == hashlib.md5(picture).hexdigest()
        assert int(row["size"]) == len(picture)
    kept = inside["/Inbox/message 1/attachment 2 kept.png"]
    assert (kept["match"], kept["type"]) == ("none", "image")
    assert all(r["embedded"] == "true" and r["thumbnail"] == "false" for r in inside.values())
    # The store itself is a file on the evidence, not an embedded item.
    store = next(r for r in rows if r["path"] == "/mail.pst" and not r["archive"])
    assert store["embedded"] == "false"
    summary = report["summary"]
    assert summary["embedded"] == 3
    assert summary["categories"]["A"]["embedded"] == 2
    assert not report["warnings"]
    page = html.unescape((out / "report.html").read_text())
    assert re.search(r"Files found inside other files [^<]*</td><td class=\"n\">3<", page)
    # Read back through the engine's codec: each attachment's address names its store.
    addresses = {r.address.full_path for r in read_run(out).records() if r.embedded}
    assert "/mail.pst!/Inbox/message 1/attachment 1 beach.jpg" in addresses
    assert "/mail.pst!/Sent/message 1/attachment 1 pool.jpg" in addresses
