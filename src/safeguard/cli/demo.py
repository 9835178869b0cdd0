"""The demo: `safeguard demo` (a benign case built and triaged by the engine) and the web
platform's demo data, `safeguard web seed-demo`, `seed-safeguarding` and `totp` (demo mode
only: synthetic people, one shared password)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click

from .django_setup import migrate_database, setup_django
from .exitcodes import ExitCode, fail


@click.command()
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
    from ..demo.case import run_demo

    sys.exit(run_demo(workdir, home if home else workdir / "home"))


@click.command("seed-demo")
@click.option("--case", "case_dir", type=click.Path(path_type=Path, file_okay=False),
              default=None, help="Also import the demo investigation from the demo case "
              "that `safeguard demo --workdir DIR` built and triaged.")
def seed_demo(case_dir: Path | None) -> None:
    """Create the demo agencies and users and print their logins (demo mode only)."""
    setup_django()

    from safeguard.triage import ReportError
    from safeguard.web.demo import DEMO_PASSWORD, NotDemoMode, seed
    from safeguard.web.triage_runs.demo import seed_web_demo

    try:
        migrate_database()
        logins = seed() if case_dir is None else seed_web_demo(case_dir)
    except NotDemoMode as exc:
        fail(ExitCode.USAGE, str(exc))
    except (ReportError, LookupError) as exc:
        fail(ExitCode.INPUT, f"{exc} (run `safeguard demo --workdir {case_dir}` first)")
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Demo logins (password for all: {DEMO_PASSWORD})")
    for column in ("username", "name", "agency", "role", "TOTP secret (base32)"):
        table.add_column(column)
    for login in logins:
        table.add_row(login.username, login.name, login.agency, login.role, login.secret)
    Console(width=200).print(table)
    click.echo("Add a secret to an authenticator app, or: safeguard web totp USERNAME")
    if case_dir is not None:
        click.echo("Imported the demo investigation \"Operation Lantern (demo)\" (DEMO-0001) "
                   "with its three exhibits and their triage.")
        _seed_partnership_demo()


def _seed_partnership_demo() -> None:
    """The rest of the demo: the register, partners and intelligence, each synthetic."""
    import importlib

    from django.apps import apps

    seeds = (
        ("safeguard.web.safeguarding", "safeguarding.demo", "seed_safeguarding_demo"),
        ("safeguard.web.partners", "partners.demo", "seed_partners_demo"),
        ("safeguard.web.intelligence", "intelligence.demo", "seed_intelligence_demo"),
    )
    for app, module, function in seeds:
        if not apps.is_installed(app):
            continue
        seed_function = getattr(importlib.import_module(f"safeguard.web.{module}"), function)
        click.echo(str(seed_function()))


@click.command("seed-safeguarding")
def seed_safeguarding() -> None:
    """Fill the safeguarding register with synthetic demo data (demo mode only)."""
    setup_django()
    from safeguard.web.safeguarding.demo import seed_safeguarding_demo

    seed_app_demo(seed_safeguarding_demo)


def seed_app_demo(seed: Callable[[], object]) -> None:
    """Migrate, fill one app with its synthetic demo data and print what was made; outside
    demo mode, one line and exit 2."""
    from safeguard.web.demo import NotDemoMode

    try:
        migrate_database()
        summary = seed()
    except NotDemoMode as exc:
        fail(ExitCode.USAGE, str(exc))
    click.echo(str(summary))


@click.command("totp")
@click.argument("username")
def totp_code(username: str) -> None:
    """Print a demo user's current TOTP code (demo mode only)."""
    setup_django()
    from safeguard.web.demo import NotDemoMode, current_code

    try:
        code, remaining = current_code(username)
    except NotDemoMode as exc:
        fail(ExitCode.USAGE, str(exc))
    except LookupError as exc:
        fail(ExitCode.INPUT, str(exc))
    click.echo(f"{code}  (valid for {remaining} more seconds)")
