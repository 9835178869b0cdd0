"""Synthetic intelligence for the demo: referrals and sightings over the demo districts.

    seed_intelligence_demo()     # demo mode only; idempotent; about a second on SQLite

Makes (or finds) the foundation's demo agencies and users, a synthetic known-bad hash set
`intel-demo` in the store (digests of made-up text, graded A/B/C: no real material), then
about 130 synthetic people, each with identifiers from documentation ranges and
example.org (email, a 07700 900xxx drama-range telephone number, a user name, a peer ID,
a home address in one of the demo districts' IP ranges; some on dynamic addresses that
change daily). Their referrals (over the last 60 days) and sightings (the last 8 days,
busier recently) go in through the real imports, so the districts, matching, linking,
counters and score are what the platform computes. A few subjects are linked to adults
of concern of the safeguarding demo (when it was seeded), and a few decisions recorded.

Deterministic: a fixed seed, times placed relative to the platform's clock (the hour),
so that the live picture always has someone in the last hour. A second run finds the
demo referrals and changes nothing (core.demo.DemoBuilder, the pattern every app's demo
follows; this one is not one transaction, since it goes through the real imports).
"""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.db import transaction

from ..accounts.models import Agency, Role, User
from ..core.demo import SEEDED_BY, DemoBuilder, DemoSummary
from ..demo import require_demo_mode, seed
from ..safeguarding.models import AdultOfConcern, LinkedPerson
from .conf import hashset_root
from .intake.auditing import Actor, record
from .intake.referral_import import import_referrals
from .intake.sighting_import import import_text
from .models import (
    Channel,
    Decision,
    DecisionKind,
    Referral,
    Sighting,
    Subject,
    SubjectStatus,
)
from .scoring.score import rescore_ids
from .scoring.stats import hour_of

SEED = 20260306
POLICE = "Staffordshire Police (demo)"
HASHSET = "intel-demo"
PREFIX = "DEMO-INT-"
PEOPLE = 130
SERVICES = ("ExampleChat", "ExampleShare", "ExamplePics")
NETWORKS = ("ExampleP2P",)
# District IP blocks of local.toml (synthetic documentation ranges), weights ~ population.
# (prefix, low, high, weight, a town of the district: monitors geolocate peers to a town)
BLOCKS = [("203.0.113.", 0, 239, 24, "Hanley"), ("198.51.100.", 0, 31, 9, "Cannock"),
          ("198.51.100.", 32, 63, 10, "Burton upon Trent"),
          ("198.51.100.", 64, 95, 8, "Lichfield"), ("198.51.100.", 96, 127, 11, "Kidsgrove"),
          ("198.51.100.", 128, 159, 9, "Codsall"), ("198.51.100.", 160, 191, 12, "Stone"),
          ("198.51.100.", 192, 223, 8, "Leek"), ("198.51.100.", 224, 255, 7, "Tamworth"),
          ("192.0.2.", 1, 254, 2, "")]
POSTCODES = ("ST1 4AA", "ST4 2BB", "ST5 1CC", "ST16 2DD", "WS11 1EE", "DE14 3FF", "WS13 6GG",
             "B79 7HH", "ST13 5JJ", "WV8 1KK")


class IntelligenceSummary(DemoSummary):
    SEEDED = "Seeded the intelligence demo: "
    ALREADY = "The intelligence demo was already seeded: "


@dataclass
class Person:
    number: int
    email: str
    phone: str
    username: str
    service: str
    peer: str
    address: str
    town: str
    dynamic: bool
    grade_a: float
    activity: float
    shares_p2p: bool


def _digest(kind: str, text: str) -> str:
    return hashlib.new(kind, f"intel-demo {text}".encode()).hexdigest()


KNOWN = [(_digest("md5", f"known {i}"), _digest("sha1", f"known {i}"),
          "A" if i < 60 else "B" if i < 150 else "C") for i in range(300)]
UNKNOWN = [_digest("md5", f"unknown {i}") for i in range(200)]


def ensure_hashset(root: Path | None = None) -> None:
    """The demo's known-bad set, made once in the store (synthetic digests only)."""
    from safeguard.triage import HashSetStore

    store = HashSetStore(root or hashset_root())
    if any(info.name == HASHSET for info in store.list()):
        return
    store.root.mkdir(parents=True, exist_ok=True, mode=0o700)
    source = store.root.parent / "intel-demo-hashes.csv"
    source.write_text("md5,sha1,category\n" + "".join(f"{m},{s},{c}\n" for m, s, c in KNOWN))
    store.import_file(source, HASHSET, "known-bad")
    source.unlink()


def _people(rng: random.Random) -> list[Person]:
    people = []
    weights = [b[3] for b in BLOCKS]
    for n in range(PEOPLE):
        prefix, low, high, _, town = rng.choices(BLOCKS, weights)[0]
        service = rng.choice(SERVICES)
        people.append(Person(
            number=n, email=f"user{n:03d}.demo@example.org", phone=f"07700 900{n:03d}",
            username=f"demo_user_{n:03d}", service=service, peer=f"-DEMO{n:04d}-",
            address=f"{prefix}{rng.randint(low, high)}", town=town,
            dynamic=rng.random() < 0.08,
            grade_a=rng.choice([0.0, 0.05, 0.1, 0.3, 0.6]),
            activity=rng.choice([0.2, 0.5, 1.0, 2.0, 4.0]), shares_p2p=rng.random() < 0.7))
    return people


def _address(person: Person, moment: datetime) -> str:
    if not person.dynamic:
        return person.address
    # A dynamic address: another in the same block each day.
    prefix = person.address.rsplit(".", 1)[0]
    return f"{prefix}.{(int(person.address.rsplit('.', 1)[1]) + moment.toordinal()) % 250 + 1}"


def _file(person: Person, rng: random.Random) -> tuple[str, str, str]:
    """(md5, sha1, category) of a file the person has; "" category for unknown."""
    roll = rng.random()
    if roll < 0.06:
        return rng.choice(UNKNOWN), "", ""
    if roll < 0.06 + person.grade_a:
        return KNOWN[rng.randrange(60)]
    return KNOWN[rng.randrange(60, 300)]


def _referrals(people: list[Person], rng: random.Random, moment: datetime
               ) -> list[dict[str, Any]]:
    documents = []
    for index in range(90):
        person = rng.choice(people[:90])
        at = moment - timedelta(days=rng.uniform(0.05, 60))
        account: dict[str, Any] = {"email": person.email,
                                   "ip_events": [{"ip": _address(person, at),
                                                  "time": _iso(at), "event": "upload"}]}
        if rng.random() < 0.5:
            account["username"] = person.username
        if rng.random() < 0.3:
            account["phone"] = person.phone
        files = []
        for _ in range(rng.randint(1, 6)):
            md5, _sha1, _ = _file(person, rng)
            files.append({"name": f"IMG_{rng.randint(1000, 9999)}.jpg", "md5": md5,
                          "distributed": rng.random() < 0.4,
                          "uploaded_at": _iso(at - timedelta(minutes=rng.randint(1, 50)))})
        document: dict[str, Any] = {
            "schema": "safeguard.referral/1",
            "report_id": f"{PREFIX}{index + 1:05d}",
            "received_via": "National centre (demo)",
            "reporting_service": {"name": person.service, "type": "social media"},
            "incident": {"time": _iso(at), "type": "apparent child sexual abuse material",
                         "description": "Synthetic demo referral: no real person or file."},
            "accounts": [account],
            "files": files,
        }
        if rng.random() < 0.4:
            document["location"] = {"country": "GB", "postcode": rng.choice(POSTCODES)}
        documents.append(document)
    return documents


def _sightings(people: list[Person], rng: random.Random, moment: datetime) -> str:
    lines = ["observed_at,identifier_type,identifier,network,port,md5,sha1,file_name,town"]
    start = hour_of(moment) - timedelta(days=8)
    for person in people[20:]:
        hours = int(24 * 8 * min(person.activity, 3) / 8)
        for _ in range(hours):
            # Busier towards now: the square of a uniform number leans to recent hours.
            back = timedelta(hours=(rng.random() ** 2) * 24 * 8)
            at = min(moment - timedelta(minutes=1), start + (timedelta(days=8) - back))
            for _ in range(rng.randint(1, 4)):
                md5, sha1, _ = _file(person, rng)
                seen = at + timedelta(minutes=rng.randint(0, 50))
                if seen >= moment:
                    seen = moment - timedelta(minutes=rng.randint(1, 50))
                if person.shares_p2p and rng.random() < 0.5:
                    lines.append(f"{_iso(seen)},client_id,{person.peer},{NETWORKS[0]},,"
                                 f"{'' if sha1 else md5},{sha1},file.jpg,{person.town}")
                else:
                    lines.append(f"{_iso(seen)},ip,{_address(person, seen)},,"
                                 f"{rng.randint(1024, 65535)},{md5},,file.jpg,")
    return "\n".join(lines) + "\n"


def _iso(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def seed_intelligence_demo() -> DemoSummary:
    """Create the intelligence demo (demo mode only); a second call changes nothing."""
    require_demo_mode()
    seed()
    return IntelligenceDemo.seed()


def _police() -> Agency:
    return Agency.objects.get(name=POLICE)


class IntelligenceDemo(DemoBuilder):
    NAME = "intelligence demo"
    SEED = SEED
    SUMMARY = IntelligenceSummary
    # Through the real imports, which commit batch by batch as they do for a force.
    ATOMIC = False

    @classmethod
    def existing(cls) -> bool:
        return Referral.objects.filter(owning_agency=_police(),
                                       report_id__startswith=PREFIX).exists()

    @classmethod
    def counts(cls) -> Counter[str]:
        police = _police()
        return Counter({
            "referrals": Referral.objects.filter(owning_agency=police).count(),
            "sightings": Sighting.objects.filter(agency=police).count(),
            "subjects": Subject.objects.filter(owning_agency=police).exclude(
                status=SubjectStatus.MERGED).count(),
        })

    def build(self) -> None:
        police = _police()
        ensure_hashset()
        people = _people(self.rng)
        actor = Actor(police, name=SEEDED_BY)
        result = import_referrals(actor, _referrals(people, self.rng, self.now),
                                  channel=Channel.FILE)
        if result.invalid:
            raise RuntimeError(f"demo referrals refused: {result.errors[:3]}")
        import_text(actor, _sightings(people, self.rng, self.now), "demo-monitor.csv",
                    source="Peer-to-peer monitor (demo)")
        _finish(police)

    def record(self, summary: DemoSummary) -> None:
        # As an import would: the police agency's, so its supervisors find it.
        record(Actor(_police(), name=SEEDED_BY), "create", None, seeded=self.NAME,
               subjects=summary.counts["subjects"])


def _finish(police: Agency) -> None:
    """Register links and a few decisions, so that every part of a profile shows."""
    analyst = User.objects.filter(agency=police, role=Role.ANALYST).first()
    subjects = list(Subject.objects.filter(owning_agency=police).exclude(
        status=SubjectStatus.MERGED).order_by("pk"))
    with transaction.atomic():
        adults = list(AdultOfConcern.objects.filter(
            pk__in=LinkedPerson.objects.exclude(adult=None).values("adult_id")).order_by("pk"))
        for subject, adult in zip(subjects[3:30:9], adults[:3], strict=False):
            subject.adult_of_concern = adult
            subject.previous_convictions = 1
            subject.save(update_fields=["adult_of_concern", "previous_convictions"])
            rescore_ids([subject.pk])
            subject.refresh_from_db(fields=["score"])
        if analyst is not None:
            for subject, kind in zip(subjects[-6:-2], (DecisionKind.DEVELOP, DecisionKind.DEVELOP,
                                                       DecisionKind.NO_FURTHER_ACTION,
                                                       DecisionKind.REFER), strict=False):
                Decision.objects.create(
                    subject=subject, kind=kind, score=subject.score, decided_by=analyst,
                    other_force="West Mercia Police (demo)" if kind == DecisionKind.REFER
                    else "", reason="Synthetic demo decision.")
                subject.status = {DecisionKind.DEVELOP: SubjectStatus.DEVELOPING,
                                  DecisionKind.NO_FURTHER_ACTION: SubjectStatus.NO_FURTHER_ACTION,
                                  DecisionKind.REFER: SubjectStatus.REFERRED}[kind]
                subject.save(update_fields=["status"])
