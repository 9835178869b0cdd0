"""The built-in reference data: evidence with known ground truth, built from a seed.

`build_reference(folder, seed)` writes the evidence, the two hash set lists and
`groundtruth.json` into `folder` (a reference set in the documented format, the same a
unit writes for its own data). The same seed gives the same files, names, contents and
times; what the file system tools write of their own (volume serial numbers, UUIDs, the
acquisition date in an E01) may differ and is not part of any check.

This module builds the loose evidence (a seized folder with documents, archives nested
three deep, videos; a loose archive; a folder of many small files); disks.py builds the
disk images and damaged.py the damaged inputs.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from safeguard.demo.media import encode

from . import damaged, disks
from .catalogue import Catalogue
from .groundtruth import ReferenceItem, ReferenceSet, save
from .packing import Expectations, Member, packed, tar_of, write_files, zip_of
from .pictures import (
    clip,
    jpeg,
    mirrored,
    pdf_with_picture,
    photos,
    scene,
    smaller,
    thumbcache_with,
)

DEFAULT_SEED = 21
# The quick set (tests, a first look): the seized folder, the folder of many files (so the
# killed run is killed part way), one partitioned disk, one E01 and two damaged inputs.
# A validation file wants the full set.
QUICK_ITEMS = ("seized-folder", "many-files", "disk-mbr", "laptop-e01", "corrupt-archives",
               "e01-altered")
# Files in the folder of many small files: enough that a run lasts long enough to be
# killed part way (the journal commits every second or 512 records).
BULK_FILES = 3000


@dataclass
class Content:
    """The pictures, videos and files of the reference data for one seed."""

    catalogue: Catalogue

    def __post_init__(self) -> None:
        seed, cat = self.catalogue.seed, self.catalogue
        shipped = photos()

        def photo(name: str, fallback: int) -> bytes:
            return jpeg(shipped[name]) if name in shipped else jpeg(scene(seed, fallback))

        self.graded = cat.grade(jpeg(scene(seed, 1)), "A", "graded-1.jpg")
        self.resized_original = cat.grade(jpeg(scene(seed, 2)), "B", "graded-2.jpg")
        self.resized = cat.alter(self.resized_original, smaller(scene(seed, 2)),
                                 "3/4 size, JPEG quality 70")
        self.mirror_original = cat.grade(jpeg(scene(seed, 3)), "C", "graded-3.jpg")
        self.mirror = cat.alter(self.mirror_original, mirrored(scene(seed, 3)), "mirrored")
        self.shared = cat.grade(photo("coffee", 4), "A", "graded-4.jpg")
        self.in_document = cat.grade(jpeg(scene(seed, 5)), "B", "graded-5.jpg")
        self.in_pdf = cat.grade(jpeg(scene(seed, 6)), "C", "graded-6.jpg")
        self.in_thumbcache = cat.grade(jpeg(scene(seed, 7)), "A", "graded-7.jpg")
        self.unallocated = cat.grade(jpeg(scene(seed, 8)), "B", "graded-8.jpg")
        self.deleted = cat.grade(photo("chelsea", 9), "A", "graded-9.jpg")
        self.unrelated = [jpeg(scene(seed, 20 + i)) for i in range(8)]
        self.unrelated_photos = {name: jpeg(image) for name, image in shipped.items()
                                 if name in ("rocket", "coins", "hubble_deep_field")}
        self.png = encode(scene(seed, 30), "PNG")
        self.gif = encode(scene(seed, 31), "GIF")
        self.webp = encode(scene(seed, 32), "WEBP")
        self.system = [cat.good(b"MZ" + f"reference driver {seed} ".encode() * 300),
                       cat.good(b"\x7fELF" + f"reference library {seed} ".encode() * 500)]
        self.video = b""
        self.video_copy = b""

    def add_videos(self) -> None:
        """A graded video and a smaller re-encoding of it (found by its frames)."""
        from safeguard.triage.media.video import video_signature

        seed = self.catalogue.seed
        original = clip(seed)
        with io.BytesIO(original) as stream:
            signature = video_signature(stream).to_json()
        self.video = self.catalogue.grade(original, "A", "graded-video.mp4", mime="video/mp4",
                                          vpdq=signature)
        self.video_copy = self.catalogue.alter(original, clip(seed, size=(128, 96),
                                                              bit_rate=80_000),
                                               "re-encoded at 128×96")


# ------------------------------------------------------------------------ the folders


def seized_folder(folder: Path, content: Content) -> ReferenceItem:
    cat = content.catalogue
    inner = {"deep/copy.jpg": Member(content.graded, "image")}
    set_tgz = {"scans/inner.zip": Member(zip_of(packed(inner)), "archive", inner),
               "scans/readme.txt": Member(b"Scanned at the library.\n", "other")}
    backup = {"photos/holiday.jpg": Member(content.unrelated[0], "image"),
              "old/set.tar.gz": Member(tar_of(packed(set_tgz)), "archive", set_tgz)}
    music = {"lyrics.txt": Member(b"La la la, a benign song.\n", "other")}
    notes = {"notes/a.txt": Member(b"Meeting on Tuesday.\n", "other"),
             "notes/pic.png": Member(content.png, "image")}
    docx = {"[Content_Types].xml": Member(b'<?xml version="1.0"?><Types/>', "other"),
            "word/document.xml": Member(b'<?xml version="1.0"?><w:document/>', "other"),
            "word/media/image1.jpeg": Member(content.in_document, "image")}
    files: dict[str, Member] = {
        **{f"Pictures/IMG_{i:04d}.jpg": Member(data, "image")
           for i, data in enumerate(content.unrelated[1:7], start=1)},
        **{f"Pictures/photos/{name}.jpg": Member(data, "image")
           for name, data in content.unrelated_photos.items()},
        "Pictures/scan.png": Member(content.png, "image"),
        "Pictures/anim.gif": Member(content.gif, "image"),
        "Pictures/web.webp": Member(content.webp, "image"),
        "Pictures/Family/beach.jpg": Member(content.graded, "image"),
        "Pictures/edited/beach_small.jpg": Member(content.resized, "image"),
        "Documents/letter.txt": Member(b"Dear reader, this letter is synthetic.\n", "other"),
        "Documents/empty.dat": Member(b"", "empty"),
        "Documents/brochure.pdf": Member(pdf_with_picture(content.in_pdf, (480, 360)), "other"),
        "Documents/report.docx": Member(zip_of(packed(docx)), "archive", docx, document=True),
        "AppData/Local/Microsoft/Windows/Explorer/thumbcache_256.db":
            Member(thumbcache_with(content.in_thumbcache), "other"),
        "Windows/System32/driver.sys": Member(content.system[0], "other"),
        "Archives/backup.zip": Member(zip_of(packed(backup), stored=True), "archive", backup),
        "Archives/music.tar.bz2": Member(tar_of(packed(music), "w:bz2"), "archive", music),
        "Archives/notes.tar.xz": Member(tar_of(packed(notes), "w:xz"), "archive", notes),
    }
    if content.video:
        files["Videos/reference.mp4"] = Member(content.video, "video")
        files["Videos/clip_small.mp4"] = Member(content.video_copy, "video")
    shared = {"Users/sam/Downloads/eMule/Incoming/film_still.jpg": Member(content.shared, "image")}
    write_files(folder / "evidence" / "seized-folder", packed(files | shared))
    expected = Expectations(cat)
    expected.add_all(files)
    expected.add_all(shared, shared=True)
    # Pictures inside other files (report-format.md, files.csv `embedded`, `thumbnail`):
    # the documentation leaves the item's name inside its container open.
    expected.files += [
        cat.expect("/page 1/image 1*", content.in_pdf, "image", modified=None,
                   archive="/Documents/brochure.pdf", embedded=True),
        cat.expect("/entry 1 *", content.in_thumbcache, "image", modified=None,
                   archive="/AppData/Local/Microsoft/Windows/Explorer/thumbcache_256.db",
                   thumbnail=True, original_not_found=True),
    ]
    return ReferenceItem(
        id="seized-folder",
        title="A seized folder: pictures in five formats, documents, videos, zip and tar "
              "archives nested three deep, a file in a file-sharing program's folder",
        evidence="evidence/seized-folder",
        kind="directory",
        files=expected.files,
        exercises=["folder", "zip", "tar.gz", "tar.bz2", "tar.xz", "nested archives",
                   "pictures in documents (DOCX, PDF)", "thumbnail cache", "JPEG", "PNG",
                   "GIF", "WebP",
                   *(["video"] if content.video else []), "shared location"],
    )


def loose_archive(folder: Path, content: Content) -> ReferenceItem:
    members = {"DCIM/a.jpg": Member(content.unrelated[7], "image"),
               "DCIM/b.jpg": Member(content.graded, "image")}
    files = {"shared.zip": Member(zip_of(packed(members)), "archive", members)}
    write_files(folder / "evidence" / "loose", packed(files))
    expected = Expectations(content.catalogue)
    expected.add_all(files)
    return ReferenceItem(id="loose-zip", title="A zip archive given as the evidence itself",
                         evidence="evidence/loose/shared.zip", kind="file",
                         files=expected.files, exercises=["loose file", "zip"])


def bulk_folder(folder: Path, content: Content) -> ReferenceItem:
    files = {f"logs/{i // 100:02d}/entry-{i:05d}.txt":
             Member(f"benign log entry {content.catalogue.seed}-{i}\n".encode() * 3, "other")
             for i in range(BULK_FILES)}
    write_files(folder / "evidence" / "many-files", packed(files))
    expected = Expectations(content.catalogue)
    expected.add_all(files)
    return ReferenceItem(id="many-files", title=f"A folder of {BULK_FILES} small text files "
                         "(the run killed and resumed part way through)",
                         evidence="evidence/many-files", kind="directory",
                         files=expected.files, exercises=["folder", "resume"])


# ------------------------------------------------------------------------- the whole


def build_reference(folder: Path, seed: int = DEFAULT_SEED, *, quick: bool = False,
                    items: Sequence[str] | None = None,
                    ntfs_fixture: Path | None = None) -> ReferenceSet:
    """Build the reference set into `folder` (emptied first) and write its ground truth:
    every item, the quick set's, or those named in `items`."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)

    def wanted(item_id: str) -> bool:
        return (not quick or item_id in QUICK_ITEMS) and (items is None or item_id in items)

    content = Content(Catalogue(seed))
    if wanted("seized-folder"):
        content.add_videos()
    scratch = folder / "scratch"
    scratch.mkdir()
    loose = {"seized-folder": seized_folder, "loose-zip": loose_archive,
             "many-files": bulk_folder}
    found = [build(folder, content) for name, build in loose.items() if wanted(name)]
    found += disks.build_disks(folder, scratch, content, wanted, ntfs_fixture)
    found += damaged.build_damaged(folder, scratch, content, wanted)
    shutil.rmtree(scratch)
    unknown = sorted(set(items or ()) - {item.id for item in found})
    if unknown:
        raise ValueError(f"no reference item named {', '.join(unknown)}")
    reference = ReferenceSet(
        folder=folder,
        name=f"Safeguard built-in reference data, seed {seed}" + (" (quick)" if quick else ""),
        description="Benign synthetic pictures and photos shipped with scikit-image; "
                    "built by safeguard.validate.reference",
        seed=seed,
        case_number=f"VALIDATION-{seed}",
        hashsets=content.catalogue.write_sets(folder / "hashsets"),
        items=found,
    )
    save(reference)
    return reference
