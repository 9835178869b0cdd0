"""`safeguard serve` (the web platform under waitress) and `safeguard worker` (the triage
job queue). Django is imported inside the commands (django_setup.py)."""

from __future__ import annotations

import subprocess
import sys

import click

from .django_setup import migrate_database, setup_django
from .exitcodes import ExitCode, fail


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
        fail(ExitCode.USAGE, f"demo mode serves this machine only (127.0.0.1, ::1), not "
             f"{host}: its cookies travel unencrypted and every demo login shares one "
             "password")
    database = settings.DATABASES["default"]
    sqlite = connection.vendor == "sqlite"
    if processes > 1 and sqlite:
        fail(ExitCode.USAGE, "--processes needs PostgreSQL (DATABASE_URL): SQLite lets one "
             "process write at a time.")
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

    from safeguard.web.bodylimits import BodyLimits, server_factory
    from safeguard.web.wsgi import application

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
            from safeguard.web.server import listening_socket, serve_forked

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

    from safeguard.web.triage_runs.worker import run_worker

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
