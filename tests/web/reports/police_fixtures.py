"""Hand-counted records for the police figures (test_police_figures.py): people sharing
per district and quarter, and arrests and charges per operation.

Quarter: January to March 2026 (the last of the eight to 31 March 2026).

People sharing (intelligence subjects P1..P8, sightings of known files unless said):
- P1: Stoke twice (January), Tamworth (February)     -> Stoke, Tamworth; once in the total
- P2: Stoke (March)                                  -> Stoke
- P3: Stafford, a file NOT in a known set            -> not counted
- P4: merged into P2; Stoke (February)               -> counts as P2: Stoke still 2
- P5: a child (safeguarding route); Stoke            -> not counted
- P6: a referral of an incident in Tamworth (January)-> Tamworth
- P7: a sighting whose district was not resolved     -> "Not recorded"
- P8: Stoke on 31 December 2025, 23:30 local          -> the quarter before
January to March 2026: Stoke 2 (P1, P2), Tamworth 2 (P1, P6), Not recorded 1 (P7);
districts add to 5, the total is 4 people. October to December 2025: Stoke 1 (P8).
`crowd()` adds six people seen in Stafford only in the quarter: Stafford 6, total 10.

Operations (owner agency's A, B active, C closed; D another force's), the quarter:
- S1 in A: arrested 10 Jan, charged 11 Jan; arrested 1 Feb, charged 2 Feb
- S2 in A: arrested 5 Mar, released under investigation
- S2 in B: charged 20 Feb without arrest (postal requisition)
- S1 in B: arrested 30 Dec 2025 (the quarter before), charged 2 Jan 2026
- S3 in an investigation outside any operation: arrested 15 Jan -> in no row
- S4 in D: arrested 20 Jan -> not the owner's: in no row of the owner's copy
A: arrests 2+1 = 3, charges 2, people charged 1 (S1).
B: arrests 0, charges 2, people charged 2 (S1, S2).  C: closed, nothing: not listed.
All listed: arrests 3, charges 4, people charged 2 (S1 and S2 once each, not 1+2 = 3).
"""

from __future__ import annotations

from datetime import date, datetime
from itertools import count

from django.utils import timezone

from safeguard.web.accounts.models import Agency
from safeguard.web.core.models import Area
from safeguard.web.intelligence.models import (
    Channel,
    FileHash,
    Link,
    LinkRule,
    Referral,
    Sighting,
    SightingImport,
    Subject,
    SubjectStatus,
)
from safeguard.web.investigations.models import (
    Investigation,
    Operation,
    OperationStatus,
    Suspect,
    SuspectOutcome,
    SuspectOutcomeKind,
)
from safeguard.web.safeguarding.reference import load_reference_data

STOKE, TAMWORTH, STAFFORD = "E06000021", "E07000199", "E07000197"
_numbers = count(1)


def local(text: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(text))


class Sharing:
    def __init__(self, police: Agency) -> None:
        load_reference_data()
        self.police = police
        self.stoke = Area.objects.get(ons_code=STOKE)
        self.tamworth = Area.objects.get(ons_code=TAMWORTH)
        self.stafford = Area.objects.get(ons_code=STAFFORD)
        self.batch = SightingImport.objects.create(owning_agency=police, source="test monitor")
        self.known = FileHash.objects.create(key="md5:" + "a" * 32, md5="a" * 32,
                                             hashset="test", category="A")
        self.unknown = FileHash.objects.create(key="md5:" + "b" * 32, md5="b" * 32)
        p1, p2, p3 = self.person(), self.person(), self.person()
        p4, p5, p6 = self.person(), self.person(is_child=True), self.person()
        p7, p8 = self.person(), self.person()
        self.seen(p1, self.stoke, "2026-01-05T10:00")
        self.seen(p1, self.stoke, "2026-01-20T10:00")
        self.seen(p1, self.tamworth, "2026-02-14T10:00")
        self.seen(p2, self.stoke, "2026-03-30T22:00")
        self.seen(p3, self.stafford, "2026-02-01T10:00", known=False)
        self.seen(p4, self.stoke, "2026-02-02T10:00")
        p4.status, p4.merged_into = SubjectStatus.MERGED, p2
        p4.save()
        self.seen(p5, self.stoke, "2026-02-03T10:00")
        referral = Referral.objects.create(
            owning_agency=police, report_id="TEST-1", reporting_service="Example service",
            incident_at=local("2026-01-09T09:00"), district=self.tamworth,
            channel=Channel.FILE, document={})
        Link.objects.create(subject=p6, kind="email", value="p6@example.org",
                            shown="p6@example.org", rule=LinkRule.FIRST, referral=referral,
                            first_seen_at=referral.incident_at,
                            last_seen_at=referral.incident_at)
        self.seen(p7, None, "2026-03-01T10:00")
        self.seen(p8, self.stoke, "2025-12-31T23:30")

    def person(self, is_child: bool = False) -> Subject:
        return Subject.objects.create(owning_agency=self.police, is_child=is_child)

    def seen(self, subject: Subject, district: Area | None, at: str, known: bool = True) -> None:
        when = local(at)
        n = next(_numbers)
        link = Link.objects.create(subject=subject, kind="ip", value=f"192.0.2.{n % 250}",
                                   shown=f"192.0.2.{n % 250}", rule=LinkRule.FIRST,
                                   first_seen_at=when, last_seen_at=when)
        Sighting.objects.create(
            agency=self.police, batch=self.batch, observed_at=when, kind="ip",
            value=link.value, file=self.known if known else self.unknown, known=known,
            district=district, link=link, subject=subject)

    def crowd(self) -> None:
        for day in range(1, 7):
            self.seen(self.person(), self.stafford, f"2026-02-{day:02d}T12:00")


class Operations:
    def __init__(self, police: Agency, other_force: Agency) -> None:
        self.a = Operation.objects.create(owning_agency=police, name="Operation Alder",
                                          reference="OP-A")
        self.b = Operation.objects.create(owning_agency=police, name="Operation Birch",
                                          reference="OP-B")
        self.c = Operation.objects.create(owning_agency=police, name="Operation Cedar",
                                          reference="OP-C", status=OperationStatus.CLOSED)
        self.d = Operation.objects.create(owning_agency=other_force, name="Operation Damson",
                                          reference="OP-D")
        ia = self.investigation(police, "INV-A", self.a)
        ib = self.investigation(police, "INV-B", self.b)
        self.investigation(police, "INV-C", self.c)
        inone = self.investigation(police, "INV-N", None)
        idd = self.investigation(other_force, "INV-D", self.d)
        self.s1 = self.suspect(police, "SUSPECT-ONE", ia, ib)
        self.s2 = self.suspect(police, "SUSPECT-TWO", ia, ib)
        s3 = self.suspect(police, "SUSPECT-THREE", inone)
        s4 = self.suspect(other_force, "SUSPECT-FOUR", idd)
        charged = SuspectOutcomeKind.CHARGED
        self.outcome(self.s1, ia, date(2026, 1, 10), date(2026, 1, 11), charged)
        self.outcome(self.s1, ia, date(2026, 2, 1), date(2026, 2, 2), charged)
        self.outcome(self.s2, ia, date(2026, 3, 5), None, SuspectOutcomeKind.RUI)
        self.outcome(self.s2, ib, None, date(2026, 2, 20), charged)
        self.outcome(self.s1, ib, date(2025, 12, 30), date(2026, 1, 2), charged)
        self.outcome(s3, inone, date(2026, 1, 15), None, SuspectOutcomeKind.BAIL)
        self.outcome(s4, idd, date(2026, 1, 20), None, SuspectOutcomeKind.PENDING)

    @staticmethod
    def investigation(agency: Agency, reference: str, operation: Operation | None
                      ) -> Investigation:
        return Investigation.objects.create(owning_agency=agency, reference=reference,
                                            title=f"Test {reference}", operation=operation,
                                            opened_on=date(2025, 6, 1))

    @staticmethod
    def suspect(agency: Agency, name: str, *investigations: Investigation) -> Suspect:
        suspect = Suspect.objects.create(owning_agency=agency, name=name)
        suspect.investigations.set(investigations)
        return suspect

    @staticmethod
    def outcome(suspect: Suspect, investigation: Investigation, arrested: date | None,
                charged: date | None, kind: str) -> None:
        SuspectOutcome.objects.create(suspect=suspect, investigation=investigation,
                                      arrested_on=arrested, charged_on=charged,
                                      offence="Distributing indecent images (test)",
                                      outcome=kind)
