"""Fixtures of the intelligence tests: a police force with an analyst, a second force, a
small synthetic hash set, referral documents and sighting CSV text.

    class Tests(IntelTestCase):
        def test_it(self):
            outcome = self.take_in(referral(email="a@example.org", md5s=[A_FILES[0]]))
            ...

Every digest is synthetic (the MD5 or SHA-1 of a short text), every identifier from a
documentation range or example.org: no real person, address or file.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.test import override_settings

from safeguard.triage.hashsets import HashSetStore
from safeguard.web.accounts.models import Agency, AgencyKind, Role
from safeguard.web.intelligence.intake.areas import build_resolver
from safeguard.web.intelligence.intake.auditing import Actor
from safeguard.web.intelligence.intake.matching import Matcher
from safeguard.web.intelligence.intake.referral_import import Outcome, import_referral
from safeguard.web.intelligence.intake.sighting_import import SightingResult, import_text
from safeguard.web.intelligence.models import Channel
from safeguard.web.safeguarding.reference import load_reference_data

from ..base import WebTestCase, make_user

NOW = "2026-03-03T12:00:00+00:00"
HASHSET = "intel-test"
REASON = "Developing the intelligence for the tasking meeting"


def md5_of(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


def sha1_of(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()


A_FILES = [md5_of(f"test-file-a-{i}") for i in range(10)]
B_FILES = [md5_of(f"test-file-b-{i}") for i in range(10)]
C_FILES = [md5_of(f"test-file-c-{i}") for i in range(10)]
SHA1_A = [sha1_of(f"test-file-a-{i}") for i in range(10)]  # the same A files, by SHA-1
UNKNOWN = [md5_of(f"test-file-unknown-{i}") for i in range(10)]


def build_hashset(home: Path) -> None:
    source = home / "intel-test.csv"
    lines = ["md5,sha1,category"]
    for i in range(10):
        lines.append(f"{A_FILES[i]},{SHA1_A[i]},A")
        lines.append(f"{B_FILES[i]},,B")
        lines.append(f"{C_FILES[i]},,C")
    source.write_text("\n".join(lines) + "\n")
    HashSetStore(home / "hashsets").import_file(source, HASHSET, "known-bad", replace=True)


@contextmanager
def intel_home(**settings: Any) -> Iterator[Path]:
    """A throwaway SAFEGUARD_HOME with the test hash set, the clock fixed and `settings`
    overridden, for tests outside IntelTestCase (the browser tests)."""
    home = Path(tempfile.mkdtemp(prefix="safeguard-intel-"))
    try:
        build_hashset(home)
        with override_settings(HOME=str(home), INTELLIGENCE_NOW=NOW,
                               INTELLIGENCE_HASHSETS=[HASHSET], **settings):
            yield home
    finally:
        shutil.rmtree(home, ignore_errors=True)


def referral(report_id: str = "REF-0001", *, service: str = "ExampleChat",
             time: str = "2026-03-03T09:00:00Z", email: str | None = None,
             username: str | None = None, phone: str | None = None,
             ips: list[tuple[str, str]] | None = None, md5s: list[str] | None = None,
             distributed: bool | None = None, **extra: Any) -> dict[str, Any]:
    account: dict[str, Any] = {}
    if email:
        account["email"] = email
    if username:
        account["username"] = username
    if phone:
        account["phone"] = phone
    if ips:
        account["ip_events"] = [{"ip": ip, "time": at, "event": "upload"} for ip, at in ips]
    if not account:
        account["email"] = "someone@example.org"
    files = []
    for i, md5 in enumerate(md5s or []):
        entry: dict[str, Any] = {"name": f"file-{i}.jpg", "md5": md5}
        if distributed is not None:
            entry["distributed"] = distributed
        files.append(entry)
    document: dict[str, Any] = {
        "schema": "safeguard.referral/1",
        "report_id": report_id,
        "received_via": "National centre (example)",
        "reporting_service": {"name": service, "type": "messaging"},
        "incident": {"time": time, "type": "apparent child sexual abuse material"},
        "accounts": [account],
        "files": files,
    }
    document.update(extra)
    return document


def sightings_csv(rows: list[dict[str, str]]) -> str:
    columns = ["observed_at", "identifier_type", "identifier", "network", "port", "md5",
               "sha1", "file_name", "postcode", "town"]
    lines = [",".join(columns)]
    for row in rows:
        lines.append(",".join(row.get(c, "") for c in columns))
    return "\n".join(lines) + "\n"


def sighting(at: str, identifier: str, md5: str = "", *, kind: str = "ip",
             network: str = "", sha1: str = "", **cells: str) -> dict[str, str]:
    return {"observed_at": at, "identifier_type": kind, "identifier": identifier,
            "network": network, "md5": md5, "sha1": sha1, **cells}


class IntelTestCase(WebTestCase):
    """alice: police investigator; dora: police analyst (same force); erin: analyst of
    another police force; bob and charlie as in WebTestCase (partner and outsider)."""

    home: Path
    other_police: Agency
    reason = REASON

    @classmethod
    def setUpClass(cls) -> None:
        cls.home = Path(tempfile.mkdtemp(prefix="safeguard-intel-tests-"))
        build_hashset(cls.home)
        cls._home_override = override_settings(HOME=str(cls.home), INTELLIGENCE_NOW=NOW,
                                               INTELLIGENCE_HASHSETS=[HASHSET])
        cls._home_override.enable()
        super().setUpClass()

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        cls._home_override.disable()
        shutil.rmtree(cls.home, ignore_errors=True)

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        load_reference_data()
        cls.dora = make_user("dora", cls.owner_agency, Role.ANALYST)
        cls.other_police = Agency.objects.create(name="West Midlands Police (test)",
                                                 kind=AgencyKind.POLICE)
        cls.erin = make_user("erin", cls.other_police, Role.ANALYST)

    # Taking things in -------------------------------------------------------------

    def actor(self, agency: Agency | None = None) -> Actor:
        return Actor(agency or self.owner_agency, name="tests")

    def take_in(self, document: dict[str, Any], agency: Agency | None = None) -> Outcome:
        with Matcher.configured() as matcher:
            return import_referral(self.actor(agency), document, channel=Channel.FILE,
                                   matcher=matcher, resolver=build_resolver())

    def sightings(self, rows: list[dict[str, str]], agency: Agency | None = None,
                  source: str = "Monitor (test)") -> SightingResult:
        return import_text(self.actor(agency), sightings_csv(rows), "test.csv", source=source)

    def assertCountsAgree(self) -> None:
        """The hourly counts are exactly the number of presence rows of each hour."""
        from django.db.models import Count

        from safeguard.web.intelligence.models import HourlyCount, HourlyPresence

        presence = {(row["agency_id"], row["hour"], row["district_key"]): row["n"]
                    for row in HourlyPresence.objects.values(
                        "agency_id", "hour", "district_key").annotate(n=Count("subject_id"))}
        counts = {(c.agency_id, c.hour, c.district_key): c.subjects
                  for c in HourlyCount.objects.exclude(subjects=0)}
        self.assertEqual(counts, presence)

