"""`safeguard hashset ...`: import, list, show, verify and remove hash sets.

Exit codes (exitcodes.py): 0 ok, 2 usage error, 3 input error (a missing or malformed
list, an unknown or damaged set), each with a one-line message naming the file or set.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar, cast

import click

from ..triage import HashSetError, HashSetInfo, HashSetStore, UsageError, default_home
from ..triage.hashsets import AUTO, FORMATS, KINDS, SCHEMES, parse_category_map
from .exitcodes import ExitCode, fail

F = TypeVar("F", bound=Callable[..., Any])


def _errors(func: F) -> F:
    """Turn the engine's errors into a one-line message and the right exit code."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except UsageError as exc:
            fail(ExitCode.USAGE, str(exc))
        except HashSetError as exc:
            fail(ExitCode.INPUT, str(exc))

    return cast(F, wrapper)


_HOME_HELP = (
    "Safeguard's data folder (default: $SAFEGUARD_HOME, $XDG_DATA_HOME/safeguard, "
    "~/.local/share/safeguard). Sets live in its hashsets/ folder."
)


def _home_option(func: F) -> F:
    """--home on every subcommand too (`hashset import X --home H` reads naturally);
    there it wins over the group's."""

    def remember(ctx: click.Context, _param: click.Parameter, value: Path | None) -> None:
        if value is not None:
            ctx.meta["safeguard.home"] = value

    option = click.option(
        "--home",
        type=click.Path(file_okay=False, path_type=Path),
        expose_value=False,
        callback=remember,
        help=_HOME_HELP,
    )
    return option(func)


@click.group("hashset")
@click.option(
    "--home",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="SAFEGUARD_HOME",
    help=_HOME_HELP,
)
@click.pass_context
def hashset(ctx: click.Context, home: Path | None) -> None:
    """Import and manage hash sets (known-bad and known-good lists)."""
    ctx.obj = home


def _store(ctx: click.Context) -> HashSetStore:
    home = ctx.meta.get("safeguard.home") or ctx.obj or default_home()
    return HashSetStore(Path(home) / "hashsets")


@hashset.command("import")
@_home_option
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--name", required=True, help="Name of the set in the store.")
@click.option("--kind", required=True, type=click.Choice(KINDS), help="What the set holds.")
@click.option(
    "--format",
    "fmt",
    default=AUTO,
    show_default=True,
    type=click.Choice((AUTO, *FORMATS.names())),
    help="The list's format; auto recognises it from its content.",
)
@click.option(
    "--scheme",
    type=click.Choice(tuple(SCHEMES)),
    help="Category scheme (default: from a VICS profile, else uk).",
)
@click.option(
    "--category-map",
    "category_map",
    metavar="CODE=NAME,...",
    help="Map the set's category codes to scheme names, as in 1=A,2=B,3=C. "
    "Listed codes override the scheme's default map.",
)
@click.option("--replace", is_flag=True, help="Replace an existing set of the same name.")
@click.option("--strict", is_flag=True, help="Stop at the first bad row instead of skipping it.")
@click.pass_context
@_errors
def import_(
    ctx: click.Context,
    file: Path,
    name: str,
    kind: str,
    fmt: str,
    scheme: str | None,
    category_map: str | None,
    replace: bool,
    strict: bool,
) -> None:
    """Import FILE as a hash set."""
    mapping = parse_category_map(category_map) if category_map else None
    info = _store(ctx).import_file(
        file,
        name,
        kind,
        fmt=fmt,
        scheme=scheme,
        category_map=mapping,
        replace=replace,
        strict=strict,
    )
    click.echo(
        f"Imported {info.name!r} ({info.kind}, {info.format}): {info.entries:,} entries "
        f"[{', '.join(info.digests)}], {info.skipped:,} skipped; "
        f"source sha256 {info.source_sha256}"
    )
    for warning in info.warnings[:5]:
        click.echo(f"Warning: {warning}", err=True)
    if len(info.warnings) > 5:
        click.echo(f"({len(info.warnings) - 5} more: safeguard hashset show {name})", err=True)


@hashset.command("build")
@_home_option
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@click.option("--name", required=True, help="Name of the set in the store.")
@click.option("--kind", required=True, type=click.Choice(KINDS), help="What the set holds.")
@click.option("--category", required=True, help="The grading of every item in FOLDER (A, B, C...).")
@click.option("--scheme", type=click.Choice(tuple(SCHEMES)), default="uk", show_default=True)
@click.option("--series", default="", help="Series name recorded on every item.")
@click.option("--replace", is_flag=True, help="Replace an existing set of the same name.")
@click.pass_context
@_errors
def build(
    ctx: click.Context,
    folder: Path,
    name: str,
    kind: str,
    category: str,
    scheme: str,
    series: str,
    replace: bool,
) -> None:
    """Hash the graded media in FOLDER (digests, PDQ, video signatures) into a set."""
    import tempfile

    from ..triage.hashsets.build import build_vics

    problems: list[Any] = []
    with tempfile.TemporaryDirectory(prefix="safeguard-build-") as tmp:
        built = Path(tmp) / f"{name}.vics.json"
        count = build_vics(folder, built, category=category, scheme=scheme, series=series,
                           warnings=problems)
        info = _store(ctx).import_file(built, name, kind, fmt="vics", scheme=scheme,
                                       replace=replace)
    click.echo(
        f"Built {info.name!r} ({info.kind}) from {count:,} media in {folder}: "
        f"{info.pdq:,} with PDQ; source sha256 {info.source_sha256}"
    )
    for problem in problems:
        click.echo(f"Warning: {problem.address}: {problem.message}", err=True)


@hashset.command("list")
@_home_option
@click.pass_context
@_errors
def list_(ctx: click.Context) -> None:
    """List the imported sets."""
    # rich here, not at the top: this group loads on every triage's start-up.
    from rich.console import Console
    from rich.table import Table

    store = _store(ctx)
    sets = store.list()
    console = Console(highlight=False)
    if not console.is_terminal:
        console.width = max(console.width, 120)  # piped output: never cut a digest short
    if sets:
        table = Table("name", "kind", "format", "entries", "imported", "sha256")
        for info in sets:
            table.add_row(
                info.name,
                info.kind,
                info.format,
                f"{info.entries:,}",
                info.imported_at,
                info.source_sha256[:12],
            )
        for column in table.columns:
            column.no_wrap = True
        console.print(table)
    else:
        click.echo(f"No hash sets in {store.root}.")
    for name, why in store.damaged():
        click.echo(f"Warning: {name}: {why}", err=True)


@hashset.command("show")
@_home_option
@click.argument("name")
@click.pass_context
@_errors
def show(ctx: click.Context, name: str) -> None:
    """Show a set's provenance and import results."""
    info = _store(ctx).info(name)
    for label, value in _describe(info):
        click.echo(f"{label + ':':<16}{value}")
    for warning in info.warnings:
        click.echo(f"  warning: {warning}")


def _describe(info: HashSetInfo) -> list[tuple[str, str]]:
    mapping = ", ".join(f"{k}={v}" for k, v in sorted(info.category_map.items()))
    return [
        ("name", info.name),
        ("kind", info.kind),
        ("format", info.format),
        ("entries", f"{info.entries:,}"),
        ("skipped", f"{info.skipped:,}"),
        ("digests", ", ".join(info.digests)),
        ("duplicates", ", ".join(f"{k} {v:,}" for k, v in info.duplicates.items()) or "none"),
        ("scheme", info.scheme or "none"),
        ("category map", mapping or "none"),
        ("pdq entries", f"{info.pdq:,}"),
        ("source", info.source_path),
        ("source sha256", info.source_sha256),
        ("source size", f"{info.source_size:,} bytes"),
        ("kept as", info.source_file),
        ("imported", info.imported_at),
        ("indexed", info.indexed_at),
        ("tool version", info.tool_version),
    ]


@hashset.command("verify")
@_home_option
@click.argument("name")
@click.pass_context
@_errors
def verify(ctx: click.Context, name: str) -> None:
    """Check the kept list still has the sha256 recorded at import."""
    if not _store(ctx).verify(name):
        raise HashSetError(f"hash set {name!r}: the kept list's sha256 differs from import")
    click.echo(f"{name}: the kept list matches its sha256.")


@hashset.command("remove")
@_home_option
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
@_errors
def remove(ctx: click.Context, name: str, yes: bool) -> None:
    """Remove a set and its kept list."""
    store = _store(ctx)
    store.info(name)  # a clear error for an unknown set before asking
    if not yes and not click.confirm(f"Remove hash set {name!r}?"):
        fail(ExitCode.USAGE, "not removed")
    store.remove(name)
    click.echo(f"Removed {name!r}.")
