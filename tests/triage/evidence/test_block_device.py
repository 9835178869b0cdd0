"""A block device named as evidence (a drive behind a write blocker, /dev/sdb) is read
like a raw image, read-only. A test cannot make a device node (that needs root and a
real device), so the image file is made to look like one: os.stat reports it as a block
device of size 0, as the kernel does for /dev/sdX, and Path.is_file() is then False.
What is tested is the code path a device takes; a real /dev node is not."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import pytest

from safeguard.triage import ExitStatus, TriageOptions, triage
from safeguard.triage.evidence import open_evidence
from safeguard.triage.evidence.tsk import RawImageSource

from .test_containers import listing


@pytest.fixture
def as_device(monkeypatch: pytest.MonkeyPatch, mbr_image: Path) -> Path:
    real_stat = os.stat
    target = os.path.realpath(mbr_image)

    def fake_stat(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        found = real_stat(path, *args, **kwargs)
        if isinstance(path, (str, os.PathLike)) and os.path.realpath(path) == target:
            fields = list(found)
            fields[0] = stat.S_IFBLK | 0o660  # st_mode
            fields[6] = 0  # st_size: a device reports none
            return os.stat_result(fields)
        return found

    monkeypatch.setattr(os, "stat", fake_stat)
    assert not mbr_image.is_file() and stat.S_ISBLK(os.stat(mbr_image).st_mode)
    return mbr_image


def test_a_block_device_reads_as_a_raw_image(as_device: Path, monkeypatch: pytest.MonkeyPatch,
                                             tmp_path: Path) -> None:
    source = open_evidence(str(as_device))
    assert type(source) is RawImageSource
    info = source.describe(lambda w: None)
    assert info.detail["block_device"] is True
    data = as_device.read_bytes()  # read to the device's end, whatever its stat says
    assert (info.size, info.sha256) == (len(data), hashlib.sha256(data).hexdigest())
    source.close()
    device_rows = listing(as_device)
    monkeypatch.undo()
    assert device_rows == listing(as_device)


def test_a_block_device_triages(as_device: Path, tmp_path: Path) -> None:
    outcome = triage([str(as_device)], TriageOptions(out_dir=tmp_path / "out", workers=2,
                                                     perceptual=None))
    assert outcome.status is ExitStatus.OK, [w.message for w in outcome.warnings]
