"""The fuzz targets: one function per parser, each fed raw bytes.

Every target goes through the engine the way a triage does (the examiner with its sink,
the disk image walk, the hash-set readers, the journal, the files.csv import), so a
finding is a failure an examiner could meet. `TARGETS` maps each name to its function
and its seed builder (fuzz/seeds.py); fuzz/run.py runs them under atheris, and
tests/triage/test_fuzz_findings.py replays every input that ever failed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import platform, seeds
from .harness import CheckingSink, as_file, bytes_entry, examine, examiner, memory_image

Target = Callable[[bytes], None]


def archive(data: bytes) -> None:
    """A file found in the evidence: digests, type, and, for an archive, its members."""
    examine(bytes_entry(data))


def disk(data: bytes) -> None:
    """A raw disk or volume image: partitions, file systems, every file read and examined."""
    from safeguard.triage.errors import EvidenceError, NotThisFormat
    from safeguard.triage.evidence.tsk import DiskImage

    try:
        image = DiskImage.open(memory_image(data), "FUZZ", "fuzz.img", strict=True)
    except (EvidenceError, NotThisFormat):
        return
    try:
        walk = examiner()
        sink = CheckingSink()
        for entry in image.entries(sink.warn):
            walk.stream(entry, sink)
    finally:
        image.close()


def e01(data: bytes) -> None:
    """An E01 segment: opened, walked, every file examined, the media verified."""
    from safeguard.triage.errors import EvidenceError, NotThisFormat
    from safeguard.triage.evidence.ewf import EwfSource

    with as_file(data, "fuzz.E01") as path:
        try:
            source = EwfSource.open(path, "FUZZ")
        except (EvidenceError, NotThisFormat):
            return
        try:
            walk = examiner()
            sink = CheckingSink()
            for entry in source.entries(sink.warn):
                walk.stream(entry, sink)
            with contextlib.suppress(EvidenceError):
                source.describe(sink.warn)
        finally:
            source.close()


def hashset(name: str, suffix: str) -> Target:
    """A hash-set file of one format, sniffed then read to its end."""

    def run(data: bytes) -> None:
        from safeguard.triage.errors import HashSetError, NotThisFormat
        from safeguard.triage.hashsets.formats import FORMATS, ReadContext

        reader = FORMATS.get(name)
        with as_file(data, f"list{suffix}") as path:
            try:
                reader.sniff(path)
            except NotThisFormat:
                return
            try:
                for _chunk in reader.read(path, ReadContext(path.name)):
                    pass
            except HashSetError:
                return

    run.__name__ = f"hashset_{name}"
    return run


def journal(data: bytes) -> None:
    """A run journal, as a resume reads it."""
    from safeguard.triage.errors import JournalError
    from safeguard.triage.journal import Journal

    with as_file(data, "journal.sqlite") as path:
        try:
            opened = Journal(path, check=True)
        except JournalError:
            return
        try:
            opened.get("identity")
            opened.done()
            opened.evidence()
            opened.warnings()
            opened.check_records()
        except JournalError:
            pass
        finally:
            opened.close()


def files_csv(data: bytes) -> None:
    """A run's files.csv, as the platform imports it (rows, values, court figures)."""
    _django()
    from safeguard.triage import ReportError, SummaryBuilder, read_files_csv, record_from_row
    from safeguard.web.triage_runs.importer import file_values

    with as_file(data, "files.csv") as path:
        builder = SummaryBuilder()
        try:
            for row in read_files_csv(path):
                file_values(row)
                builder.add(record_from_row(row))
        except ReportError:
            return
        builder.finish(0)


def picture(data: bytes) -> None:
    """A picture's PDQ hash and its dihedral variants."""
    from safeguard.triage.errors import MediaError
    from safeguard.triage.media.pdq import dihedral, hash_image_bytes

    try:
        dihedral(hash_image_bytes(data))
    except MediaError:
        return


def _django() -> None:
    import os

    if "DJANGO_SETTINGS_MODULE" not in os.environ:
        os.environ["DJANGO_SETTINGS_MODULE"] = "tests.web.settings"
        import django

        django.setup()


@dataclass(frozen=True)
class Spec:
    run: Target
    seeds: Callable[[Path], dict[str, bytes]]
    # libFuzzer's largest input: the biggest seed, or less to keep mutations cheap.
    max_len: int = 1 << 20


TARGETS: dict[str, Spec] = {
    "archive-zip": Spec(archive, seeds.zips),
    "archive-tar": Spec(archive, seeds.tars),
    "archive-compressed": Spec(archive, seeds.compressed),
    "disk-fat": Spec(disk, seeds.fat_images, max_len=4 << 20),
    "disk-ext": Spec(disk, seeds.ext_images, max_len=2 << 20),
    "disk-ntfs": Spec(disk, seeds.ntfs_images, max_len=8 << 20),
    "disk-table": Spec(disk, seeds.partitioned_images, max_len=4 << 20),
    "e01": Spec(e01, seeds.e01_images, max_len=2 << 20),
    "hashset-vics": Spec(hashset("vics", ".json"), seeds.vics_lists),
    "hashset-nsrl-v2": Spec(hashset("nsrl-v2", ".txt"), seeds.nsrl_v2_lists),
    "hashset-nsrl-v3": Spec(hashset("nsrl-v3", ".db"), seeds.nsrl_v3_lists),
    "hashset-sums": Spec(hashset("sums", ".md5"), seeds.sum_lists),
    "hashset-csv": Spec(hashset("csv", ".csv"), seeds.csv_lists),
    "hashset-icse": Spec(hashset("icse", ".csv"), seeds.icse_lists),
    "journal": Spec(journal, seeds.journals),
    "files-csv": Spec(files_csv, seeds.files_csvs),
    "picture": Spec(picture, seeds.pictures),
    # The platform's parsers of outside input (fuzz/platform.py).
    "platform-referral": Spec(platform.referral, platform.referral_seeds),
    "platform-sightings": Spec(platform.sightings, platform.sightings_seeds),
    "platform-config-safeguarding": Spec(platform.configuration("safeguarding"),
                                         platform.configuration_seeds("safeguarding")),
    "platform-config-intelligence": Spec(platform.configuration("intelligence"),
                                         platform.configuration_seeds("intelligence")),
    "platform-config-review": Spec(platform.configuration("review"),
                                   platform.configuration_seeds("review")),
    "platform-concern-form": Spec(platform.concern_form, platform.concern_form_seeds),
}
# files.csv and every platform target run inside the web app (Django, tests' settings).
PLATFORM = frozenset({"files-csv", *(name for name in TARGETS if name.startswith("platform-"))})
