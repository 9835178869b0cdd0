"""Fuzz targets for the platform's parsers of outside input: the referral JSON (file,
page and token API all read it the same way), the sightings CSV, the local configuration
files with their area tables, and the public concern form. Each goes as far as the
platform goes before it writes to the database.

Clear refusals each parser names (ReferralFileError and SchemaError for a referral,
SightingFileError and bad rows for sightings, SettingError for configuration, a form's
errors) pass; anything else escaping is a finding.
"""

from __future__ import annotations

import io
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .harness import as_file

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def django() -> None:
    if "DJANGO_SETTINGS_MODULE" not in os.environ:
        os.environ["DJANGO_SETTINGS_MODULE"] = "tests.web.settings"
        import django as framework

        framework.setup()


def referral(data: bytes) -> None:
    django()
    from safeguard.web.intelligence.intake.referral_import import (
        ReferralFileError,
        observed_identifiers,
        parse_json,
    )
    from safeguard.web.intelligence.intake.schema import SchemaError, check, documents_of

    try:
        documents = documents_of(parse_json(data))
    except (ReferralFileError, SchemaError):
        return
    for document in documents.items:
        try:
            checked = check(document, now=NOW)
        except SchemaError:
            continue
        from safeguard.web.intelligence.intake.schema import parse_time

        incident = parse_time(checked["incident"]["time"]) or NOW
        observed_identifiers(checked, incident, "44")


def sightings(data: bytes) -> None:
    django()
    from safeguard.web.intelligence.intake.sighting_import import RowReader, SightingFileError

    text = data.decode("utf-8", "replace")
    try:
        reader = RowReader(io.StringIO(text, newline=""), "fuzz.csv")
    except SightingFileError:
        return
    for _row in reader.rows():
        pass


def configuration(app: str) -> Any:
    """A force's TOML for one app's local rules (with its area tables), laid over the
    shipped file as the platform does."""

    def run(data: bytes) -> None:
        django()
        import importlib

        from safeguard.web.env import SettingError

        conf = importlib.import_module(f"safeguard.web.{app}.conf")
        config = conf.CONFIG
        with as_file(data, f"{app}.toml") as path:
            try:
                local = config.read(path)
                config.build({**config.read(config.shipped), **local})
            except SettingError:
                return

    run.__name__ = f"configuration_{app}"
    return run


def concern_form(data: bytes) -> None:
    django()
    from django.http import QueryDict

    from safeguard.web.partners.public_form import ConcernForm

    form = ConcernForm(QueryDict(data.decode("latin-1"), encoding="utf-8"))
    if form.is_valid():
        form.cleaned_data.get("code")


# Seeds ---------------------------------------------------------------------------------


def referral_seeds(_: Path) -> dict[str, bytes]:
    document = {
        "schema": "safeguard.referral/1", "report_id": "REF-0001",
        "received_via": "National centre (example)",
        "reporting_service": {"name": "ExampleChat", "type": "messaging"},
        "incident": {"time": "2026-03-03T09:00:00Z",
                     "type": "apparent child sexual abuse material"},
        "accounts": [{"email": "someone@example.org", "username": "user1",
                      "phone": "+44 7700 900000",
                      "ip_events": [{"ip": "203.0.113.7", "time": "2026-03-02T20:00:00Z",
                                     "event": "upload"}]}],
        "files": [{"name": "file-0.jpg", "md5": "8f398c463a6df480210a1459f81409d5",
                   "distributed": True}],
        "location": {"postcode": "ST4 1AA", "town": "Stoke-on-Trent"},
    }
    return {"one.json": json.dumps(document).encode(),
            "batch.json": json.dumps({"referrals": [document, document]}).encode()}


def sightings_seeds(_: Path) -> dict[str, bytes]:
    header = "observed_at,identifier_type,identifier,network,md5,sha1,sha256,port,file_name," \
             "postcode,town"
    rows = [
        "2026-03-01T21:14:00Z,ip,203.0.113.9,,8f398c463a6df480210a1459f81409d5,,,4662,a.jpg,"
        "ST4 1AA,Stoke-on-Trent",
        "2026-03-01T21:15:00+01:00,client_id,ABCDEF0123456789,gnutella,,"
        "a14bc8609e0c9be98f7fd1ae6348417fc4b6ed3a,,,b.jpg,,Stafford",
        "2026-03-01T21:16:00Z,account,user@example.org,,,,"
        "1a60f3f6c1eda4e13c0d850be22708f82bbfa1ef2921456a203a80f56106e957,,,,",
    ]
    return {"sightings.csv": ("\n".join([header, *rows]) + "\n").encode()}


def configuration_seeds(app: str) -> Any:
    def seeds(_: Path) -> dict[str, bytes]:
        import importlib

        django()
        conf = importlib.import_module(f"safeguard.web.{app}.conf")
        return {f"{app}.toml": Path(conf.CONFIG.shipped).read_bytes()}

    return seeds


def concern_form_seeds(_: Path) -> dict[str, bytes]:
    from urllib.parse import urlencode

    fields = {"code": "ABCDE-FGHJK-MNPQR-STVWX-YZ234",
              "what_happened": "A girl who looked about 14 was picked up by an older man.",
              "when_seen": "Friday about 11pm", "where_seen": "Outside the rank",
              "people": "Girl about 14; man about 35 with a beard.",
              "vehicles": "Silver Astra, AB12 CDE", "reporter_name": "Jo O'Neill-Smith",
              "reporter_phone": "+44 1782 000 000", "may_contact": "on"}
    return {"report.txt": urlencode(fields).encode()}
