"""`safeguard serve`, `safeguard audit verify` and `safeguard web ...`.

Django is imported inside the commands, never at module level: `safeguard.cli` imports
this module, and the engine's commands must not pay for (or depend on) Django.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click

from .intelligence.commands import intel as intel  # `safeguard intel ...`
from .reports.command import committee_report  # `safeguard web committee-report`

EXIT_USAGE = 2
EXIT_INPUT = 3  # the audit chain is broken: the data read is not what was written


def setup_django() -> None:
    """Configure Django from the environment; a bad setting is one line and exit 2."""
    from .env import SettingError

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguard.web.settings")
    try:
        import django

        django.setup()
    except SettingError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(EXIT_USAGE)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--threads", type=click.IntRange(1, 64), default=8, show_default=True,
              help="Worker threads serving requests.")
@click.option("--no-migrate", is_flag=True, help="Do not apply database migrations first.")
@click.option("--worker", "with_worker", is_flag=True,
              help="Also run a triage worker (`safeguard worker`) beside the server, "
                   "stopped with it.")
@click.option("--processes", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Server processes sharing the port (several need PostgreSQL).")
def serve(host: str, port: int, threads: int, no_migrate: bool, with_worker: bool,
          processes: int) -> None:
    """Serve the web platform (migrates the database first)."""
    setup_django()
    from django.conf import settings
    from django.core.management import call_command

    database = settings.DATABASES["default"]
    if processes > 1 and database["ENGINE"].endswith("sqlite3"):
        click.echo("Error: --processes needs PostgreSQL (DATABASE_URL): SQLite lets one "
                   "process write at a time.", err=True)
        sys.exit(EXIT_USAGE)
    if not no_migrate:
        call_command("migrate", interactive=False, verbosity=0)
    where = database["NAME"] if database["ENGINE"].endswith("sqlite3") else database["ENGINE"]
    click.echo(f"Safeguard web ({settings.MODE} mode), database {where}")
    if settings.MODE == "demo":
        click.echo("Demo mode: synthetic data only. Logins: safeguard web seed-demo")
    if host not in settings.ALLOWED_HOSTS and host not in ("0.0.0.0", "::"):
        click.echo(f"Note: {host} is not in SAFEGUARD_ALLOWED_HOSTS; requests to it get 400.")
    click.echo(f"Serving on http://{host}:{port}/ (Ctrl-C to stop)")
    from waitress import serve as waitress_serve

    from .wsgi import application

    worker = _start_worker() if with_worker else None
    if worker is not None:
        # SIGTERM (systemd, docker stop, kill) ends the server through the same path as
        # Ctrl-C, so that the worker is stopped with it rather than left behind.
        import signal

        def stop(signum: int, frame: object) -> None:
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, stop)
    try:
        if processes == 1:
            waitress_serve(application, host=host, port=port, threads=threads,
                           ident="Safeguard")
        else:
            from .server import listening_socket, serve_forked

            click.echo(f"{processes} server processes, {threads} threads each.")
            status = serve_forked(
                lambda sock: waitress_serve(application, sockets=[sock], threads=threads,
                                            ident="Safeguard"),
                listening_socket(host, port), processes)
            if status:
                sys.exit(status)
    finally:
        if worker is not None:
            _stop_worker(worker)


def _start_worker() -> subprocess.Popen[bytes]:
    # A process of its own: the engine's threads do not compete with the server's, and a
    # crash in a reader cannot take the server down. It inherits this environment.
    click.echo("Triage worker started beside the server (safeguard worker).")
    return subprocess.Popen([sys.executable, "-m", "safeguard.cli", "worker"])


def _stop_worker(worker: subprocess.Popen[bytes]) -> None:
    if worker.poll() is None:
        worker.terminate()  # SIGTERM: it puts its job back in the queue, to resume later
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


@click.command()
@click.option("--once", is_flag=True, help="Process the jobs queued now, then exit.")
@click.option("--poll", type=click.FloatRange(0.1, 3600), default=2.0, show_default=True,
              help="Seconds between looks at an empty queue.")
@click.option("--threads", type=click.IntRange(1, 256), default=None,
              help="The engine's worker threads per job (default: cores + 1).")
@click.option("--stale-after", type=click.IntRange(10, 86400), default=120, show_default=True,
              help="Seconds without a heartbeat after which another worker's running job "
                   "is taken over and resumed from its journal.")
def worker(once: bool, poll: float, threads: int | None, stale_after: int) -> None:
    """Run queued triage jobs (the database is the queue; no other server needed)."""
    setup_django()
    import logging
    import signal
    from datetime import timedelta

    from .investigations.worker import run_worker

    logging.basicConfig(format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("safeguard.worker").setLevel(logging.INFO)

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        handled = run_worker(once=once, poll=poll, threads=threads,
                             stale_after=timedelta(seconds=stale_after))
    except KeyboardInterrupt:
        click.echo("Worker stopped.", err=True)
        return
    click.echo(f"{handled} job(s) processed.")


@click.group()
def audit() -> None:
    """The audit log."""


@audit.command("verify")
@click.option("--anchor", default=None, metavar="SEQUENCE:HASH",
              help="A head recorded earlier (printed by a previous verify): the row with "
                   "that sequence must still have that hash.")
def audit_verify(anchor: str | None) -> None:
    """Walk the hash chain; report the first row altered or removed (exit 3)."""
    expected: tuple[int, str] | None = None
    if anchor is not None:
        sequence, _, digest = anchor.partition(":")
        if not sequence.isdigit() or len(digest) != 64:
            raise click.UsageError("--anchor takes SEQUENCE:HASH, e.g. 1200:3f5a...")
        expected = (int(sequence), digest.lower())
    setup_django()
    from .audit.chain import verify_chain

    result = verify_chain(anchor=expected)
    click.echo(result.summary())
    if result.ok:
        click.echo(f"anchor: {result.head_sequence}:{result.head_hash}")
    sys.exit(0 if result.ok else EXIT_INPUT)


@click.group()
def web() -> None:
    """Web platform administration: demo accounts, first administrator, Django commands."""


@web.command("seed-demo")
@click.option("--case", "case_dir", type=click.Path(path_type=Path, file_okay=False),
              default=None, help="Also import the demo investigation from the demo case "
              "that `safeguard demo --workdir DIR` built and triaged.")
def seed_demo(case_dir: Path | None) -> None:
    """Create the demo agencies and users and print their logins (demo mode only)."""
    setup_django()
    from django.core.management import call_command

    from .demo import DEMO_PASSWORD, NotDemoMode, seed, seed_web_demo
    from .investigations.importer import ReportError

    try:
        call_command("migrate", interactive=False, verbosity=0)
        logins = seed() if case_dir is None else seed_web_demo(case_dir)
    except NotDemoMode as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    except (ReportError, LookupError) as exc:
        click.echo(f"Error: {exc} (run `safeguard demo --workdir {case_dir}` first)", err=True)
        sys.exit(EXIT_INPUT)
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
    from django.apps import apps

    seeds = (
        ("safeguard.web.safeguarding", "safeguarding.demo", "seed_safeguarding_demo"),
        ("safeguard.web.partners", "partners.demo", "seed_partners_demo"),
        ("safeguard.web.intelligence", "intelligence.demo", "seed_intelligence_demo"),
    )
    import importlib

    for app, module, function in seeds:
        if not apps.is_installed(app):
            continue
        seed_function = getattr(importlib.import_module(f"safeguard.web.{module}"), function)
        click.echo(str(seed_function()))


@web.command("seed-safeguarding")
def seed_safeguarding() -> None:
    """Fill the safeguarding register with synthetic demo data (demo mode only)."""
    setup_django()
    from django.core.management import call_command

    from .demo import NotDemoMode
    from .safeguarding.demo import seed_safeguarding_demo

    try:
        call_command("migrate", interactive=False, verbosity=0)
        summary = seed_safeguarding_demo()
    except NotDemoMode as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    click.echo(str(summary))


@web.command("totp")
@click.argument("username")
def totp_code(username: str) -> None:
    """Print a demo user's current TOTP code (demo mode only)."""
    setup_django()
    from .demo import NotDemoMode, current_code

    try:
        code, remaining = current_code(username)
    except NotDemoMode as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    except LookupError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(EXIT_INPUT)
    click.echo(f"{code}  (valid for {remaining} more seconds)")


@web.command("create-admin")
@click.argument("username")
@click.option("--agency", "agency_name", required=True, help="The administrator's agency "
              "(created if missing).")
@click.option("--kind", default="police", show_default=True,
              help="The agency's kind, if it is created.")
@click.password_option(help="Password (asked if not given).")
def create_admin(username: str, agency_name: str, kind: str, password: str) -> None:
    """Create the first platform administrator (manages every agency)."""
    setup_django()
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from .accounts.models import Agency, AgencyKind, Role, User
    from .audit.events import record
    from .audit.models import Action

    if kind not in AgencyKind.values:
        raise click.UsageError(f"--kind: one of {', '.join(AgencyKind.values)}")
    if User.objects.filter(username=username).exists():
        raise click.UsageError(f"user {username!r} exists already")
    user = User(username=username, role=Role.ADMINISTRATOR, manages_all_agencies=True)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise click.UsageError(" ".join(exc.messages)) from None
    with transaction.atomic():
        agency, created = Agency.objects.get_or_create(name=agency_name, defaults={"kind": kind})
        if created:
            record(None, Action.CREATE, agency, username="command line")
        user.agency = agency
        user.set_password(password)
        user.save()
        record(None, Action.CREATE, user, username="command line", role=user.role)
    click.echo(f"Created {username} ({agency.name}); they enrol an authenticator at first "
               "sign-in.")


@web.command("manage", context_settings={"ignore_unknown_options": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def manage(args: tuple[str, ...]) -> None:
    """Run a Django management command (e.g. `safeguard web manage migrate`)."""
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["safeguard web manage", *args])


web.add_command(committee_report)
