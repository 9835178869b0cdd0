"""Synthetic demo data for the register: about 200 children across the Staffordshire areas,
risk screenings, missing episodes, adults of concern, about 70 warning notices, harms,
referrals and panels with actions.

Every person, address and story is generated (Faker en_GB with a fixed seed, and a seeded
random generator): no real person. The same seed gives the same people; dates are placed
relative to the platform's clock (core.clock.today()), so that the work lists have
something due and something overdue on the day the demo runs.

    seed_safeguarding_demo()    # demo mode only; idempotent; a few seconds on SQLite

It first makes (or finds) the foundation's demo agencies and users (safeguard.web.demo),
then the register in one transaction, mostly with bulk inserts, and records one audit
event for the whole seed (the records are synthetic; no one consulted or disclosed them):
the pattern every app's demo follows (core.demo.DemoBuilder).
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from ..accounts.models import Agency, User
from ..core.demo import DemoBuilder, DemoSummary
from ..core.models import Area, Share
from ..demo import AGENCIES, require_demo_mode, seed
from .conf import local_rules
from .demo_casework import PLACES, CaseworkMixin
from .demo_one_child import make_duplicates
from .demo_tasks import make_tasks
from .models import (
    AdultOfConcern,
    Arrest,
    ArrestOutcome,
    Child,
    Concern,
    EpisodeType,
    Ethnicity,
    Gender,
    InterviewStatus,
    LegalStatus,
    LegalStatusChange,
    LinkedPerson,
    MissingEpisode,
    MissingFrom,
    NoticeBreach,
    NoticeChild,
    NoticeStatus,
    PanelMeeting,
    Placement,
    Referral,
    Relationship,
    RiskAssessment,
    ScreeningTool,
    Task,
    WarningNotice,
)
from .reference import load_reference_data
from .rules import (
    NoBasis,
    add_months,
    notice_basis,
)

SEED = 20260305
CHILDREN = 200
ADULTS = 60
NOTICES = 70
REFERENCE_PREFIX = "DEMO-"

# Stoke-on-Trent is the largest district; the others share the rest.
DISTRICT_WEIGHTS = {"E06000021": 24}
AGE_WEIGHTS = {11: 3, 12: 7, 13: 22, 14: 27, 15: 23, 16: 11, 17: 7}
ETHNICITY_WEIGHTS = {
    Ethnicity.WHITE_BRITISH: 78, Ethnicity.ASIAN_PAKISTANI: 5,
    Ethnicity.MIXED_WHITE_BLACK_CARIBBEAN: 3,
    Ethnicity.MIXED_WHITE_ASIAN: 2, Ethnicity.WHITE_OTHER: 3, Ethnicity.BLACK_AFRICAN: 2,
    Ethnicity.ASIAN_INDIAN: 2, Ethnicity.WHITE_ROMA: 1, Ethnicity.OTHER_ARAB: 1,
    Ethnicity.NOT_STATED: 3,
}
LEGAL_WEIGHTS = {
    LegalStatus.NONE: 22, LegalStatus.CHILD_IN_NEED: 25, LegalStatus.CHILD_PROTECTION_PLAN: 16,
    LegalStatus.ACCOMMODATED: 10, LegalStatus.CARE_ORDER: 27,
}
SCHOOL_KINDS = ("Academy", "High School", "Community College", "Church of England Academy")


class RegisterSummary(DemoSummary):
    SEEDED = "Seeded the safeguarding register: "
    ALREADY = "The safeguarding register was already seeded: "


def seed_safeguarding_demo() -> DemoSummary:
    """Create the demo register (demo mode only); a second call changes nothing."""
    require_demo_mode()
    seed()
    load_reference_data()
    return RegisterDemo.seed()


def _agency(key: str) -> Agency:
    name = next(spec.name for spec in AGENCIES if spec.key == key)
    return Agency.objects.get(name=name)


class RegisterDemo(CaseworkMixin, DemoBuilder):
    NAME = "safeguarding demo"
    SEED = SEED
    SUMMARY = RegisterSummary

    @classmethod
    def existing(cls) -> bool:
        return Child.objects.filter(reference__startswith=REFERENCE_PREFIX).exists()

    @classmethod
    def counts(cls) -> Counter[str]:
        demo = Child.objects.filter(reference__startswith=REFERENCE_PREFIX)
        return Counter({
            "children": demo.count(),
            "risk screenings": RiskAssessment.objects.filter(child__in=demo).count(),
            "missing episodes": MissingEpisode.objects.filter(child__in=demo).count(),
            "warning notices": WarningNotice.objects.filter(
                children__in=demo).distinct().count(),
            "adults of concern": AdultOfConcern.objects.filter(
                pnc_reference__startswith=REFERENCE_PREFIX).count(),
            "concerns": Concern.objects.filter(child__in=demo).count(),
            "referrals": Referral.objects.filter(child__in=demo).count(),
            "panels": PanelMeeting.objects.filter(title__startswith="MACE").count(),
            "tasks": Task.objects.filter(child__in=demo).count(),
        })

    def __init__(self) -> None:
        super().__init__()
        self.rules = local_rules()
        self.police = _agency("police")
        self.county = _agency("county")
        self.city = _agency("city")
        self.icb = _agency("icb")
        self.education = _agency("education")
        self.users = {u.username: u for u in User.objects.filter(
            agency__in=[self.police, self.county, self.city, self.icb, self.education])}
        self.shares: list[Share] = []
        self.sharer = {self.police.pk: self.users["police.supervisor"],
                       self.county.pk: self.users["county.supervisor"],
                       self.city.pk: self.users["city.supervisor"]}
        self.types: dict[type[models.Model], ContentType] = {}

    # Helpers ---------------------------------------------------------------------

    def moment(self, day: date, start: int = 8, end: int = 22) -> datetime:
        clock = time(self.rng.randint(start, end - 1), self.rng.choice((0, 15, 30, 45)))
        return timezone.make_aware(datetime.combine(day, clock))

    def days_ago(self, low: int, high: int) -> date:
        return self.today - timedelta(days=self.rng.randint(low, high))

    def council_for(self, child: Child) -> Agency:
        return self.city if child.district.ons_code == "E06000021" else self.county

    def share(self, obj: Any, agency: Agency, reason: str) -> None:
        if agency.pk == obj.owning_agency_id:
            return
        model = type(obj)
        if model not in self.types:
            self.types[model] = ContentType.objects.get_for_model(model)
        self.shares.append(Share(content_type=self.types[model], object_id=obj.pk,
                                 agency=agency, reason=reason,
                                 shared_by=self.sharer[obj.owning_agency_id]))

    # The register ----------------------------------------------------------------

    def build(self) -> None:
        tool = ScreeningTool.objects.filter(slug="cse-screening", active=True).first()
        assert tool is not None, "the shipped screening tool is not loaded"
        self.tool: ScreeningTool = tool
        self.indicators = list(self.tool.indicators.all())
        self.spec = self.tool.spec(self.indicators)
        self.children = self.make_children()
        make_duplicates(self)  # the same child recorded twice; one pair merged
        self.risk = {child.pk: self.rng.choices((0, 1, 2, 3), weights=(15, 30, 35, 20))[0]
                     for child in self.children}
        self.make_assessments()
        self.make_episodes()
        self.adults = self.make_adults()
        self.make_notices()
        self.make_concerns()
        self.make_referrals()
        make_tasks(self)  # the front doors' and the provider's inboxes
        self.make_panels()
        Share.objects.bulk_create(self.shares)

    def make_children(self) -> list[Child]:
        areas = list(Area.objects.filter(active=True))
        weights = {a: DISTRICT_WEIGHTS.get(a.ons_code, 9) for a in areas}
        practitioners = {
            self.county.pk: [self.users["county.practitioner"], None],
            self.city.pk: [self.users["city.practitioner"], None],
            self.police.pk: [self.users["police.practitioner"], self.users["police.investigator"],
                             None],
        }
        children = []
        for number in range(1, CHILDREN + 1):
            area = self.pick(weights)
            age = self.pick(AGE_WEIGHTS)
            born = self.today - timedelta(days=365 * age + self.rng.randint(10, 355))
            gender = self.rng.choices((Gender.FEMALE, Gender.MALE, Gender.OTHER),
                                      weights=(68, 30, 2))[0]
            first = (self.fake.first_name_female() if gender == Gender.FEMALE
                     else self.fake.first_name_male())
            legal = self.pick(LEGAL_WEIGHTS)
            if legal in (LegalStatus.ACCOMMODATED, LegalStatus.CARE_ORDER):
                placement = self.rng.choices(
                    (Placement.RESIDENTIAL, Placement.FOSTER, Placement.SUPPORTED,
                     Placement.BNB_HOSTEL), weights=(45, 42, 9, 4))[0]
            else:
                placement = self.rng.choices((Placement.HOME, Placement.KINSHIP),
                                             weights=(90, 10))[0]
            if self.rng.random() < 0.25:
                owner = self.police
            else:
                owner = self.city if area.ons_code == "E06000021" else self.county
            town = self.rng.choice(area.towns or [area.name])
            children.append(Child(
                owning_agency=owner, reference=f"{REFERENCE_PREFIX}{number:04d}",
                first_name=first, last_name=self.fake.last_name(), date_of_birth=born,
                gender=gender, ethnicity=self.pick(ETHNICITY_WEIGHTS), district=area,
                address=f"{self.fake.building_number()} {self.fake.street_name()}\n{town}",
                legal_status=legal, placement=placement,
                placement_detail=(f"{self.fake.last_name()} House"
                                  if placement == Placement.RESIDENTIAL else ""),
                school=f"{self.fake.last_name()} {self.rng.choice(SCHOOL_KINDS)}, {town}",
                lead_practitioner=self.rng.choice(practitioners[owner.pk]),
                created_by=self.sharer[owner.pk],
            ))
        Child.objects.bulk_create(children)
        self.make_legal_histories(children)
        partners = [self.icb, self.education]
        family = []
        for child in children:
            for agency in (self.police, self.council_for(child)):
                self.share(child, agency, "Multi-agency exploitation panel: child at risk")
            if self.rng.random() < 0.3:
                self.share(child, self.rng.choice(partners), "Health and school support plan")
            family.append(LinkedPerson(child=child, relationship=Relationship.PARENT,
                                       name=f"{self.fake.first_name()} {child.last_name}"))
        LinkedPerson.objects.bulk_create(family)
        return children

    def make_legal_histories(self, children: list[Child]) -> None:
        """Each child's status since a date before any demo notice (notices are served
        20 to 540 days ago); some looked-after children were on a plan before."""
        changes = []
        for child in children:
            since = max(child.date_of_birth, self.days_ago(600, 1500))
            if child.is_looked_after and self.rng.random() < 0.3:
                changes.append(LegalStatusChange(
                    child=child, status=LegalStatus.CHILD_PROTECTION_PLAN,
                    since=max(child.date_of_birth, since - timedelta(days=200)),
                    note="Synthetic demo: plan before the order"))
            changes.append(LegalStatusChange(child=child, status=child.legal_status,
                                             since=since, note="Synthetic demo status"))
        LegalStatusChange.objects.bulk_create(changes)

    def make_assessments(self) -> None:
        through = RiskAssessment.indicators.through
        assessments, chosen = [], []
        tilt = {0: 0.04, 1: 0.15, 2: 0.3, 3: 0.5}
        for child in self.children:
            if self.rng.random() < 0.12:
                continue  # not screened yet
            completed = self.days_ago(5, 130)
            for _ in range(self.rng.choice((1, 1, 2, 3))):
                odds = tilt[self.risk[child.pk]]
                present = [i for i in self.indicators if self.rng.random() < odds]
                if child.placement == Placement.RESIDENTIAL:
                    present.append(next(i for i in self.indicators
                                        if i.code == "residential-care"))
                present = list({i.pk: i for i in present}.values())
                screening = self.spec.screen(child.age_on(completed), [i.code for i in present])
                score, calculated = screening.score, screening.grade.value
                override, reason = "", ""
                if self.rng.random() < 0.08 and not screening.rules:
                    override = self.rng.choice([g for g in ("low", "medium", "high")
                                                if g != calculated])
                    reason = ("Professional judgement: recent disclosures and agency "
                              "information not captured by the indicators.")
                assessments.append(RiskAssessment(
                    owning_agency=child.owning_agency, child=child, tool=self.tool,
                    completed_on=completed, completed_by=child.lead_practitioner,
                    score=score, calculated_grade=calculated, override_grade=override,
                    override_reason=reason, grade=override or calculated,
                    age_at_screening=screening.age,
                    rules_applied=[rule.as_record() for rule in screening.rules],
                    required_action=screening.required_action,
                    review_due=add_months(completed, self.rules.risk_review_months),
                    created_by=self.sharer[child.owning_agency_id],
                ))
                chosen.append(present)
                completed = completed - timedelta(days=self.rng.randint(80, 100))
        RiskAssessment.objects.bulk_create(assessments)
        through.objects.bulk_create(
            through(riskassessment_id=a.pk, indicator_id=i.pk)
            for a, present in zip(assessments, chosen, strict=True) for i in present)
        for assessment in assessments:
            for agency in (self.police, self.council_for(assessment.child)):
                self.share(assessment, agency, "Multi-agency exploitation panel: child at risk")

    def make_episodes(self) -> None:
        grades = [code for code, _ in self.rules.police_risk_grades]
        episodes: list[MissingEpisode] = []
        for child in self.children:
            risk = self.risk[child.pk]
            repeat = risk >= 2 and self.rng.random() < 0.35
            count = (self.rng.randint(3, 5) if repeat
                     else self.rng.choices((0, 1, 2), weights=(60, 28, 12))[0])
            span = 85 if repeat else 300
            for _ in range(count):
                reported = self.moment(self.days_ago(0, span))
                looked_after = child.is_looked_after
                away = looked_after and self.rng.random() < 0.3
                duration = timedelta(hours=self.rng.randint(3, 40))
                found = reported + duration
                still_missing = found > self.now or self.rng.random() < 0.02
                returned = None if still_missing else found + timedelta(hours=1)
                status = InterviewStatus.PENDING
                offered = interview_at = prevention = None
                if returned is not None and returned < self.now - timedelta(hours=24):
                    status = self.rng.choices(
                        (InterviewStatus.DONE, InterviewStatus.DECLINED, InterviewStatus.PENDING),
                        weights=(75, 12, 13))[0]
                    offered = returned + timedelta(hours=self.rng.randint(4, 20))
                    prevention = returned + timedelta(hours=self.rng.randint(1, 12))
                    if status != InterviewStatus.PENDING:
                        interview_at = min(offered + timedelta(hours=self.rng.randint(2, 50)),
                                           self.now)
                episodes.append(MissingEpisode(
                    owning_agency=self.police, child=child,
                    episode_type=EpisodeType.AWAY if away else EpisodeType.MISSING,
                    missing_from=(MissingFrom.CARE_PLACEMENT if looked_after
                                  else MissingFrom.HOME),
                    reported_at=reported, last_seen_at=reported - timedelta(hours=2),
                    police_reference=f"{REFERENCE_PREFIX}MP-{len(episodes) + 1:05d}",
                    police_risk_grade=self.rng.choice(grades),
                    found_at=None if still_missing else found,
                    where_found="" if still_missing else f"near {self.rng.choice(PLACES)}",
                    found_with="" if still_missing or self.rng.random() < 0.6
                    else "two adults not known to the family",
                    returned_at=returned, interview_status=status,
                    interview_offered_at=offered, interview_at=interview_at,
                    interview_by=("Return home interview service" if interview_at else ""),
                    interview_independent=True if interview_at else None,
                    prevention_interview_at=prevention,
                    prevention_interview_by="Missing persons coordinator" if prevention else "",
                    created_by=self.sharer[self.police.pk],
                ))
        MissingEpisode.objects.bulk_create(episodes)
        for episode in episodes:
            self.share(episode, self.council_for(episode.child),
                       "Missing from home or care: return home interview")

    def make_adults(self) -> list[AdultOfConcern]:
        areas = list(Area.objects.filter(active=True))
        adults = []
        for number in range(1, ADULTS + 1):
            area = self.rng.choice(areas)
            # Not all male: women and young adults exploit children too, and demo data
            # that shows only men trains testers to look for one kind of perpetrator.
            female = self.rng.random() < 0.2
            adults.append(AdultOfConcern(
                owning_agency=self.police, first_name=self.fake.first_name_female()
                if female else self.fake.first_name_male(),
                last_name=self.fake.last_name(),
                aliases=self.rng.choice(("", "", self.fake.first_name())),
                date_of_birth=self.today - timedelta(days=365 * self.rng.randint(18, 48)),
                gender=Gender.FEMALE if female else Gender.MALE, district=area,
                address=f"{self.fake.building_number()} {self.fake.street_name()}\n"
                        f"{self.rng.choice(area.towns or [area.name])}",
                description=f"Seen near {self.rng.choice(PLACES)}; "
                            f"{self.fake.color_name().lower()} hatchback.",
                intelligence_notes="Synthetic demo intelligence: reported offering lifts and "
                                   "gifts to teenagers; associates under review.",
                pnc_reference=f"{REFERENCE_PREFIX}PNC-{number:05d}",
                police_operation_reference=self.rng.choice(("", "", "Operation Demo Kestrel")),
                created_by=self.sharer[self.police.pk],
            ))
        AdultOfConcern.objects.bulk_create(adults)
        arrests = [
            Arrest(adult=adult, arrested_on=self.days_ago(10, 500),
                   offence=self.rng.choice(("Child abduction (Child Abduction Act 1984 s2)",
                                            "Harbouring a child in care (Children Act 1989 "
                                            "s49)",
                                            "Possession with intent to supply")),
                   outcome=self.rng.choice(ArrestOutcome.values),
                   custody_reference=f"{REFERENCE_PREFIX}CU-{index:05d}",
                   recorded_by=self.users["police.investigator"])
            for index, adult in enumerate(self.rng.sample(adults, 25), start=1)
        ]
        Arrest.objects.bulk_create(arrests)
        for adult in adults:
            self.share(adult, self.rng.choice((self.county, self.city)),
                       "Adult of concern linked to children on the register")
        return adults

    def make_notices(self) -> None:
        notices: list[WarningNotice] = []
        links: list[NoticeChild] = []
        people: list[LinkedPerson] = []
        pending: list[list[tuple[Child, Any, int]]] = []
        candidates = [c for c in self.children if self.risk[c.pk] >= 1]
        self.rng.shuffle(candidates)
        position = 0
        while len(notices) < NOTICES and position < len(candidates):
            adult = self.rng.choice(self.adults)
            served_on = self.days_ago(20, 540)
            group = []
            for child in candidates[position:position + self.rng.choice((1, 1, 1, 2))]:
                try:
                    age = child.age_on(served_on)
                    # The histories start before any served date, with today's status.
                    group.append((child, notice_basis(age, child.is_in_care), age))
                except (NoBasis, ValueError):
                    continue
            position += max(1, len(group))
            if not group:
                continue
            status = self.rng.choices(NoticeStatus.values, weights=(80, 8, 12))[0]
            review = add_months(served_on, self.rules.notice_review_months)
            while review < self.today - timedelta(days=30) and self.rng.random() < 0.85:
                review = add_months(review, self.rules.notice_review_months)
            notices.append(WarningNotice(
                owning_agency=self.police, adult=adult, served_at=self.moment(served_on),
                served_by=self.users["police.investigator"],
                served_by_name=f"PC {self.fake.last_name()} {self.rng.randint(1000, 9999)}",
                review_due=review, status=status,
                status_changed_on=served_on + timedelta(days=90) if status != "active" else None,
                status_reason="" if status == "active" else "Reviewed at the panel.",
                created_by=self.sharer[self.police.pk],
            ))
            pending.append(group)
        WarningNotice.objects.bulk_create(notices)
        breaches = []
        for notice, group in zip(notices, pending, strict=True):
            for child, basis, age in group:
                link = NoticeChild(notice=notice, child=child, basis=basis.value,
                                   age_when_served=age)
                link.set_protection()
                links.append(link)
                people.append(LinkedPerson(child=child, relationship=Relationship.ADULT_OF_CONCERN,
                                           name=str(notice.adult), adult=notice.adult))
            if self.rng.random() < 0.15:
                breaches.append(NoticeBreach(
                    notice=notice, occurred_at=notice.served_at + timedelta(days=40),
                    child=group[0][0], details="Seen together in a car after the notice.",
                    action_taken="Arrested; child returned to placement.",
                    recorded_by=self.users["police.investigator"]))
            self.share(notice, self.county, "Warning notice on an adult of concern")
            self.share(notice, self.city, "Warning notice on an adult of concern")
        NoticeChild.objects.bulk_create(links)
        LinkedPerson.objects.bulk_create(people)
        NoticeBreach.objects.bulk_create(breaches)
