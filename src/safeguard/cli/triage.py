"""`safeguard triage EVIDENCE... --out DIR`: the engine's run, its summary and exit code.

A user's mistake gets one clear line naming the item, never a traceback; the engine's
`ExitStatus` becomes the exit code here (exitcodes.py, docs/triage.md).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..triage import (
    DEFAULT_DISTANCE,
    EvidenceError,
    ExpansionLimits,
    HashSetError,
    PerceptualOptions,
    TriageOptions,
    UsageError,
    default_home,
    triage,
)
from ..triage.evidence import VolumeKeys
from ..triage.expansion import parse_size
from ..triage.hashing import parse_digests
from ..triage.shared_folders import DEFAULT_PATTERNS, SharedFolders
from .exitcodes import ExitCode

if TYPE_CHECKING:
    from rich.console import Console

    from ..triage import Summary


def volume_keys_of(passwords: tuple[str, ...], recovery: tuple[str, ...],
                   keys: tuple[str, ...], keys_file: Path | None) -> VolumeKeys | None:
    """The credentials of --password/--recovery-password/--key ([VOLUME=]VALUE) and of
    --keys-file (KIND[:VOLUME]=VALUE lines), in keys.py's one form. A value that holds
    "=" itself is given as `*=VALUE` (any volume)."""
    def entry(kind: str, given: str) -> str:
        volume, sep, value = given.partition("=")
        return f"{kind}:{volume}={value}" if sep else f"{kind}={given}"

    found = VolumeKeys.parse([*(entry("password", p) for p in passwords),
                              *(entry("recovery-password", p) for p in recovery),
                              *(entry("key", k) for k in keys)])
    if keys_file is not None:
        found = found + VolumeKeys.from_file(keys_file)
    return found or None


def print_summary(console: Console, summary: Summary, out_dir: Path) -> None:
    from rich.table import Table  # not at the top: see triage_command

    table = Table(title="Triage summary", show_lines=False)
    table.add_column("category")
    keys = ("images", "unique_images", "videos", "unique_videos", "deleted",
            "in_shared_location_images", "in_shared_location_videos")
    for column in ("images", "unique images", "videos", "unique videos", "deleted",
                   "shared location (images)", "shared location (videos)"):
        table.add_column(column, justify="right")
    for name, figures in summary.categories.items():
        table.add_row(name, *(str(getattr(figures, key)) for key in keys))
    console.print(table)
    for key in (
        "files",
        "bytes",
        "images",
        "videos",
        "known_good",
        "unmatched_images",
        "unmatched_videos",
        "warnings",
    ):
        console.print(f"  {key.replace('_', ' ')}: {getattr(summary, key)}")
    console.print(f"Reports in {out_dir}")


@click.command(name="triage")
@click.argument("evidence", nargs=-1, required=True)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(path_type=Path),
    help="Folder for the reports and the run journal (never inside the evidence).",
)
@click.option(
    "--hashset",
    "hashset_names",
    multiple=True,
    help="Hash set to match against (known-good sets are set aside). Repeatable.",
)
@click.option(
    "--digests",
    default="md5,sha1,sha256",
    show_default=True,
    help="Digests to compute, from md5, sha1, sha256.",
)
@click.option("--resume", is_flag=True, help="Finish a run that was interrupted.")
@click.option(
    "--workers",
    type=click.IntRange(1, 256),
    default=(os.cpu_count() or 1) + 1,
    show_default=True,
    help="Worker processes for the files of folders (no more than the cores), and threads "
         "for disk images.",
)
@click.option("--cluster", envvar="SAFEGUARD_CLUSTER", default=None, metavar="ADDRESS",
              help="A Dask scheduler (tcp://host:8786) whose workers read the evidence at the "
                   "same paths: they examine the items, this process walks, journals and "
                   "reports (docs/triage.md). Also $SAFEGUARD_CLUSTER.")
@click.option("--case-number", default="", help="Case reference for the VICS export.")
@click.option(
    "--home",
    type=click.Path(path_type=Path),
    default=None,
    help="Safeguard's data folder (default $SAFEGUARD_HOME).",
)
@click.option("--quiet", is_flag=True, help="No progress bar or summary.")
@click.option("--no-perceptual", is_flag=True,
              help="Digests only: no PDQ/vPDQ hashing, perceptual matching or groups.")
@click.option("--pdq-distance", type=click.IntRange(0, 128), default=DEFAULT_DISTANCE,
              show_default=True,
              help="Largest PDQ Hamming distance that counts as the same picture.")
@click.option("--carve", is_flag=True,
              help="Also carve pictures and videos out of disk images' unallocated space.")
@click.option("--no-dihedral", is_flag=True,
              help="Do not also match rotated and mirrored copies.")
@click.option("--archive-depth", type=click.IntRange(1, 64), default=ExpansionLimits.depth,
              show_default=True, help="Archives inside archives are opened this deep.")
@click.option("--expansion-limit", "expansion_bytes", default="256G", show_default=True,
              help="Most bytes read out of one archive in the evidence, all levels (e.g. 2T).")
@click.option("--expansion-ratio", type=click.IntRange(1, 1_000_000),
              default=ExpansionLimits.ratio, show_default=True,
              help="A nested archive may expand to this many times its size (64 MiB at least).")
@click.option("--password", "passwords", multiple=True, metavar="[VOLUME=]PASSWORD",
              help="A password for encrypted volumes (LUKS, BitLocker); VOLUME (a file name, "
                   "p2, or disk.img:p2) limits it to one volume. Repeatable.")
@click.option("--recovery-password", "recovery_passwords", multiple=True,
              metavar="[VOLUME=]PASSWORD", help="A BitLocker recovery password. Repeatable.")
@click.option("--key", "volume_keys", multiple=True, metavar="[VOLUME=]KEY",
              help="A volume's key in hex (LUKS master key, BitLocker FVEK) or a BitLocker "
                   "startup key file (.BEK). Repeatable.")
@click.option("--keys-file", type=click.Path(dir_okay=False, path_type=Path),
              help="A file of credentials, one KIND[:VOLUME]=VALUE a line (docs/evidence.md).")
@click.option("--shared-folder", "extra_shared", multiple=True, metavar="FOLDER",
              help="Also count files below FOLDER (e.g. 'Users/*/Videos/share', any case) as "
                   "in a shared location, beside the file-sharing programs' default folders "
                   "(docs/report-format.md). Repeatable.")
def triage_command(
    evidence: tuple[str, ...],
    out_dir: Path,
    hashset_names: tuple[str, ...],
    digests: str,
    resume: bool,
    workers: int,
    cluster: str | None,
    case_number: str,
    home: Path | None,
    quiet: bool,
    no_perceptual: bool,
    pdq_distance: int,
    carve: bool,
    no_dihedral: bool,
    archive_depth: int,
    expansion_bytes: str,
    expansion_ratio: int,
    extra_shared: tuple[str, ...],
    passwords: tuple[str, ...],
    recovery_passwords: tuple[str, ...],
    volume_keys: tuple[str, ...],
    keys_file: Path | None,
) -> None:
    """Triage seized EVIDENCE (folders, archives, raw or E01 disk images)."""
    # rich here, not at the top: the command line loads this module for every command.
    from rich.console import Console

    err = Console(stderr=True)
    try:
        chosen = parse_digests(digests)
        limits = ExpansionLimits(depth=archive_depth, bytes=parse_size(expansion_bytes),
                                 ratio=expansion_ratio)
        folders = SharedFolders((*DEFAULT_PATTERNS, *extra_shared)).patterns
        keys = volume_keys_of(passwords, recovery_passwords, volume_keys, keys_file)
    except UsageError as exc:
        raise click.UsageError(str(exc)) from exc
    try:
        root = (home if home is not None else default_home()) / "hashsets"
        sets = []
        if hashset_names:
            # Only when a set is named: the store loads the list formats, ~20 ms of a
            # run's start-up (tests/triage/test_startup_imports.py).
            from ..triage import HashSetStore

            store = HashSetStore(root)
            sets = [store.open(name) for name in hashset_names]
    except HashSetError as exc:
        err.print(f"[red]error:[/red] {exc}")
        sys.exit(ExitCode.INPUT)
    options = TriageOptions(
        out_dir=out_dir,
        digests=chosen,
        hashsets=sets,
        workers=workers,
        cluster=cluster or None,
        resume=resume,
        case_number=case_number,
        perceptual=None
        if no_perceptual
        else PerceptualOptions(distance=pdq_distance, dihedral=not no_dihedral),
        limits=limits,
        shared_folders=folders,
        carve=carve,
        keys=keys,
    )
    if not quiet and sys.stderr.isatty():
        from .progress import RichProgress

        options.progress = RichProgress(err)
    try:
        outcome = triage(list(evidence), options)
    except UsageError as exc:
        err.print(f"[red]error:[/red] {exc}")
        sys.exit(ExitCode.USAGE)
    except (EvidenceError, HashSetError) as exc:
        err.print(f"[red]error:[/red] {exc}")
        sys.exit(ExitCode.INPUT)
    if not quiet:
        print_summary(Console(), outcome.summary, out_dir)
    if outcome.warnings:
        err.print(f"{len(outcome.warnings)} warning(s): see report.json and report.html")
    sys.exit(ExitCode.of(outcome.status))
