"""`safeguard web committee-report --from DATE --to DATE --out DIR`.

Click only at import: Django is set up inside the command (safeguard.cli imports this
module through web/commands.py, and the engine's commands must not load Django).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

EXIT_USAGE = 2


@click.command("committee-report")
@click.option("--from", "start", required=True, metavar="YYYY-MM-DD",
              help="First day of the period.")
@click.option("--to", "end", required=True, metavar="YYYY-MM-DD",
              help="Last day of the period (included).")
@click.option("--out", "out", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="Folder for the HTML and PDF files (created if missing).")
def committee_report(start: str, end: str, out: Path) -> None:
    """Write the committee report (HTML and PDF) for a period, small numbers suppressed."""
    from ..commands import setup_django

    setup_django()
    from django.db import transaction

    from ..audit.events import record
    from ..audit.models import Action
    from .committee import write_report
    from .periods import PeriodError, parse

    try:
        period = parse(start, end)
    except PeriodError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    written = write_report(period, out)
    with transaction.atomic():
        record(None, Action.EXPORT, username="command line", page="committee report",
               start=str(period.start), end=str(period.end), out=str(out))
    click.echo(f"Committee report for {period.label()}:")
    click.echo(f"  {written.html}")
    click.echo(f"  {written.pdf}")
