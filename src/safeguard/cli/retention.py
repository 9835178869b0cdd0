"""`safeguard retention due`: how many records are due for review, per agency and record
type, for a scheduled job (cron, a systemd timer) that tells the supervisors.

It prints counts, never a record: nothing personal leaves the database. Exit codes
(exitcodes.py): 0 ok (nothing due, or --fail-if-due not given); 2 usage or settings error;
4 records are due and --fail-if-due was given (for a job that alerts on failure).
"""

from __future__ import annotations

import sys
from datetime import date

import click

from .django_setup import setup_django
from .exitcodes import ExitCode


@click.group()
def retention() -> None:
    """Retention, review and disposal (docs/retention.md)."""


@retention.command("due")
@click.option("--agency", "agency_name", default=None,
              help="Only this agency (default: every active agency).")
@click.option("--on", "on", default=None, metavar="YYYY-MM-DD",
              help="Count as on this day (default: today).")
@click.option("--fail-if-due", is_flag=True, help="Exit 4 when anything is due.")
def due(agency_name: str | None, on: str | None, fail_if_due: bool) -> None:
    """Print the number of records due for review, per agency and record type."""
    setup_django()
    from safeguard.web.accounts.models import Agency
    from safeguard.web.core import formats
    from safeguard.web.core.clock import today
    from safeguard.web.retention.conf import retention_schedule
    from safeguard.web.retention.decisions import due_counts
    from safeguard.web.retention.kinds import installed_kinds

    try:
        day = date.fromisoformat(on) if on else today()
    except ValueError:
        raise click.UsageError(f"--on: {on!r} is not a date (YYYY-MM-DD)") from None
    schedule = retention_schedule()  # a malformed one stopped setup_django (exit 2)
    agencies = Agency.objects.filter(active=True).order_by("name")
    if agency_name is not None:
        agencies = agencies.filter(name=agency_name)
        if not agencies.exists():
            raise click.UsageError(f"--agency: no active agency named {agency_name!r}")
    kinds = installed_kinds()
    total = 0
    click.echo(f"Records due for review on {formats.day(day)}:")
    for agency in agencies:
        counts = due_counts(agency.pk, day, schedule, kinds)
        total += sum(counts.values())
        for kind in kinds:
            click.echo(f"{agency.name}\t{kind.key}\t{counts[kind.key]}")
    click.echo(f"total\t{total}")
    if fail_if_due and total:
        sys.exit(ExitCode.WARNINGS)  # records due: a job alerts on it
