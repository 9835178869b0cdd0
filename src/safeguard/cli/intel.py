"""`safeguard intel ...`: importing referrals and sightings on the server, API tokens,
recounting and rematching, the demo (docs/intelligence.md).

Exit codes (exitcodes.py): 0 ok; 2 usage error (unknown agency, not a police agency, not
demo mode); 3 input error (unreadable file, no header, strict refusal); 4 finished with
warnings (referrals refused or rows skipped; the rest went in).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .demo import seed_app_demo
from .django_setup import setup_django
from .exitcodes import ExitCode, fail

if TYPE_CHECKING:  # the web is imported only when a command runs
    from safeguard.web.intelligence.intake.referral_import import FileResult


def _agency(name: str) -> Any:
    from safeguard.web.accounts.models import Agency, AgencyKind

    agency = Agency.objects.filter(name=name).first()
    if agency is None:
        raise click.UsageError(f"--agency: no agency named {name!r}")
    if agency.kind != AgencyKind.POLICE or not agency.active:
        raise click.UsageError(f"--agency: {name!r} is not an active police agency "
                               "(intelligence is police-only)")
    return agency


@click.group()
def intel() -> None:
    """Intelligence: referrals, sightings, API tokens (docs/intelligence.md)."""


@intel.command("import-referrals")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--agency", "agency_name", required=True, help="The police agency they are for.")
@click.option("--strict", is_flag=True, help="Refuse the whole file if any referral is "
              "not valid.")
def import_referrals_command(path: Path, agency_name: str, strict: bool) -> None:
    """Take in a JSON file of referrals (one, a list, or {"referrals": [...]})."""
    setup_django()
    from safeguard.web.intelligence.intake.auditing import Actor
    from safeguard.web.intelligence.intake.referral_import import (
        ReferralFileError,
        import_referrals,
        load_referral_file,
    )
    from safeguard.web.intelligence.models import Channel

    agency = _agency(agency_name)
    try:
        data = load_referral_file(path)
    except ReferralFileError as exc:
        fail(ExitCode.INPUT, str(exc))
    result = import_referrals(Actor(agency, name="command line"), data, channel=Channel.FILE,
                              strict=strict)
    _report_import(result, "referral(s)", strict)


def _report_import(result: FileResult, what: str, strict: bool) -> None:
    """What a referral import did, its notes, warnings and problems; exit 3 or 4 when
    some were refused (3: --strict, nothing taken)."""
    click.echo(f"{result.created} {what} taken in, {result.duplicates} already held, "
               f"{result.invalid} refused; {len(result.subjects)} subject(s) involved.")
    for note in result.notes:
        click.echo(f"  {note}")
    for warning in result.warnings:
        click.echo(f"Warning: {warning}", err=True)
    for error in result.errors[:20]:
        click.echo(f"  {error}", err=True)
    if strict and result.invalid:
        sys.exit(ExitCode.INPUT)
    if result.invalid:
        sys.exit(ExitCode.WARNINGS)


@intel.command("import-ncmec")
@click.argument("path", type=click.Path(path_type=Path, exists=True))
@click.option("--agency", "agency_name", required=True, help="The police agency they are for.")
@click.option("--strict", is_flag=True, help="Refuse everything if any report is refused.")
def import_ncmec_command(path: Path, agency_name: str, strict: bool) -> None:
    """Take in NCMEC CyberTipline reports: a report XML, a ZIP package or a folder."""
    setup_django()
    from safeguard.web.intelligence.intake.auditing import Actor
    from safeguard.web.intelligence.intake.ncmec_import import import_ncmec
    from safeguard.web.intelligence.models import Channel

    agency = _agency(agency_name)
    result = import_ncmec(Actor(agency, name="command line"), path, channel=Channel.FILE,
                          strict=strict)
    _report_import(result, "report(s)", strict)


@intel.command("import-sightings")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--agency", "agency_name", required=True, help="The police agency they are for.")
@click.option("--source", required=True, help="The monitoring system that exported them.")
@click.option("--strict", is_flag=True, help="Refuse the whole file at the first bad row.")
def import_sightings_command(path: Path, agency_name: str, source: str, strict: bool) -> None:
    """Import a monitoring system's CSV export of sightings."""
    setup_django()
    from safeguard.web.intelligence.intake.auditing import Actor
    from safeguard.web.intelligence.intake.sighting_import import (
        SightingFileError,
        import_sightings,
    )

    agency = _agency(agency_name)
    try:
        result = import_sightings(Actor(agency, name="command line"), path, source=source,
                                  strict=strict)
    except SightingFileError as exc:
        fail(ExitCode.INPUT, str(exc))
    click.echo(f"{result.rows} row(s): {result.imported} imported ({result.known} of known "
               f"material), {result.skipped} skipped; {result.new_subjects} new subject(s); "
               f"{result.rate:,.0f} sightings/s.")
    for warning in result.warnings:
        click.echo(f"Warning: {warning}", err=True)
    if result.skipped:
        sys.exit(ExitCode.WARNINGS)


@intel.command("token")
@click.option("--agency", "agency_name", required=True)
@click.option("--name", required=True, help="The integration it is for.")
def token_command(agency_name: str, name: str) -> None:
    """Make an API token and print it once (only its digest is kept)."""
    setup_django()
    from django.db import transaction

    from safeguard.web.intelligence.intake.auditing import Actor, record
    from safeguard.web.intelligence.models import ApiToken, new_token

    agency = _agency(agency_name)
    token, prefix, digest = new_token()
    with transaction.atomic():
        made = ApiToken.objects.create(owning_agency=agency, name=name, prefix=prefix,
                                       digest=digest)
        record(Actor(agency, name="command line"), "create", made, name=name, prefix=prefix)
    click.echo(token)


@intel.command("recount")
def recount_command() -> None:
    """Rebuild every subject's counters and hourly presence from the records."""
    setup_django()
    from safeguard.web.intelligence.models import Subject, SubjectStatus
    from safeguard.web.intelligence.scoring.stats import rebuild_presence, recount

    ids = list(Subject.objects.exclude(status=SubjectStatus.MERGED).values_list("pk",
                                                                               flat=True))
    for start in range(0, len(ids), 500):
        part = ids[start:start + 500]
        recount(part)
        rebuild_presence(part)
    click.echo(f"Recounted {len(ids)} subject(s).")


@intel.command("rematch")
def rematch_command() -> None:
    """Match the files still unknown against the hash sets configured now (after a set
    is imported or updated); the subjects holding them are recounted and rescored."""
    setup_django()
    from safeguard.web.intelligence.intake.matching import Matcher
    from safeguard.web.intelligence.intake.rematch import RematchError, rematch

    try:
        with Matcher.configured() as matcher:
            result = rematch(matcher)
    except RematchError as exc:
        fail(ExitCode.USAGE, str(exc))
    categories = ", ".join(f"{name} {count}" for name, count in sorted(
        result.by_category.items())) or "none"
    click.echo(f"Checked {result.files_checked} unknown file(s) against "
               f"{', '.join(result.sets)}: {result.files_now_known} now known ({categories}); "
               f"{result.sightings_now_known} sighting(s) now of known material; "
               f"{result.subjects} subject(s) recounted and rescored.")


@intel.command("seed-demo")
def seed_demo_command() -> None:
    """Synthetic referrals and sightings over the demo districts (demo mode only)."""
    setup_django()
    from safeguard.web.intelligence.demo import seed_intelligence_demo

    seed_app_demo(seed_intelligence_demo)
