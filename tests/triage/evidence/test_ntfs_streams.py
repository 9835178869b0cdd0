"""NTFS alternate data streams listed as files (`/path/file:stream`), against what was
written into them (ntfscp --attr-name) and The Sleuth Kit's own tools: `istat` names each
named $DATA attribute and `icat INODE-128-ID` reads it."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from pathlib import Path

from safeguard.triage import Address, ContentNotFound, ExitStatus, TriageOptions, triage
from safeguard.triage.evidence import open_evidence

from .conftest import NTFS_STREAMS
from .test_source_contract import read_item, walk


def icat(image: Path, inode: str) -> bytes:
    tool = shutil.which("icat")
    assert tool, "icat is missing: install sleuthkit"
    return subprocess.run([tool, str(image), inode], check=True, capture_output=True).stdout


def istat_streams(image: Path, inode: int) -> dict[str, str]:
    """Each named $DATA attribute istat lists: its name → INODE-128-ID."""
    out = subprocess.run(["istat", str(image), str(inode)], check=True, capture_output=True,
                         text=True).stdout
    found = {}
    for match in re.finditer(r"Type: \$DATA \((128-\d+)\)\s+Name: (\S+)", out):
        if match.group(2) != "N/A":
            found[match.group(2)] = f"{inode}-{match.group(1)}"
    return found


def test_each_stream_is_a_file_of_its_own(ntfs_streams_image: Path) -> None:
    source = open_evidence(str(ntfs_streams_image))
    entries, warnings = walk(source)
    assert not warnings
    by_path = {e.address.path: e for e in entries}
    assert sorted(by_path) == ["/plain.txt", "/report.txt", "/report.txt:Zone.Identifier",
                               "/report.txt:hidden.jpg"]
    main = by_path["/report.txt"]
    expected = istat_streams(ntfs_streams_image, int(main.address.inode))
    assert sorted(expected) == sorted(NTFS_STREAMS["report.txt"])
    for name, data in NTFS_STREAMS["report.txt"].items():
        entry = by_path[f"/report.txt:{name}"]
        assert entry.address.inode == expected[name]
        assert entry.size == len(data)
        with entry.opener() as stream:
            content = stream.read()
        assert hashlib.sha1(content).hexdigest() == hashlib.sha1(data).hexdigest()
        assert content == icat(ntfs_streams_image, entry.address.inode)
        assert read_item(source, entry) == data
    with main.opener() as stream:
        assert stream.read() == b"quarterly figures\n"
    missing = Address(main.address.evidence, "/report.txt:gone", "", "NTFS",
                      inode=f"{main.address.inode}-128-99")
    try:
        source.open_item(missing)
    except ContentNotFound:
        pass
    else:
        raise AssertionError("an attribute the file does not have was opened")
    source.close()


def test_streams_are_hashed_and_reported(ntfs_streams_image: Path, tmp_path: Path) -> None:
    outcome = triage([str(ntfs_streams_image)], TriageOptions(out_dir=tmp_path / "out",
                                                              workers=2, perceptual=None))
    assert outcome.status is ExitStatus.OK
    text = (tmp_path / "out" / "files.csv").read_text()
    assert "/report.txt:hidden.jpg" in text
    assert hashlib.sha1(NTFS_STREAMS["report.txt"]["hidden.jpg"]).hexdigest() in text
