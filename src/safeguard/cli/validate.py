"""The `safeguard validate` command: `add_arguments(parser)` declares its options once,
`main(args)` runs it and returns the exit code, and `validate_command` is the same for
the click group of `safeguard` (it hands its arguments to argparse unchanged).

Exit codes (docs/validation.md), the CLI's ExitCode: OK every assertion passed; WARNINGS
the validation finished and an assertion failed (the report says which); USAGE a usage
error; INPUT an input that cannot be used (a --reference folder's ground truth, a tool
the reference data needs).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from .exitcodes import ExitCode

MARKER = ".safeguard-validation"


def _groups(text: str) -> list[str]:
    from safeguard.validate.assertions import GROUPS

    chosen = [g.strip() for g in text.split(",") if g.strip()]
    unknown = [g for g in chosen if g not in GROUPS]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(
            f"unknown group(s) {', '.join(unknown) or '(none)'}: choose from "
            f"{', '.join(GROUPS)}")
    return chosen


def add_arguments(parser: argparse.ArgumentParser) -> None:
    # Imported here: registering the command with `safeguard` loads nothing heavy.
    from safeguard.validate.assertions import GROUPS
    from safeguard.validate.reference import DEFAULT_SEED

    parser.add_argument("--out", type=Path, default=Path("validation"),
                        help="folder for validation.html/.pdf/.json, the reference data and "
                             "the runs (default: ./validation)")
    parser.add_argument("--reference", type=Path, action="append", default=[],
                        metavar="DIR", help="a unit's own reference set: a folder with "
                        "evidence and groundtruth.json (docs/validation.md); repeatable")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                        help=f"seed of the built reference data (default {DEFAULT_SEED})")
    parser.add_argument("--groups", type=_groups, default=None,
                        help="only these assertion groups, comma-separated (default: all; "
                             "with --quick all but coverage): " + ", ".join(GROUPS))
    parser.add_argument("--quick", action="store_true",
                        help="a small reference set (a first look, the tests); a validation "
                             "file wants the full set")


def parser() -> argparse.ArgumentParser:
    built = argparse.ArgumentParser(
        prog="safeguard validate",
        description="Build reference data with known ground truth, run the triage engine "
                    "on it, check every assertion and write validation.html, .pdf and .json.")
    add_arguments(built)
    return built


def _refuse(message: str, code: ExitCode) -> int:
    print(f"Error: {message}", file=sys.stderr)
    return int(code)


def main(args: argparse.Namespace) -> int:
    """Run the validation the options describe; the exit code."""
    from safeguard.demo.diskimages import ImageBuildError
    from safeguard.triage import SafeguardError
    from safeguard.validate.groundtruth import GroundTruthError
    from safeguard.validate.independent import ToolMissing
    from safeguard.validate.reports import write_reports
    from safeguard.validate.runner import ValidationOptions, validate

    out: Path = args.out
    if out.exists() and not out.is_dir():
        return _refuse(f"--out {out} is a file: give a folder", ExitCode.USAGE)
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        return _refuse(f"--out {out} holds other files: give an empty folder or one an "
                       "earlier validation wrote", ExitCode.USAGE)
    for folder in args.reference:
        if not folder.is_dir():
            return _refuse(f"--reference {folder}: not a folder", ExitCode.INPUT)
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("safeguard validate writes here\n")
    from safeguard.validate.assertions import GROUPS

    # The quick set leaves formats out on purpose: its coverage would fail by design.
    groups = args.groups or [g for g in GROUPS if not (args.quick and g == "coverage")]
    options = ValidationOptions(out=out, references=list(args.reference), seed=args.seed,
                                groups=groups, quick=args.quick,
                                progress=lambda line: print(line, file=sys.stderr, flush=True))
    try:
        validation = validate(options)
    except (GroundTruthError, ImageBuildError, ToolMissing, SafeguardError,
            FileNotFoundError) as exc:
        return _refuse(str(exc), ExitCode.INPUT)
    except subprocess.CalledProcessError as exc:
        return _refuse(f"{' '.join(map(str, exc.cmd))} failed: "
                       f"{(exc.stderr or b'').decode(errors='replace').strip()}", ExitCode.INPUT)
    paths = write_reports(validation)
    print(validation.outcome())
    for path in paths.values():
        print(f"  {path}")
    failed = validation.failed or not validation.assertions
    return int(ExitCode.WARNINGS if failed else ExitCode.OK)


def run_from_command_line(argv: Sequence[str]) -> int:
    return main(parser().parse_args(list(argv)))


@click.command(name="validate", add_help_option=False,
               context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("arguments", nargs=-1, type=click.UNPROCESSED)
def validate_command(arguments: tuple[str, ...]) -> None:
    """Validate the triage method on reference data with known ground truth (--help)."""
    sys.exit(run_from_command_line(arguments))
