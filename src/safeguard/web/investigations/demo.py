"""The demo investigation: Operation Lantern, over the demo case `safeguard demo` built.

After `safeguard demo --workdir DIR` has built the benign evidence and triaged all three
items in one run (DIR/report), this creates, for the demo police force:

- the operation "Lantern (demo)" and the investigation "Operation Lantern (demo)";
- one synthetic suspect (Faker en_GB, seeded: the same person every time), arrested on
  the day of the seizure and released under investigation;
- one exhibit per evidence item: EX-0001 the USB stick (usb-stick.dd), EX-0002 the
  laptop (laptop.E01), EX-0003 the shared folder (shared-folder.zip);
- and, through triage_runs.demo, for each exhibit a finished TriageJob holding *its*
  part of the one run (DIR/report).

Idempotent: a second call finds what the first made and re-imports the three jobs'
results from the report now on disk (the demo rebuilds its evidence each time). Unlike
the register's, partners' and intelligence's demos (core.demo.DemoBuilder: a seeded
population, made once), this is one fixed case found record by record by its reference.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from django.db import transaction
from django.utils import timezone

from ..accounts.models import Agency, User
from ..audit.events import record
from ..audit.models import Action
from ..core.demo import SEEDED_BY
from ..core.models import AgencyOwned
from .models import (
    Exhibit,
    ExhibitType,
    Investigation,
    Operation,
    Suspect,
    SuspectOutcome,
    SuspectOutcomeKind,
)

Owned = TypeVar("Owned", bound=AgencyOwned)

POLICE = "Staffordshire Police (demo)"
INVESTIGATION_REFERENCE = "DEMO-0001"  # the demo case number (safeguard.demo.case)

EXHIBITS = (
    ("EX-0001", "usb-stick.dd", ExhibitType.USB_STICK, "Generic", "16 GB USB stick",
     "USB stick found in a bedside drawer (MBR, FAT16)"),
    ("EX-0002", "laptop.E01", ExhibitType.LAPTOP, "Demo", "Notebook 14",
     "Laptop, E01 image of its ext4 volume"),
    ("EX-0003", "shared-folder.zip", ExhibitType.CLOUD_EXPORT, "", "",
     "Export of a shared cloud folder (zip)"),
)


@dataclass(frozen=True)
class DemoCase:
    investigation: Investigation
    exhibits: list[Exhibit]


def build_demo_case(workdir: Path) -> DemoCase:
    """The operation, investigation, suspect and exhibits (their evidence paths in
    workdir/evidence); found, not made again, on a second call."""
    workdir = workdir.resolve()
    agency = Agency.objects.get(name=POLICE)
    investigator = User.objects.get(username="police.investigator")
    supervisor = User.objects.get(username="police.supervisor")
    with transaction.atomic():
        operation = _get_or_create(Operation, dict(owning_agency=agency, reference="OP-LANTERN"),
                                   name="Lantern (demo)", lead_officer=supervisor)
        investigation = _get_or_create(
            Investigation, dict(owning_agency=agency, reference=INVESTIGATION_REFERENCE),
            title="Operation Lantern (demo)", operation=operation,
            opened_on=dt.date(2026, 11, 2), officer_in_charge=investigator,
            summary="Synthetic demo case: benign generated pictures, fictional categories.",
        )
        suspect = _demo_suspect(agency, investigation)
        _demo_arrest(suspect, investigation, investigator)
        exhibits = [
            _get_or_create(
                Exhibit, dict(investigation=investigation, reference=reference),
                owning_agency=agency, exhibit_type=kind, make=make, model=model,
                description=description, serial_number=f"DEMO-{index:04d}",
                seized_from_suspect=suspect, seized_from_place="Cannock (demo address)",
                seized_at=timezone.make_aware(dt.datetime(2026, 11, 3, 7, 5 + index)),
                seized_by=investigator,
                evidence_path=str(workdir / "evidence" / file_name),
            )
            for index, (reference, file_name, kind, make, model, description)
            in enumerate(EXHIBITS, start=1)
        ]
    return DemoCase(investigation, exhibits)


def _get_or_create(kind: type[Owned], lookup: dict[str, Any], **fields: Any) -> Owned:
    found = kind._default_manager.filter(**lookup).first()
    if found is not None:
        return found
    created = kind._default_manager.create(**lookup, **fields)
    record(None, Action.CREATE, created, username=SEEDED_BY)
    return created


def _demo_arrest(suspect: Suspect, investigation: Investigation, officer: User) -> None:
    """The suspect arrested the morning the exhibits were seized and released under
    investigation while they are examined: the committee report's arrests per operation
    have one to count in the demo."""
    if SuspectOutcome.objects.filter(suspect=suspect).exists():
        return
    outcome = SuspectOutcome.objects.create(
        suspect=suspect, investigation=investigation, arrested_on=dt.date(2026, 11, 3),
        offence="Making indecent images of children (demo)",
        outcome=SuspectOutcomeKind.RUI, recorded_by=officer)
    record(None, Action.UPDATE, suspect, username=SEEDED_BY, outcome=outcome.pk)


def _demo_suspect(agency: Agency, investigation: Investigation) -> Suspect:
    from faker import Faker

    fake = Faker("en_GB")
    fake.seed_instance(20261103)
    name = f"{fake.first_name_male()} {fake.last_name()}"
    suspect = Suspect.objects.filter(owning_agency=agency, investigations=investigation).first()
    if suspect is None:
        suspect = Suspect.objects.create(
            owning_agency=agency, name=f"{name} (demo)",
            date_of_birth=fake.date_of_birth(minimum_age=25, maximum_age=60),
            aliases=fake.first_name_male(), notes="Synthetic person for the demo.",
        )
        suspect.investigations.add(investigation)
        record(None, Action.CREATE, suspect, username=SEEDED_BY)
    return suspect
