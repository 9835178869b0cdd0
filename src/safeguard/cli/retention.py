"""`safeguard retention due`: how many records are due for review, per agency and record
type, for a scheduled job (cron, a systemd timer) that tells the supervisors.

It prints counts, never a record: nothing personal leaves the database. Exit codes
(exitcodes.py): 0 ok (nothing due, or --fail-if-due not given); 2 usage or settings error;
4 records are due and --fail-if-due was given (for a job that alerts on failure).

`safeguard retention sightings`: the monthly job that removes the sightings past the
schedule's period by whole months (dropping their partitions on PostgreSQL) and makes the
coming months' partitions (docs/retention.md, "Sightings by age").
"""

from __future__ import annotations

import sys
from datetime import date

import click

from .django_setup import setup_django
from .exitcodes import ExitCode


def _day(on: str | None) -> date:
    """The `--on` day (default: the platform's today); Django must be set up."""
    from safeguard.web.core.clock import today

    try:
        return date.fromisoformat(on) if on else today()
    except ValueError:
        raise click.UsageError(f"--on: {on!r} is not a date (YYYY-MM-DD)") from None


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
    from safeguard.web.retention.conf import retention_schedule
    from safeguard.web.retention.decisions import due_counts
    from safeguard.web.retention.kinds import installed_kinds

    day = _day(on)
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


@retention.command("sightings")
@click.option("--on", "on", default=None, metavar="YYYY-MM-DD",
              help="Apply the schedule as on this day (default: today).")
@click.option("--dry-run", is_flag=True, help="Only count what would be removed.")
def sightings(on: str | None, dry_run: bool) -> None:
    """Remove the sightings past the schedule's period, by whole months (on PostgreSQL:
    drop their partitions), and make this month's and next month's partitions."""
    setup_django()
    from safeguard.web.core import clock, formats
    from safeguard.web.intelligence.partitions import ensure_ahead
    from safeguard.web.retention.conf import retention_schedule
    from safeguard.web.retention.sightings import boundary, dispose_old, old_sightings

    day = _day(on)
    schedule = retention_schedule()
    before = boundary(day, schedule.sightings.keep_years)
    click.echo(f"Sightings kept {schedule.sightings.keep_years} years on {formats.day(day)}: "
               f"removing those observed before {before:%Y-%m-%d} (UTC)")
    if dry_run:
        click.echo(f"would remove\t{sum(old_sightings(day, schedule).values())}")
        return
    made = ensure_ahead(clock.now())
    for name in made:
        click.echo(f"partition made\t{name}")
    done = dispose_old(day, schedule, by="command line (safeguard retention sightings)")
    for name in done.partitions:
        click.echo(f"partition dropped\t{name}")
    click.echo(f"removed\t{done.rows}\t({done.method})")
