"""The demo case: benign synthetic evidence, demo hash sets, and a triage of it.

Builds, under the work folder:
- evidence/usb-stick.dd: an MBR disk with one FAT16 partition of camera-style photos,
  three of them deleted;
- evidence/laptop.E01: an E01 image of an ext4 volume with a user's pictures (two
  deleted, some copies of the USB photos) and a library file;
- evidence/shared-folder.zip: photos, with an older tar.gz inside;
- hashsets/demo-vics.json: a VICS 2.0 (UK profile) set with *fictional* categories over
  some of the photos and a reference video, with their PDQ and vPDQ hashes;
  hashsets/demo-nsrl.txt: a small NSRL RDS v2 known-good list.
The evidence also holds altered copies (resized, mirrored, cropped, re-encoded) that only
perceptual hashing finds. Every picture and video is synthesised by safeguard.demo.media:
gradients and shapes, no people.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

from .diskimages import build_e01, build_ext4_image, build_fat_image, build_partitioned_image
from .media import encode, picture_bytes, synthetic_clip, synthetic_picture

CASE_NUMBER = "DEMO-0001"
PHOTO_SIZE = (640, 480)


def _photo(seed: int) -> bytes:
    return picture_bytes(seed, "JPEG", PHOTO_SIZE)


def _smaller(seed: int) -> bytes:
    """A copy resized to half and recompressed harder: not identical, visually the same."""
    picture = synthetic_picture(seed, PHOTO_SIZE)
    return encode(picture.resize((PHOTO_SIZE[0] // 2, PHOTO_SIZE[1] // 2)), "JPEG", quality=60)


def _mirrored(seed: int) -> bytes:
    from PIL import ImageOps

    return encode(ImageOps.mirror(synthetic_picture(seed, PHOTO_SIZE)), "JPEG")


def _resaved(seed: int) -> bytes:
    """A copy saved again at another size and quality, as a messaging app would."""
    picture = synthetic_picture(seed, PHOTO_SIZE)
    return encode(picture.resize((800, 600)), "JPEG", quality=70)


REFERENCE_VIDEO_SEED = 900


def _clip(path: Path, seed: int, **options: object) -> bytes:
    synthetic_clip(str(path), seed, **options)  # type: ignore[arg-type]
    data = path.read_bytes()
    path.unlink()
    return data


# Benign stand-ins for operating-system files that a known-good list would carry.
SYSTEM_FILES = {
    "SYSTEM/driver.sys": b"MZ" + b"synthetic demo driver " * 400,
    "usr/lib/libdemo.so": b"\x7fELF" + b"synthetic demo library " * 600,
}


def usb_files() -> tuple[dict[str, bytes], list[str]]:
    files = {f"DCIM/100DEMO/IMG_{i:04d}.JPG": _photo(i) for i in range(1, 11)}
    files["SYSTEM/driver.sys"] = SYSTEM_FILES["SYSTEM/driver.sys"]
    files["notes.txt"] = b"Shopping list: bread, milk.\n"
    return files, ["DCIM/100DEMO/IMG_0003.JPG", "DCIM/100DEMO/IMG_0007.JPG", "notes.txt"]


def laptop_files(scratch: Path) -> tuple[dict[str, bytes], list[str]]:
    files = {f"home/demo/Pictures/holiday_{i:02d}.jpg": _photo(100 + i) for i in range(1, 9)}
    # Copies of USB photos under other names: counted once as unique content.
    files["home/demo/Downloads/a1.jpg"] = _photo(1)
    files["home/demo/Downloads/a2.jpg"] = _photo(2)
    # Altered copies: a graded photo made smaller (a perceptual match), and a crop of an
    # ungraded one (its near-duplicate: one group in the review queue).
    files["home/demo/Pictures/edited/small_0005.jpg"] = _smaller(5)
    files["home/demo/Pictures/holiday_06_copy.jpg"] = _resaved(106)
    # The graded reference video re-encoded smaller, and an ungraded video.
    files["home/demo/Videos/clip.mp4"] = _clip(
        scratch / "clip.mp4", REFERENCE_VIDEO_SEED, size=(240, 180), bit_rate=150_000
    )
    files["home/demo/Videos/birthday.avi"] = _clip(scratch / "birthday.avi", 901)
    files["usr/lib/libdemo.so"] = SYSTEM_FILES["usr/lib/libdemo.so"]
    return files, ["home/demo/Pictures/holiday_04.jpg", "home/demo/Downloads/a2.jpg"]


def shared_zip(path: Path) -> None:
    import io
    import tarfile
    import zipfile

    tar_buffer = io.BytesIO()
    with tarfile.open(fileobj=tar_buffer, mode="w:gz") as tar:
        for seed in (201, 202):
            data = _photo(seed)
            info = tarfile.TarInfo(f"old/scan_{seed}.jpg")
            info.size = len(data)
            info.mtime = 1_700_000_000
            tar.addfile(info, io.BytesIO(data))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for seed in range(301, 307):
            archive.writestr(f"shared/photo_{seed}.jpg", _photo(seed))
        archive.writestr("shared/mirror_0003.jpg", _mirrored(3))
        archive.writestr("shared/old.tar.gz", tar_buffer.getvalue())


def demo_vics(path: Path, scratch: Path) -> None:
    """Fictional categories on benign pictures: the labels exist only to show counting."""
    from ..triage.media.pdq import hash_image_bytes
    from ..triage.media.video import video_signature

    graded = [(1, 1), (2, 1), (3, 2), (5, 3), (101, 1), (102, 3), (301, 2), (201, 3)]
    media = []
    for media_id, (seed, category) in enumerate(graded, start=1):
        data = _photo(seed)
        pdq = hash_image_bytes(data, "image/jpeg").hash.hex
        media.append(
            {
                "MediaID": media_id,
                "Category": category,
                "MD5": hashlib.md5(data).hexdigest().upper(),
                "SHA1": hashlib.sha1(data).hexdigest().upper(),
                "MediaSize": len(data),
                "IsDistributed": "true" if seed in (1, 301) else "false",
                "VictimIdentified": False,
                "Series": "DEMO-SERIES-1" if seed < 100 else "",
                "MediaMetadata": [{"PropertyName": "PDQ", "PropertyValue": pdq}],
            }
        )
    # A graded reference video: its copies on the evidence are found by their frames.
    reference = scratch / "reference.mp4"
    synthetic_clip(str(reference), REFERENCE_VIDEO_SEED)
    data = reference.read_bytes()
    signature = video_signature(str(reference), regions=True).to_json()
    media.append(
        {
            "MediaID": len(media) + 1,
            "Category": 1,
            "MD5": hashlib.md5(data).hexdigest(),
            "SHA1": hashlib.sha1(data).hexdigest(),
            "MediaSize": len(data),
            "MimeType": "video/mp4",
            "MediaMetadata": [{"PropertyName": "vPDQ", "PropertyValue": signature}],
        }
    )
    # Entries that the demo evidence does not hold, as a real set would have.
    for extra in range(5):
        data = f"absent demo entry {extra}".encode()
        media.append(
            {
                "MediaID": 100 + extra,
                "Category": 3,
                "MD5": hashlib.md5(data).hexdigest(),
                "SHA1": hashlib.sha1(data).hexdigest(),
            }
        )
    document = {
        "@odata.context": "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/UK/$metadata#Cases",
        "value": [
            {
                "CaseID": "demo",
                "CaseNumber": "DEMO-SET",
                "SourceApplicationName": "Safeguard demo",
                "SourceApplicationVersion": "1",
                "Media": media,
            }
        ],
    }
    path.write_text(json.dumps(document, indent=1))


def demo_nsrl(path: Path) -> None:
    lines = [
        '"SHA-1","MD5","CRC32","FileName","FileSize","ProductCode","OpSystemCode","SpecialCode"'
    ]
    entries = {Path(k).name: v for k, v in SYSTEM_FILES.items()}
    for extra in range(20):
        entries[f"demo{extra}.dll"] = f"demo known-good {extra}".encode()
    for name, data in sorted(entries.items()):
        lines.append(
            f'"{hashlib.sha1(data).hexdigest().upper()}","{hashlib.md5(data).hexdigest().upper()}",'
            f'"00000000","{name}",{len(data)},1,"358",""'
        )
    path.write_text("\n".join(lines) + "\n")


def build_demo_evidence(workdir: Path) -> tuple[list[Path], list[tuple[Path, str, str]]]:
    """Build the evidence and the hash set files; return (evidence, [(set file, name, kind)])."""
    evidence = workdir / "evidence"
    sets = workdir / "hashsets"
    scratch = workdir / "scratch"
    for folder in (evidence, sets, scratch):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    files, deleted = usb_files()
    fat = build_fat_image(scratch / "fat16.img", files, deleted, fat_bits=16, size_mb=16)
    usb = evidence / "usb-stick.dd"
    build_partitioned_image(usb, [fat], scheme="mbr")
    files, deleted = laptop_files(scratch)
    ext4 = build_ext4_image(scratch / "ext4.img", files, deleted, size_mb=16)
    laptop = build_e01(ext4, evidence / "laptop", case_number=CASE_NUMBER)[0]
    zipped = evidence / "shared-folder.zip"
    shared_zip(zipped)
    demo_vics(sets / "demo-vics.json", scratch)
    shutil.rmtree(scratch)
    demo_nsrl(sets / "demo-nsrl.txt")
    return [usb, laptop, zipped], [
        (sets / "demo-vics.json", "demo-vics", "known-bad"),
        (sets / "demo-nsrl.txt", "demo-nsrl", "known-good"),
    ]


def run_demo(workdir: Path, home: Path) -> int:
    """Build the demo case, import its sets into `home`, triage it; return an exit code."""
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"Building benign demo evidence in {workdir}/evidence ...", flush=True)
    evidence, sets = build_demo_evidence(workdir)
    safeguard = [sys.executable, "-m", "safeguard.cli"]
    for set_file, name, kind in sets:
        subprocess.run(
            [
                *safeguard,
                "hashset",
                "import",
                str(set_file),
                "--name",
                name,
                "--kind",
                kind,
                "--replace",
                "--home",
                str(home),
            ],
            check=True,
        )
    out = workdir / "report"
    shutil.rmtree(out, ignore_errors=True)
    command = [
        *safeguard,
        "triage",
        *map(str, evidence),
        "--out",
        str(out),
        "--hashset",
        "demo-vics",
        "--hashset",
        "demo-nsrl",
        "--case-number",
        CASE_NUMBER,
        "--home",
        str(home),
    ]
    print("$ safeguard " + " ".join(command[3:]), flush=True)
    status = subprocess.run(command).returncode
    if status not in (0, 4):
        return status
    print(f"\nOpen {out / 'report.html'} for the report a prosecutor would read.")
    return 0
