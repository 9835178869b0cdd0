"""Synthetic demo data for partners: businesses across the districts, the training they
had, access codes, and a few concern reports in the police queue.

    summary = seed_partners_demo()     # demo mode only; idempotent; well under a second
    print(summary)                     # counts, and one access code to try the form with

Every business, person and report is generated (Faker en_GB with a fixed seed and a
seeded random generator): no real business or person. Licence numbers start with
`DEMO-`, which is also how a second run recognises the first. Dates are placed relative
to the platform's clock (core.clock), so that the statistics of the last quarter have
something in them on the day the demo runs (core.demo.DemoBuilder: made in one
transaction, recorded once). Demo access codes come from the seeded
generator (so the same seed gives the same codes to try); real codes never do (codes.py).
Concern reports are linked to demo children of the same district when the safeguarding
demo has been seeded. A few licensed drivers of the demo licensing authority (badges
`DEMO-HD-...`, synthetic names) have their training, one a refresher overdue, and one
concern report names a driver and a vehicle, referred to the authority.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import models
from django.utils import timezone

from ..accounts.models import Agency, User
from ..core.demo import DemoBuilder, DemoSummary
from ..core.models import Area
from ..demo import AGENCIES, require_demo_mode, seed
from ..safeguarding.models import Child
from ..safeguarding.reference import load_reference_data
from . import codes
from .models import (
    AccessCode,
    Attendance,
    Business,
    CodeStatus,
    ConcernChild,
    ConcernLicence,
    ConcernPlace,
    ConcernReport,
    ConcernStatus,
    DriverAttendance,
    LicensedDriver,
    LicensingReferral,
    Outcome,
    Sector,
    TrainingSession,
)

SEED = 20260611
BUSINESSES = 60
SESSIONS = 16
CONCERNS = 14
LICENCE_PREFIX = "DEMO-"
DISTRICT_WEIGHTS = {"E06000021": 16}
SECTOR_WEIGHTS = {Sector.TAXI: 20, Sector.TAKEAWAY: 15, Sector.HOTEL: 10,
                  Sector.LICENSED: 12, Sector.OTHER: 3}
NAME_WORDS = {
    Sector.TAXI: ("Cars", "Taxis", "Private Hire", "Cabs"),
    Sector.TAKEAWAY: ("Pizza", "Kebab House", "Fish Bar", "Chicken", "Noodle Bar"),
    Sector.HOTEL: ("Hotel", "Guest House", "B&B", "Lodge", "Inn"),
    Sector.LICENSED: ("Arms", "Tavern", "Bar", "Social Club"),
    Sector.OTHER: ("Shisha Lounge", "Car Wash", "Snooker Hall"),
}
LICENCE_KIND = {Sector.TAXI: "PHO", Sector.TAKEAWAY: "LNR", Sector.HOTEL: "PL",
                Sector.LICENSED: "PL", Sector.OTHER: "LIC"}
# The demo's licensing authority (demo.AGENCIES) records the taxi firms it licenses: those
# of its own district, as each district and borough council licenses its own.
LICENSING_DISTRICT = "E07000197"  # Stafford
TRAINERS = ("PC {} (Staffordshire Police CSE team)",
            "{} (Stafford Borough Council licensing)",
            "{} (Moorlands Young People's Trust)")
# Generic, synthetic narratives: no names, nothing from a real case.
STORIES = (
    "A girl who looked about 14 was picked up from outside by a man in his 30s in a {car}. "
    "She seemed nervous and did not want to get in.",
    "Two teenage girls were booked into a room by an older man who paid cash and gave no "
    "address. They were carrying school bags.",
    "A driver was asked to take a young girl to an address across town late at night by a "
    "man who paid in advance; she said she was 18 but looked much younger.",
    "A group of older men were buying food and alcohol for a boy and a girl who looked "
    "under 16 and were being given phones.",
    "A girl aged about 15 has been coming in most evenings with different adult men and "
    "seems drunk. Staff are worried about her.",
    "A boy who looked about 13 was collecting parcels and cash from the counter for an "
    "older man who waited outside in a {car}.",
)
CARS = ("silver hatchback", "black saloon", "white van", "grey estate car")
DRIVERS = 8
BADGE_PREFIX = "DEMO-HD-"
# Months before the demo day of the drivers' first session: past the default two-year
# refresher interval (conf.REFRESHER_MONTHS), so that the demo shows one overdue.
OLD_SESSION_DAYS = 26 * 30


@dataclass
class PartnersSummary(DemoSummary):
    demo_code: str = ""
    demo_business: str = ""

    SEEDED = "Seeded partners: "
    ALREADY = "Partners were already seeded: "

    def notes(self) -> list[str]:
        if not self.demo_code:
            return []
        return [f"Try the concern form at /partners/report/ with the code of "
                f"{self.demo_business}: {self.demo_code}"]


def seed_partners_demo() -> DemoSummary:
    """Create the partners demo (demo mode only); a second call changes nothing."""
    require_demo_mode()
    seed()
    load_reference_data()
    return PartnersDemo.seed()


def _agency(key: str) -> Agency:
    name = next(spec.name for spec in AGENCIES if spec.key == key)
    return Agency.objects.get(name=name)


def _demo_businesses() -> models.QuerySet[Business]:
    return Business.objects.filter(licence_number__startswith=LICENCE_PREFIX)


class PartnersDemo(DemoBuilder):
    NAME = "partners demo"
    SEED = SEED
    SUMMARY = PartnersSummary

    @classmethod
    def existing(cls) -> bool:
        return _demo_businesses().exists()

    @classmethod
    def counts(cls) -> Counter[str]:
        demo = _demo_businesses()
        return Counter({
            "businesses": demo.count(),
            "training sessions": TrainingSession.objects.filter(
                attendances__business__in=demo).distinct().count(),
            "staff trained": sum(Attendance.objects.filter(business__in=demo).values_list(
                "staff_count", flat=True)),
            "concern reports": ConcernReport.objects.filter(
                what_happened__in=[s.format(car=c) for s in STORIES for c in CARS]).count(),
            "licensed drivers": LicensedDriver.objects.filter(
                badge_number__startswith=BADGE_PREFIX).count(),
        })

    def __init__(self) -> None:
        super().__init__()
        self.police = _agency("police")
        self.licensing = _agency("licensing")
        self.users = {u.username: u for u in User.objects.filter(
            username__in=["police.investigator", "police.practitioner", "police.supervisor",
                          "licensing.practitioner"])}
        self.demo_code = ""
        self.demo_business = ""

    def summary(self) -> DemoSummary:
        return PartnersSummary(True, self.counts(), self.demo_code, self.demo_business)

    def moment(self, day: date) -> datetime:
        at = time(self.rng.randint(9, 23), self.rng.choice((0, 10, 20, 30, 40, 50)))
        return timezone.make_aware(datetime.combine(day, at))

    def build(self) -> None:
        self.areas = list(Area.objects.filter(active=True).order_by("name"))
        self.businesses = self.make_businesses()
        self.make_sessions()
        self.make_codes()
        self.make_concerns()
        self.make_drivers()  # last: the generators' earlier draws stay as they were

    def make_businesses(self) -> list[Business]:
        weights = {a: DISTRICT_WEIGHTS.get(a.ons_code, 6) for a in self.areas}
        made = []
        for number in range(1, BUSINESSES + 1):
            area, sector = self.pick(weights), self.pick(SECTOR_WEIGHTS)
            licensed_here = sector == Sector.TAXI and area.ons_code == LICENSING_DISTRICT
            owner = self.licensing if licensed_here else self.police
            creator = self.users[
                "licensing.practitioner" if licensed_here else "police.practitioner"]
            town = self.rng.choice(area.towns or [area.name])
            made.append(Business(
                owning_agency=owner, created_by=creator,
                name=f"{self.fake.last_name()} {self.rng.choice(NAME_WORDS[sector])}",
                sector=sector, district=area,
                premises=f"{self.fake.building_number()} {self.fake.street_name()}\n{town}",
                postcode=self.fake.postcode(),
                licence_number=f"{LICENCE_PREFIX}{LICENCE_KIND[sector]}-{number:04d}",
                contact_name=self.fake.name(), contact_phone=f"01782 {number:06d}",
                trading=self.rng.random() > 0.05,
            ))
        return Business.objects.bulk_create(made)

    def make_sessions(self) -> None:
        trainer_names = [self.fake.last_name() for _ in TRAINERS]
        attendances = []
        self.trained: list[Business] = []
        for number in range(SESSIONS):
            held = self.today - timedelta(days=12 + number * 28 + self.rng.randint(0, 10))
            area = self.pick({a: DISTRICT_WEIGHTS.get(a.ons_code, 6) for a in self.areas})
            sector = self.rng.choice([*Sector.values[:4], ""])
            which = self.rng.randrange(len(TRAINERS))
            session = TrainingSession.objects.create(
                owning_agency=self.police, created_by=self.users["police.practitioner"],
                held_on=held, trainer=TRAINERS[which].format(trainer_names[which]),
                sector=sector, district=area,
                venue=f"{self.rng.choice(area.towns or [area.name])} police station",
            )
            nearby = [b for b in self.businesses if b.district_id == area.pk
                      and (not sector or b.sector == sector)]
            others = [b for b in self.businesses if b not in nearby]
            chosen = self.rng.sample(nearby, min(len(nearby), self.rng.randint(2, 5)))
            chosen += self.rng.sample(others, self.rng.randint(0 if chosen else 2, 2))
            for business in chosen:
                staff = self.rng.randint(1, 8)
                names = "\n".join(self.fake.name() for _ in range(staff)) \
                    if self.rng.random() < 0.5 else ""
                attendances.append(Attendance(session=session, business=business,
                                              staff_count=staff, staff_names=names))
                if business not in self.trained:
                    self.trained.append(business)
        Attendance.objects.bulk_create(attendances)

    def make_codes(self) -> None:
        issuer = self.users["police.practitioner"]
        made = []
        self.codes: dict[int, str] = {}
        for business in self.trained:
            code = "".join(self.rng.choice(codes.ALPHABET) for _ in range(codes.LENGTH))
            self.codes[business.pk] = code
            made.append(AccessCode(business=business, code_hash=codes.digest(code),
                                   hint=code[:5], issued_by=issuer))
        AccessCode.objects.bulk_create(made)
        if self.trained:
            first = self.trained[0]
            self.demo_code, self.demo_business = codes.grouped(self.codes[first.pk]), first.name

    def make_concerns(self) -> None:
        officer = self.users["police.investigator"]
        children = list(Child.objects.filter(reference__startswith="DEMO-").order_by("pk"))
        for number in range(CONCERNS):
            status = CodeStatus.VALID
            business: Business | None = self.rng.choice(self.trained) if self.trained else None
            if number == CONCERNS - 1:
                status, business = CodeStatus.UNKNOWN, None
            elif number == CONCERNS - 2 and business is not None:
                status = CodeStatus.REVOKED
                old = "".join(self.rng.choice(codes.ALPHABET) for _ in range(codes.LENGTH))
                AccessCode.objects.create(business=business, code_hash=codes.digest(old),
                                          hint=old[:5], issued_by=officer,
                                          revoked_at=self.now - timedelta(days=200),
                                          revoked_by=officer)
            received = self.moment(self.today - timedelta(days=self.rng.randint(1, 170)))
            story = self.rng.choice(STORIES).format(car=self.rng.choice(CARS))
            owner = business.owning_agency if business is not None else self.police
            closed = self.rng.random() < 0.5 and number < CONCERNS - 3
            report = ConcernReport.objects.create(
                owning_agency=owner if owner.kind == "police" else self.police,
                received_at=received, business=business, code_status=status,
                what_happened=story, when_seen=f"{received:%d/%m/%Y} about {received:%H}:00",
                where_seen=("Outside the premises" if self.rng.random() < 0.6
                            else "In the car park behind the premises"),
                people="Girl about 14, dark hair, school uniform; man in his 30s, beard.",
                vehicles=f"{self.rng.choice(CARS)}, partial registration SV2",
                may_contact=self.rng.random() < 0.5,
                reporter_phone="01782 000000",
                status=ConcernStatus.CLOSED if closed else (
                    ConcernStatus.IN_PROGRESS if number % 3 == 0 else ConcernStatus.NEW),
                assigned_to=officer if number % 3 == 0 or closed else None,
                outcome=self.rng.choice([Outcome.INTELLIGENCE, Outcome.SOCIAL_CARE,
                                         Outcome.NFA]) if closed else "",
                closed_at=received + timedelta(days=2) if closed else None,
                closed_by=officer if closed else None,
            )
            if business is not None:
                ConcernPlace.objects.create(report=report, description=business.name,
                                            district=business.district, business=business,
                                            added_by=officer)
                nearby = [c for c in children if c.district_id == business.district_id]
                if nearby and (closed or number % 3 == 0):
                    ConcernChild.objects.create(report=report, child=self.rng.choice(nearby),
                                                added_by=officer)

    def make_drivers(self) -> None:
        """Drivers the licensing authority licenses, recorded by it; their training at a
        taxi session long ago (each one's refresher overdue unless trained again) and at
        the latest taxi sessions; one concern report linked to a driver and a vehicle and
        referred to the authority."""
        clerk = self.users["licensing.practitioner"]
        area = next(a for a in self.areas if a.ons_code == LICENSING_DISTRICT)
        firms = [b for b in self.businesses
                 if b.sector == Sector.TAXI and b.owning_agency_id == self.licensing.pk]
        Business.objects.filter(pk__in=[b.pk for b in firms]).update(
            licensing_authority=self.licensing)
        drivers = LicensedDriver.objects.bulk_create([LicensedDriver(
            owning_agency=self.licensing, created_by=clerk, name=self.fake.name(),
            badge_number=f"{BADGE_PREFIX}{number:04d}", licensing_authority=self.licensing,
            firm=self.rng.choice(firms) if firms else None, licensed=number != DRIVERS)
            for number in range(1, DRIVERS + 1)])
        old = TrainingSession.objects.create(
            owning_agency=self.licensing, created_by=clerk,
            held_on=self.today - timedelta(days=OLD_SESSION_DAYS),
            course="Safeguarding awareness for taxi and private hire drivers",
            trainer=TRAINERS[1].format(self.fake.last_name()), sector=Sector.TAXI,
            district=area, venue="Stafford civic centre")
        if firms:  # a firm's staff came too: every session has a business attending
            Attendance.objects.create(session=old, business=firms[0], staff_count=2)
        recent = TrainingSession.objects.create(
            owning_agency=self.licensing, created_by=clerk,
            held_on=self.today - timedelta(days=40),
            course="Safeguarding awareness for taxi and private hire drivers",
            trainer=TRAINERS[1].format(self.fake.last_name()), sector=Sector.TAXI,
            district=area, venue="Stafford civic centre")
        Attendance.objects.create(session=recent, business=(firms or self.businesses)[-1],
                                  staff_count=1)
        # Drivers 1-3 only long ago (overdue), 4-6 long ago and again lately, 7 lately.
        DriverAttendance.objects.bulk_create(
            [DriverAttendance(session=old, driver=d) for d in drivers[:6]]
            + [DriverAttendance(session=recent, driver=d) for d in drivers[3:7]])
        report = ConcernReport.objects.filter(owning_agency=self.police).exclude(
            status=ConcernStatus.CLOSED).order_by("received_at", "pk").first()
        if report is None:
            return
        officer = self.users["police.investigator"]
        driver_link = ConcernLicence.objects.create(
            report=report, licensing_authority=self.licensing, added_by=officer,
            badge_number=drivers[0].badge_number)
        ConcernLicence.objects.create(
            report=report, licensing_authority=self.licensing, added_by=officer,
            registration="DE10MOA", plate_number=f"{BADGE_PREFIX}P-0042")
        LicensingReferral.objects.create(
            owning_agency=self.police, created_by=officer, assigned_agency=self.licensing,
            link=driver_link,
            note="A trained business reported this driver picking up a girl who looked "
                 "about 14 late at night. Please consider the driver's licence.")
