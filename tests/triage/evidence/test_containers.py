"""Virtual disks and encrypted volumes read through libyal, each against its oracle: the
same disk read as a raw image through TSK (every file's address, deleted flag and SHA-1)."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from safeguard.triage import ExitStatus, TriageOptions, triage
from safeguard.triage.evidence import VolumeKeys, open_evidence
from safeguard.triage.evidence.containers import ContainerSource, RecognisedSource
from safeguard.triage.evidence.keys import Secret
from safeguard.triage.evidence.tsk import RawImageSource

from .conftest import PASSWORD
from .test_source_contract import read_entry, walk


def listing(path: Path, keys: VolumeKeys | None = None) -> list[tuple[str, ...]]:
    """Every file of the evidence: address, deleted flag and SHA-1 of its content."""
    source = open_evidence(str(path), keys)
    try:
        rows = []
        for entry in walk(source)[0]:
            content = read_entry(entry)
            digest = hashlib.sha1(content).hexdigest() if isinstance(content, bytes) else "-"
            a = entry.address
            rows.append((a.partition, a.filesystem, a.path, a.inode, str(entry.deleted), digest))
        return rows
    finally:
        source.close()


def run(tmp_path: Path, evidence: Path, keys: VolumeKeys | None = None):
    return triage([str(evidence)], TriageOptions(out_dir=tmp_path / "out", workers=2,
                                                 perceptual=None, keys=keys))


@pytest.mark.parametrize("fixture", ["qcow2_disk", "qcow2_child", "vmdk_sparse", "vmdk_split",
                                     "vmdk_flat", "vhd_dynamic", "vhd_fixed", "vhdx_disk"])
def test_a_virtual_disk_reads_as_its_raw_image(request: pytest.FixtureRequest, fixture: str,
                                               mbr_image: Path) -> None:
    disk = Path(request.getfixturevalue(fixture))
    source = open_evidence(str(disk))
    assert type(source) is ContainerSource
    source.close()
    oracle = listing(mbr_image)
    assert type(open_evidence(str(mbr_image))) is RawImageSource
    assert any(row[4] == "True" for row in oracle)  # deleted files are part of the check
    assert listing(disk) == oracle


def test_the_files_of_a_split_vmdk_and_a_child_disk_are_its_evidence(
    vmdk_split: Path, qcow2_child: Path
) -> None:
    split = open_evidence(str(vmdk_split))
    assert [p.name for p in split.files()] == ["disk.vmdk", "disk-s001.vmdk"]
    info = split.describe(lambda w: None)
    joined = b"".join(p.read_bytes() for p in split.files())
    assert info.sha256 == hashlib.sha256(joined).hexdigest()
    assert info.detail["layers"] == ["VMDK"]
    split.close()
    child = open_evidence(str(qcow2_child))
    assert [p.name for p in child.files()] == ["child.qcow2", "base.qcow2"]
    assert child.describe(lambda w: None).detail["parent"]["file"] == "base.qcow2"
    child.close()


def test_a_child_disk_without_its_parent_is_a_warning_and_exit_4(
    qcow2_child: Path, tmp_path: Path
) -> None:
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(qcow2_child, alone / "child.qcow2")
    source = open_evidence(str(alone / "child.qcow2"))
    assert type(source) is RecognisedSource
    outcome = run(tmp_path, alone / "child.qcow2")
    assert outcome.status is ExitStatus.WARNINGS
    assert [w.message for w in outcome.warnings] == [
        "QCOW2 (disk image) recognised: QCOW2 differential: parent 'base.qcow2' not found "
        "beside it: not examined; the file is reported as one item"]


def test_a_luks1_volume_reads_with_its_password(luks1_volume: Path, fat16_image: Path) -> None:
    keys = VolumeKeys.parse([f"password={PASSWORD}"])
    source = open_evidence(str(luks1_volume), keys)
    assert type(source) is ContainerSource
    assert source.describe(lambda w: None).detail["unlocked"] == [
        {"volume": "LUKS1", "partition": None, "with": "password"}]
    source.close()
    assert listing(luks1_volume, keys) == listing(fat16_image)


def test_a_luks1_volume_without_a_key_is_a_warning_and_exit_4(
    luks1_volume: Path, tmp_path: Path
) -> None:
    outcome = run(tmp_path, luks1_volume)
    assert outcome.status is ExitStatus.WARNINGS
    assert [w.message for w in outcome.warnings] == [
        "LUKS1 (encrypted volume) recognised: encrypted, no key given: not examined; the "
        "file is reported as one item"]
    assert outcome.summary.files == 1 if hasattr(outcome.summary, "files") else True


def test_a_wrong_password_is_an_input_error_naming_the_volume(
    luks1_volume: Path, tmp_path: Path
) -> None:
    outcome = run(tmp_path, luks1_volume, VolumeKeys.parse(["password=not-it-42"]))
    assert outcome.status is ExitStatus.INPUT
    message = outcome.warnings[0].message
    assert "LUKS1 volume: none of the credentials given unlocks it (password)" in message
    assert "not-it-42" not in message


def test_a_credential_for_another_volume_is_not_tried(luks1_volume: Path) -> None:
    keys = VolumeKeys.parse([f"password:other.img={PASSWORD}"])
    assert type(open_evidence(str(luks1_volume), keys)) is RecognisedSource
    keys = VolumeKeys.parse([f"password:{luks1_volume.name}={PASSWORD}"])
    assert type(open_evidence(str(luks1_volume), keys)) is ContainerSource


def test_credentials_never_reach_the_outputs(luks1_volume: Path, tmp_path: Path) -> None:
    keys = VolumeKeys.parse([f"password={PASSWORD}", "recovery-password=111111-222222"])
    outcome = run(tmp_path, luks1_volume, keys)
    assert outcome.status is ExitStatus.OK
    assert PASSWORD not in repr(keys) and PASSWORD not in str(keys.credentials[0].secret)
    written = [p for p in (tmp_path / "out").rglob("*") if p.is_file()]
    assert written
    for path in written:
        data = path.read_bytes()
        assert PASSWORD.encode() not in data, path
        assert b"111111-222222" not in data, path
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert "correct horse" not in json.dumps(report)


def test_a_secret_hides_itself() -> None:
    secret = Secret("hunter2")
    assert "hunter2" not in f"{secret} {secret!r} {[secret]}"
    assert secret.reveal() == "hunter2"


def test_a_luks2_volume_is_recognised_and_not_read(luks2_volume: Path, tmp_path: Path) -> None:
    outcome = run(tmp_path, luks2_volume, VolumeKeys.parse([f"password={PASSWORD}"]))
    assert outcome.status is ExitStatus.WARNINGS
    assert "LUKS2 (encrypted volume) recognised: LUKS2 is not supported" in \
        outcome.warnings[0].message


def test_a_disk_image_inside_a_folder_is_examined_whatever_its_name(
    vmdk_sparse: Path, mbr_image: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "seized"
    folder.mkdir()
    shutil.copy(vmdk_sparse, folder / "backup.bin")
    outcome = run(tmp_path, folder)
    assert outcome.status is ExitStatus.OK, [(str(w.address), w.message) for w in outcome.warnings]
    # Its files and the image itself: known by its signature, not by its name.
    assert outcome.summary.files == len(listing(mbr_image)) + 1
