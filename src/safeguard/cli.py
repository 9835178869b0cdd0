"""The `safeguard` command.

Exit codes (style.md): 0 ok, 2 usage error, 3 evidence or input error, 4 finished with
warnings. A user's mistake gets one clear line naming the item, never a traceback.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from . import __version__
from .cli_hashset import hashset
from .triage.errors import EvidenceError, HashSetError, UsageError
from .triage.expansion import ExpansionLimits, parse_size
from .triage.hashing import parse_digests
from .triage.perceptual import DEFAULT_DISTANCE, PerceptualOptions
from .triage.pipeline import EXIT_INPUT, EXIT_USAGE, TriageOptions, triage
from .triage.reports import Summary
from .triage.shared_folders import DEFAULT_PATTERNS, SharedFolders
from .web import commands as web_commands


def resolve_home(home: Path | None) -> Path:
    """The data folder: --home, else $SAFEGUARD_HOME, else the per-user default."""
    from .triage.hashsets import default_home

    return home if home is not None else default_home()


@click.group()
@click.version_option(__version__, prog_name="safeguard")
def main() -> None:
    """Safeguard: forensic triage and the multi-agency safeguarding platform."""


main.add_command(hashset)
# The web platform's commands import Django inside their functions (engine isolation).
main.add_command(web_commands.serve)
main.add_command(web_commands.audit)
main.add_command(web_commands.web)
main.add_command(web_commands.worker)
main.add_command(web_commands.intel)
main.add_command(web_commands.retention)


def print_summary(console: Console, summary: Summary, out_dir: Path) -> None:
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


@main.command(name="triage")
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
    help="Worker threads.",
)
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
@click.option("--no-dihedral", is_flag=True,
              help="Do not also match rotated and mirrored copies.")
@click.option("--archive-depth", type=click.IntRange(1, 64), default=ExpansionLimits.depth,
              show_default=True, help="Archives inside archives are opened this deep.")
@click.option("--expansion-limit", "expansion_bytes", default="256G", show_default=True,
              help="Most bytes read out of one archive in the evidence, all levels (e.g. 2T).")
@click.option("--expansion-ratio", type=click.IntRange(1, 1_000_000),
              default=ExpansionLimits.ratio, show_default=True,
              help="A nested archive may expand to this many times its size (64 MiB at least).")
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
    case_number: str,
    home: Path | None,
    quiet: bool,
    no_perceptual: bool,
    pdq_distance: int,
    no_dihedral: bool,
    archive_depth: int,
    expansion_bytes: str,
    expansion_ratio: int,
    extra_shared: tuple[str, ...],
) -> None:
    """Triage seized EVIDENCE (folders, archives, raw or E01 disk images)."""
    err = Console(stderr=True)
    try:
        chosen = parse_digests(digests)
        limits = ExpansionLimits(depth=archive_depth, bytes=parse_size(expansion_bytes),
                                 ratio=expansion_ratio)
        folders = SharedFolders((*DEFAULT_PATTERNS, *extra_shared)).patterns
    except UsageError as exc:
        raise click.UsageError(str(exc)) from exc
    try:
        from .triage.hashsets import HashSetStore

        store = HashSetStore(resolve_home(home) / "hashsets")
        sets = [store.open(name) for name in hashset_names]
    except HashSetError as exc:
        err.print(f"[red]error:[/red] {exc}")
        sys.exit(EXIT_INPUT)
    progress = None
    if not quiet and sys.stderr.isatty():
        from .progress import RichProgress

        progress = RichProgress(err)
    options = TriageOptions(
        out_dir=out_dir,
        digests=chosen,
        hashsets=sets,
        workers=workers,
        resume=resume,
        case_number=case_number,
        perceptual=None
        if no_perceptual
        else PerceptualOptions(distance=pdq_distance, dihedral=not no_dihedral),
        limits=limits,
        shared_folders=folders,
    )
    if progress is not None:
        options.progress = progress
    try:
        outcome = triage(list(evidence), options)
    except UsageError as exc:
        err.print(f"[red]error:[/red] {exc}")
        sys.exit(EXIT_USAGE)
    except (EvidenceError, HashSetError) as exc:
        err.print(f"[red]error:[/red] {exc}")
        sys.exit(EXIT_INPUT)
    if not quiet:
        print_summary(Console(), outcome.summary, out_dir)
    if outcome.warnings:
        err.print(f"{len(outcome.warnings)} warning(s): see report.json and report.html")
    sys.exit(outcome.status)


@main.command()
@click.option(
    "--workdir",
    type=click.Path(path_type=Path),
    default=Path("demo-case"),
    show_default=True,
    help="Where to build the demo evidence and reports.",
)
@click.option("--home", type=click.Path(path_type=Path), default=None)
def demo(workdir: Path, home: Path | None) -> None:
    """Build a benign demo case, import demo hash sets and triage it."""
    from .demo.case import run_demo

    sys.exit(run_demo(workdir, resolve_home(home) if home else workdir / "home"))


if __name__ == "__main__":  # pragma: no cover
    main()
