"""A triage leaves every evidence file's access time as it was, whatever kind it is.

Each case gives its files an access time two days old (older than a day: under relatime,
any ordinary read would now move it to the time of the run), runs a whole triage with
perceptual hashing on (so videos are decoded too), and compares.
"""

from __future__ import annotations

import io
import os
import shutil
import time
import zipfile
from pathlib import Path

import pytest

from safeguard.demo.diskimages import build_e01
from safeguard.demo.media import picture_bytes, synthetic_clip
from safeguard.triage.pipeline import TriageOptions, triage

TWO_DAYS = 2 * 86400


def age(paths: list[Path]) -> dict[Path, int]:
    old = time.time() - TWO_DAYS
    for path in paths:
        os.utime(path, (old, path.stat().st_mtime))
    return {path: path.stat().st_atime_ns for path in paths}


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def run(evidence: Path, out: Path) -> None:
    outcome = triage([str(evidence)], TriageOptions(out_dir=out, workers=2))
    assert outcome.summary.files > 0


def check(paths: list[Path], evidence: Path, tmp_path: Path) -> None:
    before = age(paths)
    run(evidence, tmp_path / "out")
    after = {path: path.stat().st_atime_ns for path in paths}
    assert after == before


def a_video(path: Path) -> Path:
    synthetic_clip(str(path), 3, seconds=2, size=(160, 120), fps=5)
    return path


def test_a_loose_picture(tmp_path: Path) -> None:
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(picture_bytes(1))
    check([photo], photo, tmp_path)


def test_a_loose_archive(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a.jpg", picture_bytes(2))
    archive = tmp_path / "photos.zip"
    archive.write_bytes(buf.getvalue())
    check([archive], archive, tmp_path)


def test_a_loose_video(tmp_path: Path) -> None:
    video = a_video(tmp_path / "clip.mp4")
    check([video], video, tmp_path)


def test_a_folder_of_pictures_archives_and_videos(tmp_path: Path) -> None:
    folder = tmp_path / "seized"
    folder.mkdir()
    (folder / "a.jpg").write_bytes(picture_bytes(3))
    with zipfile.ZipFile(folder / "b.zip", "w") as z:
        z.writestr("c.jpg", picture_bytes(4))
    a_video(folder / "d.mp4")
    check(files_under(folder), folder, tmp_path)


def test_a_raw_image(fat16_image: Path, tmp_path: Path) -> None:
    image = tmp_path / "usb.dd"
    shutil.copyfile(fat16_image, image)
    check([image], image, tmp_path)


@pytest.mark.parametrize("first", [0, 1])
def test_every_piece_of_a_split_raw_image(first: int, fat16_image: Path, tmp_path: Path) -> None:
    data = fat16_image.read_bytes()
    half = len(data) // 2
    pieces = [tmp_path / f"usb.{first:03d}", tmp_path / f"usb.{first + 1:03d}"]
    pieces[0].write_bytes(data[:half])
    pieces[1].write_bytes(data[half:])
    check(pieces, pieces[0], tmp_path)


def test_every_segment_of_an_e01(mbr_image: Path, tmp_path: Path) -> None:
    segments = build_e01(mbr_image, tmp_path / "disk", segment_size=1024 * 1024)
    assert len(segments) > 1
    check(segments, segments[0], tmp_path)
