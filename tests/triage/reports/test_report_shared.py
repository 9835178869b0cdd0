"""The court figure "in a shared location" (a file-sharing program's folder on the device)
kept apart from the hash set's IsDistributed flag ("known to circulate")."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from safeguard.triage.errors import UsageError
from safeguard.triage.records import Address, FileType, Match, Record
from safeguard.triage.reports import write_reports
from safeguard.triage.shared_folders import (
    DEFAULT_PATTERNS,
    DEFAULT_SHARED_FOLDERS,
    SharedFolders,
    shared_folders,
)

from .report_fixtures import build_result, digests

DEFAULTS = SharedFolders(DEFAULT_PATTERNS)


def at(path: str, *archive: str) -> Address:
    return Address(evidence="laptop.E01", partition="p1", filesystem="NTFS", path=path,
                   archive=archive)


@pytest.mark.parametrize("path", [
    "/Users/x/Downloads/eMule/Incoming/a.jpg",
    "/Program Files (x86)/eMule/Temp/001.part",
    "/users/X/appdata/local/EMULE/incoming/a.jpg",          # any case
    "/home/x/.local/share/qBittorrent/BT_backup/a.jpg",
    "/home/x/.aMule/Incoming/sub/folder/a.jpg",               # below, at any depth
    "/Documents and Settings/sam/Shared/a.jpg",               # * is the user name
    "/Users/sam/Documents/My Shared Folder/a.jpg",
    "/home/sam/FrostWire/Torrent Data/set/a.jpg",
    "/var/lib/transmission-daemon/downloads/a.jpg",
    "/Users/sam/Library/Application Support/qBittorrent/a.jpg",
])
def test_a_file_in_a_programs_folder_is_in_a_shared_location(path: str) -> None:
    assert DEFAULTS.holds(at(path))


@pytest.mark.parametrize("path", [
    "/Users/x/Pictures/a.jpg",                  # the same file elsewhere
    "/Users/x/Downloads/a.jpg",                 # a browser's folder too: never by default
    "/Users/x/Incoming/a.jpg",                  # "Incoming" alone is no program's folder
    "/Users/x/eMule-Incoming/a.jpg",            # components, not substrings
    "/Users/x/Downloads/eMule/a.jpg",           # the program's folder, not its share
    "/Users/x/Downloads/eMule/Incoming",        # the folder itself is not a file in it
    "/Users/Shared/a.jpg",                      # macOS's own shared folder
    "/Documents and Settings/Shared/a.jpg",     # * needs a component of its own
])
def test_a_file_elsewhere_is_not(path: str) -> None:
    assert not DEFAULTS.holds(at(path))


def test_an_archive_member_is_where_its_outermost_archive_is() -> None:
    zipped = at("/Users/x/eMule/Incoming/set.zip")
    assert DEFAULTS.holds(zipped.member("/inner/a.jpg"))
    assert DEFAULTS.holds(zipped.member("/inner.zip").member("/a.jpg"))
    # A folder named like a program's inside an archive is not on the device.
    elsewhere = at("/Users/x/Pictures/set.zip")
    assert not DEFAULTS.holds(elsewhere.member("/eMule/Incoming/a.jpg"))


def test_every_program_the_report_names_has_a_default_folder() -> None:
    programs = " ".join(entry.program for entry in DEFAULT_SHARED_FOLDERS)
    for name in ("eMule", "Shareaza", "uTorrent", "qBittorrent", "Transmission", "Deluge",
                 "Ares", "LimeWire", "FrostWire", "Freenet"):
        assert name in programs
    text = (Path(__file__).resolve().parents[3] / "docs" / "report-format.md").read_text()
    for pattern in DEFAULT_PATTERNS:
        assert f"`{pattern}`" in text, f"{pattern} is not in docs/report-format.md"


def test_patterns_are_checked() -> None:
    assert SharedFolders([r"Users\*\Videos\share"]).holds(at("/Users/a/Videos/share/b.jpg"))
    for bad in ("", "/", "*", "*/*"):
        with pytest.raises(UsageError):
            SharedFolders([bad])
    with pytest.raises(UsageError):
        shared_folders({"shared_folders": "eMule/Incoming"})  # a string, not a list
    with pytest.raises(UsageError):
        shared_folders({"shared_folders": [3]})
    assert shared_folders({}).patterns == DEFAULT_PATTERNS


def matched(address: Address, label: str, kind: FileType = FileType.IMAGE,
            **extra: object) -> Record:
    return Record(address=address, size=100, file_type=kind, digests=digests(label),
                  mime="video/mp4" if kind is FileType.VIDEO else "image/jpeg",
                  hashset="fictional-known-bad", category="A", match=Match.EXACT,
                  **extra)  # type: ignore[arg-type]


def run(tmp_path: Path, records: list[Record], **options: object) -> dict[str, Path]:
    result = build_result(records=records)
    result.options.update(options)
    return write_reports(tmp_path, result)


def test_the_reports_count_the_shared_location_apart_from_known_to_circulate(
    tmp_path: Path,
) -> None:
    records = [
        # In eMule's Incoming folder, and not marked by the set.
        matched(at("/Users/x/Downloads/eMule/Incoming/a.jpg"), "a"),
        # The same content elsewhere: a court figure only where it is shared.
        matched(at("/Users/x/Pictures/a.jpg"), "a"),
        # Marked IsDistributed by the set, outside any shared folder: known to circulate,
        # never "in a shared location".
        matched(at("/Users/x/Pictures/b.jpg"), "b", distributed=True),
        # A video in qBittorrent's folder; an unmatched picture in eMule's Temp folder.
        matched(at("/home/x/.local/share/qBittorrent/BT_backup/v.mp4"), "v",
                kind=FileType.VIDEO),
        Record(address=at("/Users/x/eMule/Temp/new.jpg"), size=10, file_type=FileType.IMAGE,
               digests=digests("new")),
    ]
    paths = run(tmp_path, records)
    summary = json.loads(paths["json"].read_text())["summary"]
    figures = summary["categories"]["A"]
    assert (figures["in_shared_location_images"], figures["in_shared_location_videos"]) == (1, 1)
    assert figures["known_to_circulate"] == figures["distributed"] == 1
    assert summary["in_shared_location"] == 3  # the unmatched picture counts here only
    with open(paths["csv"], encoding="utf-8", newline="") as handle:
        rows = {row["path"]: row for row in csv.DictReader(handle)}
    assert rows["/Users/x/Downloads/eMule/Incoming/a.jpg"]["shared_location"] == "true"
    assert rows["/Users/x/Pictures/a.jpg"]["shared_location"] == "false"
    b = rows["/Users/x/Pictures/b.jpg"]
    assert (b["distributed"], b["shared_location"]) == ("true", "false")
    page = paths["html"].read_text(encoding="utf-8")
    # The court row: 3 still (2 unique), 1 moving, 0 deleted, 1 still and 1 moving shared.
    assert ('<td>A</td><td class="n">3</td><td class="n">2</td><td class="n">1</td>'
            '<td class="n">1</td><td class="n">0</td><td class="n">1</td>'
            '<td class="n">1</td>') in page


def test_the_run_chooses_its_folders(tmp_path: Path) -> None:
    records = [matched(at("/Users/x/Videos/share/a.jpg"), "a"),
               matched(at("/Users/x/Downloads/eMule/Incoming/b.jpg"), "b")]
    paths = run(tmp_path, records, shared_folders=["Users/*/Videos/share"])
    figures = json.loads(paths["json"].read_text())["summary"]["categories"]["A"]
    assert figures["in_shared_location_images"] == 1
    with open(paths["csv"], encoding="utf-8", newline="") as handle:
        flags = {row["path"]: row["shared_location"] for row in csv.DictReader(handle)}
    assert flags == {"/Users/x/Videos/share/a.jpg": "true",
                     "/Users/x/Downloads/eMule/Incoming/b.jpg": "false"}


def test_a_bad_folder_list_stops_before_any_report(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        run(tmp_path, [], shared_folders=["*"])
    assert not list(tmp_path.iterdir())
