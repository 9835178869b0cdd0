"""`safeguard web committee-report --from DATE --to DATE --out DIR`: the committee's
statistics for a period (docs/statistics.md)."""

from __future__ import annotations

from pathlib import Path

import click

from .django_setup import setup_django
from .exitcodes import ExitCode, fail


@click.command("committee-report")
@click.option("--from", "start", required=True, metavar="YYYY-MM-DD",
              help="First day of the period.")
@click.option("--to", "end", required=True, metavar="YYYY-MM-DD",
              help="Last day of the period (included).")
@click.option("--out", "out", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="Folder for the HTML and PDF files (created if missing).")
def committee_report(start: str, end: str, out: Path) -> None:
    """Write the committee report (HTML and PDF) for a period, small numbers suppressed."""
    setup_django()
    from django.db import transaction

    from safeguard.web.audit.events import record
    from safeguard.web.audit.models import Action
    from safeguard.web.statistics.committee import write_report
    from safeguard.web.statistics.periods import PeriodError, parse

    try:
        period = parse(start, end)
    except PeriodError as exc:
        fail(ExitCode.USAGE, str(exc))
    written = write_report(period, out)
    with transaction.atomic():
        record(None, Action.EXPORT, username="command line", page="committee report",
               start=str(period.start), end=str(period.end), out=str(out))
    click.echo(f"Committee report for {period.label()}:")
    click.echo(f"  {written.html}")
    click.echo(f"  {written.pdf}")
