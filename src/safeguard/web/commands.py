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
from .retention.command import retention as retention  # `safeguard retention due`

EXIT_USAGE = 2
EXIT_INPUT = 3  # the audit chain is broken: the data read is not what was written


def migrate_database() -> None:
    """Apply migrations: as the owner role when one is configured (PostgreSQL), granting
    the platform's own role what it needs afterwards (dbroles.py)."""
    from django.conf import settings
    from django.core.management import call_command

    from .dbroles import OWNER_ALIAS, grant_platform_role, platform_role

    if OWNER_ALIAS in settings.DATABASES:
        call_command("migrate", database=OWNER_ALIAS, interactive=False, verbosity=0)
        grant_platform_role(platform_role())
    else:
        call_command("migrate", interactive=False, verbosity=0)


def setup_django() -> None:
    """Configure Django from the environment; a bad setting is one line and exit 2."""
    from .env import SettingError

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguard.web.settings")
    from django.apps import apps

    first = not apps.ready  # not in a process that set Django up already (the tests)
    try:
        import django

        django.setup()
    except SettingError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    if first:
        from .audit.anchors import export_at_exit

        export_at_exit()  # a command that wrote audit events anchors the chain as it ends


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
    from django.db import connection

    if settings.MODE == "demo" and not _loopback(host):
        # Demo mode: plain-http cookies and one shared demo password for every login.
        click.echo(f"Error: demo mode serves this machine only (127.0.0.1, ::1), not {host}: "
                   "its cookies travel unencrypted and every demo login shares one password",
                   err=True)
        sys.exit(EXIT_USAGE)
    database = settings.DATABASES["default"]
    sqlite = connection.vendor == "sqlite"
    if processes > 1 and sqlite:
        click.echo("Error: --processes needs PostgreSQL (DATABASE_URL): SQLite lets one "
                   "process write at a time.", err=True)
        sys.exit(EXIT_USAGE)
    if not no_migrate:
        migrate_database()
    where = database["NAME"] if sqlite else database["ENGINE"]
    click.echo(f"Safeguard web ({settings.MODE} mode), database {where}")
    if settings.MODE == "demo":
        click.echo("Demo mode: synthetic data only. Logins: safeguard web seed-demo")
    if host not in settings.ALLOWED_HOSTS and host not in ("0.0.0.0", "::"):
        click.echo(f"Note: {host} is not in SAFEGUARD_ALLOWED_HOSTS; requests to it get 400.")
    click.echo(f"Serving on http://{host}:{port}/ (Ctrl-C to stop)")
    from waitress import serve as waitress_serve

    from .bodylimits import BodyLimits, server_factory
    from .wsgi import application

    worker = _start_worker() if with_worker else None
    if worker is not None:
        # SIGTERM (systemd, docker stop, kill) ends the server through the same path as
        # Ctrl-C, so that the worker is stopped with it rather than left behind.
        import signal

        def stop(signum: int, frame: object) -> None:
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, stop)
    # Request bodies are capped per request before they are read (bodylimits.py).
    capped = server_factory(BodyLimits.from_settings())
    try:
        if processes == 1:
            waitress_serve(application, host=host, port=port, threads=threads,
                           ident="Safeguard", _server=capped)
        else:
            from .server import listening_socket, serve_forked

            click.echo(f"{processes} server processes, {threads} threads each.")
            status = serve_forked(
                lambda sock: waitress_serve(application, sockets=[sock], threads=threads,
                                            ident="Safeguard", _server=capped),
                listening_socket(host, port), processes)
            if status:
                sys.exit(status)
    finally:
        if worker is not None:
            _stop_worker(worker)


def _loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


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
              help="Check against this head instead of the newest exported anchor.")
@click.option("--anchor-file", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Read the anchors from this copy (default: SAFEGUARD_AUDIT_ANCHOR_FILE).")
def audit_verify(anchor: str | None, anchor_file: Path | None) -> None:
    """Walk the keyed hash chain and check it against the newest exported anchor; report
    the first row altered, forged or removed (exit 3)."""
    expected: tuple[int, str] | None = None
    if anchor is not None:
        sequence, _, digest = anchor.partition(":")
        if not sequence.isdigit() or len(digest) != 64:
            raise click.UsageError("--anchor takes SEQUENCE:HASH, e.g. 1200:3f5a...")
        expected = (int(sequence), digest.lower())
    setup_django()
    from .audit.anchors import AnchorError, latest_anchor
    from .audit.chain import verify_chain

    if expected is None:
        try:
            newest = latest_anchor(anchor_file)
        except AnchorError as exc:
            click.echo(f"audit anchors damaged: {exc}")
            sys.exit(EXIT_INPUT)
        if newest is not None:
            expected = (newest.sequence, newest.hash)
            click.echo(f"checked against the anchor of {newest.at} (row {newest.sequence})")
        else:
            click.echo("no anchor exported yet: the chain is checked alone, which cannot "
                       "show rows removed from its end together with its head")
    result = verify_chain(anchor=expected)
    click.echo(result.summary())
    if result.ok:
        click.echo(f"anchor: {result.head_sequence}:{result.head_hash}")
    sys.exit(0 if result.ok else EXIT_INPUT)


@audit.command("anchor")
def audit_anchor() -> None:
    """Export the chain's head to the anchor file now (also done as events are written)."""
    setup_django()
    from .audit.anchors import export_head

    anchor = export_head()
    click.echo(f"anchored row {anchor.sequence}" if anchor else "nothing new to anchor")


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

    from safeguard.triage import ReportError

    from .demo import DEMO_PASSWORD, NotDemoMode, seed, seed_web_demo

    try:
        migrate_database()
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

    from .demo import NotDemoMode
    from .safeguarding.demo import seed_safeguarding_demo

    try:
        migrate_database()
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
@click.option("--site", default="http://127.0.0.1:8000", show_default=True,
              help="The platform's address, for the enrolment link printed.")
def create_admin(username: str, agency_name: str, kind: str, password: str, site: str) -> None:
    """Create the first platform administrator (manages every agency) and print their
    single-use link to enrol an authenticator."""
    setup_django()
    from django.conf import settings
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from django.db import transaction
    from django.urls import reverse

    from .accounts import enrolment
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
        token = enrolment.issue(user, by=None)
        record(None, Action.UPDATE, user, username="command line",
               change="enrolment link issued", valid_hours=settings.ENROLMENT_LINK_HOURS)
    link = site.rstrip("/") + reverse("accounts:enrol", args=[token])
    click.echo(f"Created {username} ({agency.name}). Their authenticator is set up through "
               f"this link, once, within {settings.ENROLMENT_LINK_HOURS} hours:\n{link}")


@web.command("manage", context_settings={"ignore_unknown_options": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def manage(args: tuple[str, ...]) -> None:
    """Run a Django management command (e.g. `safeguard web manage migrate`)."""
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["safeguard web manage", *args])


web.add_command(committee_report)
