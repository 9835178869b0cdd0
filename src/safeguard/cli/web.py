"""`safeguard web ...`: administering the web platform (the first administrator, Django's
own commands), with the demo's commands (demo.py) and the committee report
(statistics.py) in the same group."""

from __future__ import annotations

import click

from .demo import seed_demo, seed_safeguarding, totp_code
from .django_setup import setup_django
from .statistics import committee_report


@click.group()
def web() -> None:
    """Web platform administration: demo accounts, first administrator, Django commands."""


web.add_command(seed_demo)
web.add_command(seed_safeguarding)
web.add_command(totp_code)


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

    from safeguard.web.accounts import enrolment
    from safeguard.web.accounts.models import Agency, AgencyKind, Role, User
    from safeguard.web.audit.events import record
    from safeguard.web.audit.models import Action

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
