"""A Cellebrite UFDR read as the phone's files (evidence/ufdr.py), against its own
report: each file at its device path, its deleted state, and its content's SHA-256 and
MD5 as report.xml records them (a synthetic UFDR: ufdr_sample.py)."""

from __future__ import annotations

import hashlib
import re
import zipfile
from pathlib import Path

from safeguard.triage import ExitStatus, TriageOptions, read_run, triage
from safeguard.triage.evidence import open_evidence
from safeguard.triage.evidence.directory import FileSource
from safeguard.triage.evidence.ufdr import UfdrSource

from .test_source_contract import read_entry, walk
from .ufdr_sample import FILES, FS, UNDESCRIBED, report_xml


def recorded_hashes() -> dict[str, tuple[str, str]]:
    """Device path → (SHA-256, MD5) as report.xml gives them: the oracle."""
    found = {}
    for element in re.finditer(r'<file [^>]*path="([^"]+)".*?</file>', report_xml()):
        sha = re.search(r'name="SHA256"><!\[CDATA\[(\w+)', element.group(0))
        md5 = re.search(r'name="MD5"><!\[CDATA\[(\w+)', element.group(0))
        local = re.search(r'name="Local Path"', element.group(0))
        if sha and md5 and local:
            found[element.group(1)] = (sha.group(1), md5.group(1))
    return found


def test_each_file_is_at_its_device_path_with_its_deleted_flag(ufdr_report: Path) -> None:
    source = open_evidence(str(ufdr_report))
    assert type(source) is UfdrSource
    entries, warnings = walk(source)
    assert [w.message for w in warnings] == [
        "report.xml lists 1 file(s) whose content is not in the UFDR (not extracted): "
        "nothing to read"]
    described = [e for e in entries if e.address.filesystem == FS]
    oracle = recorded_hashes()
    assert sorted(e.address.path for e in described) == sorted(oracle)
    for entry in described:
        content = read_entry(entry)
        assert isinstance(content, bytes)
        assert (hashlib.sha256(content).hexdigest(),
                hashlib.md5(content).hexdigest()) == oracle[entry.address.path]
        assert entry.deleted is (FILES[entry.address.path][1] == "Deleted")
        assert entry.times.modified == 1709287200.0
    [extra] = [e for e in entries if e.address.filesystem != FS]
    assert extra.address.path == "/" + UNDESCRIBED[0]
    assert read_entry(extra) == UNDESCRIBED[1]
    source.close()


def test_a_triage_keeps_device_paths_and_deleted_flags(ufdr_report: Path,
                                                      tmp_path: Path) -> None:
    outcome = triage([str(ufdr_report)], TriageOptions(out_dir=tmp_path / "out", workers=2,
                                                       perceptual=None))
    assert outcome.status is ExitStatus.WARNINGS  # one listed file was not extracted
    rows = {row["path"]: row for row in read_run(tmp_path / "out").rows()}
    deleted = "/private/var/mobile/Media/DCIM/100APPLE/IMG_0002.JPG"
    assert rows[deleted]["deleted"] == "true"
    assert rows[deleted]["filesystem"] == FS
    assert rows[deleted]["sha256"] == recorded_hashes()[deleted][0]


def test_a_zip_with_another_report_xml_is_a_plain_zip(tmp_path: Path) -> None:
    plain = tmp_path / "export.zip"
    with zipfile.ZipFile(plain, "w") as archive:
        archive.writestr("report.xml", "<report><item/></report>")
    assert type(open_evidence(str(plain))) is FileSource
